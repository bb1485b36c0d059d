"""What changed between two frozen dataset snapshots, as JSON-ready data and Markdown. Pure.

The changelog is computed from the DATA (the two sets of frozen regions and documents);
the events recorded between the two cuts only say who and how: whether a region that is
new to the child was drawn since (addition) or existed and was deleted at the parent's cut
(restoration), whether a class change came from a schema migration or a person, and
whether the last word on a corrected region was a review revert. So the numbers are net
changes a training team sees in the data: a box relabelled and relabelled back counts
nothing.

An attribute change that comes with a relabel is part of the relabel (attributes belong
to a class), so it is not counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import changelog_values as cv
from .records import Region
from .schema import LabelSchema
from .schema_diff import diff, to_markdown
from .snapshot import SnapshotDocument
from .stats import source_of
from .wording import plural

ARROW = "→"
MIGRATION_KIND = "region.schema"


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: a frozen version (or nothing, for the first version)."""

    name: str | None
    schema_version: int | None
    documents: Mapping[int, SnapshotDocument]
    regions: Mapping[str, Region]
    schema: LabelSchema | None = None

    @staticmethod
    def empty() -> Snapshot:
        return Snapshot(None, None, {}, {})


@dataclass(frozen=True)
class ChangeEvent:
    """A region event recorded between the two cuts, reduced to what attribution needs."""

    id: int
    kind: str
    region_id: str
    user: str
    old_class: str | None = None
    new_class: str | None = None
    review_revert: bool = False
    reason: str | None = None


@dataclass
class _Corrections:
    relabels: Counter[tuple[str, str]] = field(default_factory=Counter)
    migrated: Counter[tuple[str, str]] = field(default_factory=Counter)
    geometry: int = 0
    attributes: int = 0
    deletions: Counter[str] = field(default_factory=Counter)
    restorations: Counter[str] = field(default_factory=Counter)
    regions: set[str] = field(default_factory=set)
    by_review: set[str] = field(default_factory=set)
    by_user: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)


def pair_label(a: str, b: str) -> str:
    return f"{a} {ARROW} {b}"


def _doc_entry(d: SnapshotDocument, regions: int) -> cv.DocumentEntry:
    return cv.DocumentEntry(d.id, d.sha256, d.filename, d.split, regions)


def _class_order(schema: LabelSchema | None, *counts: Mapping[str, int]) -> list[str]:
    keys = {k for c in counts for k in c}
    ordered = [c.key for c in schema.classes] if schema is not None else []
    return [k for k in ordered if k in keys] + sorted(keys - set(ordered))


def _schema_section(
    parent: Snapshot, child: Snapshot, plans: Sequence[Any], migrated: Counter[tuple[str, str]]
) -> cv.SchemaChange:
    pairs = {pair_label(a, b): n for (a, b), n in sorted(migrated.items())}
    if parent.schema is None or child.schema is None:
        return cv.SchemaChange(parent.schema_version, child.schema_version, False, None, "", pairs)
    if parent.schema_version == child.schema_version:
        return cv.SchemaChange(
            parent.schema_version, child.schema_version, bool(migrated), None, "", pairs
        )
    d = diff(parent.schema, child.schema, list(plans))
    body = to_markdown(d, parent.schema, child.schema)
    return cv.SchemaChange(
        parent.schema_version,
        child.schema_version,
        (not d.empty) or bool(migrated),
        d,
        "\n".join(body.splitlines()[1:]).strip(),  # without its own title
        pairs,
    )


def compute(
    parent: Snapshot | None,
    child: Snapshot,
    events: Sequence[ChangeEvent] = (),
    plans: Sequence[Any] = (),
) -> cv.Changelog:
    """The changelog from `parent` to `child` (parent None: everything is an addition).

    `events` are the region events recorded between the two cuts, oldest first; `plans`
    the schema migration plans between the two schema versions (for renames and merges).
    """
    parent = parent or Snapshot.empty()
    created = {e.region_id for e in events if e.kind == "region.create"}
    last: dict[str, ChangeEvent] = {}
    last_class_change: dict[str, ChangeEvent] = {}
    for e in events:
        last[e.region_id] = e
        if e.old_class is not None and e.new_class is not None and e.old_class != e.new_class:
            last_class_change[e.region_id] = e

    added_docs = [d for i, d in child.documents.items() if i not in parent.documents]
    removed_docs = [d for i, d in parent.documents.items() if i not in child.documents]
    moved = tuple(
        cv.MovedDocument(i, d.sha256, d.filename, parent.documents[i].split, d.split)
        for i, d in sorted(child.documents.items())
        if i in parent.documents and parent.documents[i].split != d.split
    )

    add_source: Counter[str] = Counter()
    add_class: Counter[str] = Counter()
    with_new_docs = 0
    fix = _Corrections()

    def corrected(rid: str) -> None:
        fix.regions.add(rid)
        e = last.get(rid)
        if e is not None:
            fix.by_user[e.user] += 1
            if e.reason:
                fix.reasons[e.reason] += 1
            if e.review_revert:
                fix.by_review.add(rid)

    for rid, r in child.regions.items():
        before = parent.regions.get(rid)
        if before is None:
            if r.document_id not in parent.documents:
                with_new_docs += 1
            elif rid not in created:
                fix.restorations[r.class_key] += 1
                corrected(rid)
                continue
            add_source[source_of(r)] += 1
            add_class[r.class_key] += 1
            continue
        changed = False
        if before.class_key != r.class_key:
            cause = last_class_change.get(rid)
            if cause is not None and cause.kind == MIGRATION_KIND:
                fix.migrated[(before.class_key, r.class_key)] += 1
            else:
                fix.relabels[(before.class_key, r.class_key)] += 1
                changed = True
        elif before.attrs != r.attrs:
            fix.attributes += 1
            changed = True
        if tuple(round(v, 2) for v in before.box) != tuple(round(v, 2) for v in r.box):
            fix.geometry += 1
            changed = True
        if changed:
            corrected(rid)
    removed_regions = 0
    for rid, r in parent.regions.items():
        if rid in child.regions:
            continue
        if r.document_id in child.documents:
            fix.deletions[r.class_key] += 1
            corrected(rid)
        else:
            removed_regions += 1

    before_dist = Counter(r.class_key for r in parent.regions.values())
    after_dist = Counter(r.class_key for r in child.regions.values())
    order = _class_order(child.schema or parent.schema, before_dist, after_dist)
    per_doc_regions = Counter(r.document_id for r in child.regions.values())
    parent_doc_regions = Counter(r.document_id for r in parent.regions.values())
    schema = _schema_section(parent, child, plans, fix.migrated)

    n_corr = len(fix.regions)
    corrections = cv.Corrections(
        regions=n_corr,
        relabels={pair_label(a, b): n for (a, b), n in sorted(fix.relabels.items())},
        geometry=fix.geometry,
        attributes=fix.attributes,
        deletions=sum(fix.deletions.values()),
        deletions_by_class=dict(sorted(fix.deletions.items())),
        restorations=sum(fix.restorations.values()),
        restorations_by_class=dict(sorted(fix.restorations.items())),
        by_review=len(fix.by_review),
        review_share=round(len(fix.by_review) / n_corr, 4) if n_corr else 0.0,
        by_user=dict(sorted(fix.by_user.items())),
        # the reason recorded with the last change of each corrected region, most common first
        reasons=dict(sorted(fix.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
    additions = cv.Additions(
        documents=tuple(
            _doc_entry(d, per_doc_regions[d.id]) for d in sorted(added_docs, key=lambda d: d.id)
        ),
        regions=cv.AddedRegions(
            total=sum(add_class.values()),
            with_new_documents=with_new_docs,
            by_source=dict(sorted(add_source.items())),
            by_class={k: add_class[k] for k in order if add_class[k]},
        ),
    )
    removals = cv.Removals(
        documents=tuple(
            _doc_entry(d, parent_doc_regions[d.id])
            for d in sorted(removed_docs, key=lambda d: d.id)
        ),
        regions=removed_regions,
    )
    if schema.changed:
        change_type = "schema"
    elif n_corr or removed_docs or moved:
        change_type = "corrective"
    elif added_docs or add_class:
        change_type = "additive"
    else:
        change_type = "none"
    return cv.Changelog(
        from_version=parent.name,
        to_version=child.name,
        change_type=change_type,
        summary=cv.Summary(
            cv.BeforeAfter(len(parent.documents), len(child.documents)),
            cv.BeforeAfter(len(parent.regions), len(child.regions)),
            len(events),
        ),
        additions=additions,
        corrections=corrections,
        removals=removals,
        schema=schema,
        moved=moved,
        class_distribution=cv.ClassDistribution(
            order=tuple(order),
            before={k: before_dist[k] for k in order},
            after={k: after_dist[k] for k in order},
            delta={
                k: after_dist[k] - before_dist[k] for k in order if after_dist[k] != before_dist[k]
            },
        ),
    )


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _counts(d: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items())


def changelog_markdown(changelog: cv.Changelog | Mapping[str, Any]) -> str:
    """The changelog for people (CHANGELOG.md, the window): only sections that have news.

    Also takes the stored JSON, which for versions cut by earlier releases may lack keys.
    """
    if isinstance(changelog, cv.Changelog):
        changelog = changelog.to_json()
    if not changelog:
        return "# Changelog\n\nNo changelog recorded.\n"
    to, frm = changelog.get("to") or "(live data)", changelog.get("from")
    lines = [f"# {to}" + (f" (changes since {frm})" if frm else " (first version)"), ""]
    summary = changelog.get("summary", {})
    docs, regs = summary.get("documents", {}), summary.get("regions", {})
    kind = changelog.get("change_type", "none")
    if frm:
        lines.append(f"Change type: **{kind}**.")
        lines.append("")
    lines += [
        f"- Documents: {docs.get('before', 0)} → {docs.get('after', 0)} "
        f"({_signed(docs.get('after', 0) - docs.get('before', 0))})",
        f"- Regions: {regs.get('before', 0)} → {regs.get('after', 0)} "
        f"({_signed(regs.get('after', 0) - regs.get('before', 0))})",
        "",
    ]
    add = changelog.get("additions", {})
    add_docs = add.get("documents", [])
    add_regs = add.get("regions", {})
    if add_docs or add_regs.get("total"):
        lines.append("## Added")
        lines.append("")
        if add_docs:
            lines.append(f"- {len(add_docs)} document(s):")
            for d in add_docs:
                lines.append(
                    f"  - `{d['filename']}` ({d['sha256'][:12]}, {d['split']}, "
                    f"{plural(d['regions'], 'region')})"
                )
        if add_regs.get("total"):
            extra = (
                f", {add_regs['with_new_documents']} of them on new documents"
                if add_regs.get("with_new_documents")
                else ""
            )
            lines.append(f"- {add_regs['total']} region(s){extra}")
            lines.append(f"  - by source: {_counts(add_regs.get('by_source', {}))}")
            lines.append(f"  - by class: {_counts(add_regs.get('by_class', {}))}")
        lines.append("")
    fix = changelog.get("corrections", {})
    if fix.get("regions"):
        lines += ["## Corrections", ""]
        if fix.get("relabels"):
            lines.append("- Relabelled:")
            lines += [f"  - {pair}: {n}" for pair, n in fix["relabels"].items()]
        if fix.get("geometry"):
            lines.append(f"- Boxes moved or resized: {fix['geometry']}")
        if fix.get("attributes"):
            lines.append(f"- Attributes changed: {fix['attributes']}")
        if fix.get("deletions"):
            lines.append(
                f"- Deleted: {fix['deletions']} ({_counts(fix.get('deletions_by_class', {}))})"
            )
        if fix.get("restorations"):
            lines.append(
                f"- Restored: {fix['restorations']} "
                f"({_counts(fix.get('restorations_by_class', {}))})"
            )
        share = fix.get("review_share", 0.0)
        lines.append(
            f"- Regions corrected: {fix['regions']}, of which {fix.get('by_review', 0)} "
            f"by review reverts ({share:.0%})"
        )
        if fix.get("by_user"):
            lines.append(f"- Last changed by: {_counts(fix['by_user'])}")
        reasons = list(fix.get("reasons", {}).items())
        if reasons:
            lines.append("- Reasons given:")
            lines += [f"  - “{why}”: {n}" for why, n in reasons[:10]]
            if len(reasons) > 10:
                lines.append(f"  - … and {len(reasons) - 10} other reasons (see changes.jsonl)")
        lines.append("")
    rem = changelog.get("removals", {})
    if rem.get("documents"):
        lines += ["## Removed", ""]
        lines.append(
            f"- {len(rem['documents'])} document(s) no longer in the version "
            f"({plural(rem.get('regions', 0), 'region')}):"
        )
        for d in rem["documents"]:
            lines.append(f"  - `{d['filename']}` ({d['sha256'][:12]}, was {d['split']})")
        lines.append("")
    schema = changelog.get("schema", {})
    if schema.get("changed"):
        lines += [f"## Schema v{schema.get('from_version')} → v{schema.get('to_version')}", ""]
        if schema.get("markdown"):
            body = schema["markdown"].replace("\n## ", "\n### ")
            body = "### " + body[3:] if body.startswith("## ") else body
            lines += [body, ""]
        elif schema.get("diff"):
            d = schema["diff"]
            for what in ("added", "removed"):
                if d.get(what):
                    lines.append(f"- Classes {what}: {', '.join(d[what])}")
        if schema.get("migrated"):
            lines.append("- Regions relabelled by the migration:")
            lines += [f"  - {pair}: {n}" for pair, n in schema["migrated"].items()]
        lines.append("")
    moved = changelog.get("splits", {}).get("moved", [])
    if moved:
        lines += ["## Split changes", ""]
        lines += [f"- `{m['filename']}`: {m['from']} → {m['to']}" for m in moved]
        lines.append("")
    dist = changelog.get("class_distribution", {})
    order = dist.get("order", [])
    if order:
        lines += [
            "## Class distribution",
            "",
            "| Class | Before | After | Change |",
            "|---|---:|---:|---:|",
        ]
        for k in order:
            b, a = dist["before"].get(k, 0), dist["after"].get(k, 0)
            lines.append(f"| {k} | {b} | {a} | {_signed(a - b) if a != b else ''} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def bump_semver(previous: str | None, change_type: str, taken: set[str] | None = None) -> str:
    """The next SemVer (DESIGN.md): 1.0.0 first; additive → minor; corrective or schema →
    major; no change → patch. Skips numbers another version of the dataset already holds
    (two children of one parent)."""
    if previous is None:
        candidate = (1, 0, 0)
        step = 0
    else:
        try:
            major, minor, patch = (int(p) for p in previous.split("-")[0].split("."))
        except ValueError:
            major, minor, patch = 1, 0, 0
        step = {"schema": 0, "corrective": 0, "additive": 1}.get(change_type, 2)
        candidate = ((major + 1, 0, 0), (major, minor + 1, 0), (major, minor, patch + 1))[step]
    taken = taken or set()
    while ".".join(map(str, candidate)) in taken:
        m, n, p = candidate
        candidate = ((m + 1, 0, 0), (m, n + 1, 0), (m, n, p + 1))[step]
    return ".".join(map(str, candidate))
