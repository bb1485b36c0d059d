"""Dataset versions: frozen snapshots of documents, their regions, the schema and the split.

A version is written once, in one transaction, and never changes (triggers refuse UPDATE
and DELETE on its rows). Its statistics and its changelog against its parent are computed
at that moment and stored with it, so what a release says is what the version was, not
what the live data has become. `last_event_id` ties the snapshot to the event log: the
events between two versions' ids are the recorded changes between them.

This module is the contract the release writer codes against (see the issue); keep names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..core import changelog as changelog_core
from ..core import splits as split_core
from ..core import stats as stats_core
from ..core.changelog_values import Changelog
from ..core.errors import NotFound, ValidationFailed
from ..core.records import DocStatus, Document, Region
from ..core.reviewed import reviewed_set
from ..core.snapshot import AnnotationCoverage, SnapshotDocument
from ..core.wording import plural
from ..store import regions as region_rows
from ..store import versions as version_rows
from ..store.db import transaction
from ..store.events import NewEvent, append, now_iso
from . import documents as document_service
from . import migrations, schemas
from .project import Change, ChangeKind, Project
from .quality import quality_baseline

DEFAULT_DATASET = "layout"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
VersionDocument = SnapshotDocument  # a document of a version: record as of the cut, split, pages


@dataclass(frozen=True)
class VersionInfo:
    name: str
    dataset: str
    parent: str | None
    schema_version: int
    statuses: list[str]
    split_ratios: tuple[float, float, float]
    seed: int
    semver: str | None
    created_by: str
    created_at: str
    documents: int
    regions: int
    retired_at: str | None
    retired_reason: str | None
    successor: str | None


# --- reading --------------------------------------------------------------------------------


def _row(project: Project, name: str) -> version_rows.VersionRow:
    row = version_rows.get(project.db, name)
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    return row


def _info(row: version_rows.VersionRow) -> VersionInfo:
    return VersionInfo(
        name=row.name,
        dataset=row.dataset,
        parent=row.parent,
        schema_version=row.schema_version,
        statuses=list(row.statuses),
        split_ratios=row.split_ratios,
        seed=row.seed,
        semver=row.semver,
        created_by=row.created_by,
        created_at=row.created_at,
        documents=row.documents,
        regions=row.regions,
        retired_at=row.retired_at,
        retired_reason=row.retired_reason,
        successor=row.successor,
    )


def get_version(project: Project, name: str) -> VersionInfo:
    return _info(_row(project, name))


def list_versions(project: Project) -> list[VersionInfo]:
    """Every version, oldest first."""
    return [_info(r) for r in version_rows.list_versions(project.db)]


def _last_event_id(project: Project, name: str | None) -> int:
    return 0 if name is None else _row(project, name).last_event_id


def _document(values: Sequence[Any]) -> Document:
    r = dict(zip(document_service.DOC_COLUMNS, values, strict=True))
    r["encrypted"] = bool(r["encrypted"])
    return Document.model_validate(r)


def members(
    project: Project,
    row: version_rows.VersionRow,
    *,
    with_pages: bool = True,
    with_pdfs: bool = False,
) -> list[SnapshotDocument]:
    """The version's documents (sorted by id) as they were at the cut: status and retirement
    as of then (the live record may have moved on), their split and pages."""
    pages = version_rows.member_pages(project.db, row.name) if with_pages else {}
    out = []
    for values in version_rows.member_documents(
        project.db, row.name, document_service.DOC_COLUMNS, row.created_at
    ):
        *cols, split = values
        doc = _document(cols)
        if doc.retired_at and doc.retired_at > row.created_at:
            doc = doc.model_copy(
                update={"retired_at": None, "retired_by": None, "retired_reason": None}
            )
        pdf = project.blobs.path(doc.sha256) if with_pdfs else None
        out.append(
            SnapshotDocument(
                doc,
                split,
                pages.get(doc.id, []),
                pdf if pdf is not None and pdf.is_file() else None,
            )
        )
    return out


def version_documents(project: Project, name: str) -> list[SnapshotDocument]:
    """The version's documents (sorted by id) with their split and pages."""
    return members(project, _row(project, name))


def version_regions(project: Project, name: str, document_id: int | None = None) -> list[Region]:
    """The frozen regions as Region records (creation fields, which never change, are read
    from the live row; update fields are left empty: they would describe later edits)."""
    _row(project, name)
    return version_rows.regions(project.db, name, document_id)


def _stored(text: str) -> dict[str, Any]:
    value = json.loads(text or "{}")
    return value if isinstance(value, dict) else {}


def stored_stats(project: Project, row: version_rows.VersionRow) -> dict[str, Any]:
    """Statistics stored at the cut (computed from the frozen rows if none were stored)."""
    stored = _stored(row.stats_json)
    if stored:
        return stored
    parent = version_stats(project, row.parent) if row.parent else None
    return _version_stats_from(
        members(project, row), version_rows.regions(project.db, row.name), parent
    )


def stored_changelog(project: Project, row: version_rows.VersionRow) -> dict[str, Any]:
    """The changelog against the version's parent, as stored at the cut."""
    stored = _stored(row.changelog_json)
    if stored:
        return stored
    return changelog_between(project, row.parent, row.name).to_json()


def version_stats(project: Project, name: str) -> dict[str, Any]:
    """Statistics stored at the cut (computed from the frozen rows if none were stored)."""
    return stored_stats(project, _row(project, name))


def empty_splits(project: Project, name: str) -> list[str]:
    """Splits the version's ratios asked for that got no document (a release leaves them
    out: a 0-row file breaks `datasets.load_dataset`); the CLI warns about them."""
    row = _row(project, name)
    counts = stored_stats(project, row).get("splits", {})
    return [
        s
        for s, r in zip(split_core.SPLITS, row.split_ratios, strict=False)
        if r > 0 and not counts.get(s, {}).get("documents", 0)
    ]


def version_changelog(project: Project, name: str) -> dict[str, Any]:
    """The changelog against the version's parent, as stored at the cut."""
    return stored_changelog(project, _row(project, name))


def diff_versions(project: Project, a: str, b: str) -> dict[str, Any]:
    """The changelog from any version `a` to any version `b`, as `version diff --json`
    prints it."""
    _row(project, a)
    _row(project, b)
    return changelog_between(project, a, b).to_json()


def changelog_markdown(changelog: Changelog | dict[str, Any]) -> str:
    return changelog_core.changelog_markdown(changelog)


# --- snapshots, events, changelog -------------------------------------------------------------


def _snapshot(project: Project, name: str | None) -> changelog_core.Snapshot:
    if name is None:
        return changelog_core.Snapshot.empty()
    row = _row(project, name)
    docs = {d.id: d for d in members(project, row, with_pages=False)}
    regions = {r.id: r for r in version_rows.regions(project.db, name)}
    return changelog_core.Snapshot(
        name, row.schema_version, docs, regions, schemas.get(project, row.schema_version)
    )


def _change_events(
    project: Project, after_id: int, upto_id: int, document_ids: set[int]
) -> list[changelog_core.ChangeEvent]:
    return [
        changelog_core.ChangeEvent(
            e.id, e.kind, e.region_id, e.user, e.old_class, e.new_class, e.review_revert, e.reason
        )
        for e in version_rows.region_events(project.db, after_id, upto_id, document_ids)
    ]


def _plans(project: Project, a: int | None, b: int | None) -> list[Any]:
    if a is None or b is None or a == b:
        return []
    return list(migrations.plans_between(project, min(a, b), max(a, b)))


def changelog_between(project: Project, a: str | None, b: str) -> Changelog:
    """The changelog from version `a` (None: nothing) to version `b`, computed now."""
    parent, child = _snapshot(project, a), _snapshot(project, b)
    events = _change_events(
        project,
        _last_event_id(project, a),
        _last_event_id(project, b),
        set(parent.documents) | set(child.documents),
    )
    return changelog_core.compute(
        parent, child, events, _plans(project, parent.schema_version, child.schema_version)
    )


def changes_between(project: Project, a: str | None, b: str) -> list[dict[str, Any]]:
    """Every region event recorded after `a` was cut up to when `b` was cut on b's documents
    (a None: since the beginning), oldest first; one dict per event (changes.jsonl).

    `page` is 0-based here (a release's changes.jsonl shows it 1-based); `review` is the
    event's latest review decision (pending when none);
    `review_revert` says the event is itself the revert a reviewer made.
    """
    return version_rows.changes(
        project.db, b, _last_event_id(project, a), _last_event_id(project, b)
    )


# --- statistics ---------------------------------------------------------------------------


def _version_stats_from(
    docs: Sequence[SnapshotDocument], regions: Sequence[Region], parent_stats: dict[str, Any] | None
) -> dict[str, Any]:
    sdocs = [stats_core.StatsDocument(d.document.id, d.split, len(d.pages)) for d in docs]
    figures = stats_core.compute(sdocs, regions, split_core.SPLITS)
    return stats_core.VersionStats(figures, stats_core.change(parent_stats, figures)).to_json()


def project_statistics(project: Project) -> stats_core.ProjectStats:
    """Live figures of the whole project (documents not retired), per document status."""
    docs = document_service.list_documents(project, include_retired=False)
    sdocs = [stats_core.StatsDocument(d.id, d.status.value, d.page_count) for d in docs]
    ids = {d.id for d in docs}
    regions = [r for r in region_rows.list_regions(project.db) if r.document_id in ids]
    return stats_core.ProjectStats(
        stats_core.compute(sdocs, regions, [s.value for s in DocStatus], "statuses"),
        schemas.current_version(project),
    )


def project_stats(project: Project) -> dict[str, Any]:
    """`project_statistics` as the JSON document `aal stats --json` prints."""
    return project_statistics(project).to_json()


# --- creating ---------------------------------------------------------------------------


def _check_name(what: str, value: str) -> str:
    value = value.strip()
    if not NAME_PATTERN.fullmatch(value):
        raise ValidationFailed(
            f"{what} '{value}' is not usable: use 1-64 letters, digits, '.', '_', '-' or '+', "
            "starting with a letter or digit (it becomes part of a folder name)"
        )
    return value


def _check_statuses(statuses: Sequence[str]) -> list[str]:
    out: list[str] = []
    for s in statuses:
        try:
            value = DocStatus(s).value
        except ValueError:
            valid = ", ".join(x.value for x in DocStatus)
            raise ValidationFailed(f"unknown document status '{s}'; use one of {valid}") from None
        if value not in out:
            out.append(value)
    if not out:
        raise ValidationFailed("choose at least one document status for the version")
    return out


def _semver_for(project: Project, dataset: str, parent: str | None, change_type: str) -> str:
    previous = None
    seen: set[str] = set()
    current = parent
    while current is not None and current not in seen and previous is None:
        seen.add(current)
        row = version_rows.get(project.db, current)
        if row is None:
            break
        previous, current = row.semver, row.parent
    return changelog_core.bump_semver(
        previous, change_type, version_rows.semvers(project.db, dataset)
    )


def _reviewed_regions(
    project: Project, doc_ids: Sequence[int]
) -> tuple[list[Region], int, AnnotationCoverage]:
    """One reviewed set per document (core.reviewed): the adjudicated set where several
    people annotated, never a pending pre-label. A double-annotated document nobody has
    adjudicated refuses the whole cut, naming it: shipping either person's set, or both,
    would be a truth nobody decided. Returns the regions, the pending pre-labels left out and
    how many people annotated the documents (stored with the stats: the card says it)."""
    by_doc: dict[int, list[Region]] = {i: [] for i in doc_ids}
    for r in region_rows.live_regions_of(project.db, doc_ids):
        by_doc[r.document_id].append(r)
    sets = [reviewed_set(i, rs) for i, rs in by_doc.items()]
    undecided = [s for s in sets if s.needs_adjudication]
    if undecided:
        shown = ", ".join(f"{s.document_id} ({' and '.join(s.annotators)})" for s in undecided[:10])
        more = f" and {len(undecided) - 10} more" if len(undecided) > 10 else ""
        raise ValidationFailed(
            f"{plural(len(undecided), 'document')} annotated by several people "
            f"{'has' if len(undecided) == 1 else 'have'} no adjudicated set: {shown}{more}; "
            "adjudicate them (`aal adjudicate DOC`) or leave their status out of the version"
        )
    coverage = AnnotationCoverage(
        single=sum(1 for s in sets if not s.adjudicated and s.regions),
        adjudicated=sum(1 for s in sets if s.adjudicated),
        unannotated=sum(1 for s in sets if not s.regions),
        max_annotators=max((len(s.annotators) for s in sets), default=0),
    )
    return [r for s in sets for r in s.regions], sum(s.pending for s in sets), coverage


def create_version(
    project: Project,
    name: str,
    statuses: Sequence[str] = ("approved",),
    split: Sequence[float] = split_core.DEFAULT_RATIOS,
    seed: int = 0,
    parent: str | None | Literal["auto"] = "auto",
    dataset: str | None = None,
    resplit: bool = False,
    semver_bump: bool = True,
) -> VersionInfo:
    """Freeze the documents with these statuses, their reviewed regions, the current published
    schema version and a document-level split, in ONE transaction (leads only).

    `parent="auto"` is the newest version (of `dataset` when given); documents keep the
    split they had in the parent unless `resplit`. Names are never reused.
    """
    project.require_lead("create dataset versions")
    name = _check_name("version name", name)
    wanted = _check_statuses(statuses)
    ratios = split_core.normalize_ratios(split)
    seed = int(seed)
    with transaction(project.db):
        clash = version_rows.get(project.db, name)
        if clash is not None:
            raise ValidationFailed(
                f"dataset version '{name}' already exists (created by {clash.created_by} at "
                f"{clash.created_at[:19]}); version names are never reused, choose another name"
            )
        if parent == "auto":
            parent_name = version_rows.newest_name(
                project.db, _check_name("dataset", dataset) if dataset else None
            )
        else:
            parent_name = parent
            if parent_name is not None:
                _row(project, parent_name)
        if dataset is not None:
            dataset_name = _check_name("dataset", dataset)
        elif parent_name is not None:
            dataset_name = _row(project, parent_name).dataset
        else:
            dataset_name = DEFAULT_DATASET
        schema_version = schemas.current_version(project)
        docs = version_rows.candidate_documents(project.db, wanted, document_service.DOC_COLUMNS)
        if not docs:
            raise ValidationFailed(
                f"no documents with status {' or '.join(wanted)}: a version needs at least one "
                "(approve documents first, or choose other statuses with --status)"
            )
        records = [_document(values) for values in docs]
        previous = version_rows.splits(project.db, parent_name) if parent_name else {}
        assignment = split_core.assign(
            [(d.id, d.sha256) for d in records], seed, ratios, previous, resplit
        )
        doc_ids = [d.id for d in records]
        regions, pending_left_out, coverage = _reviewed_regions(project, doc_ids)
        last_event_id = version_rows.last_event_id(project.db)

        # statistics and changelog, computed from exactly what is frozen below
        child = changelog_core.Snapshot(
            name,
            schema_version,
            {d.id: SnapshotDocument(d, assignment[d.id]) for d in records},
            {r.id: r for r in regions},
            schemas.get(project, schema_version),
        )
        parent_snap = _snapshot(project, parent_name)
        events = _change_events(
            project,
            _last_event_id(project, parent_name),
            last_event_id,
            set(parent_snap.documents) | set(child.documents),
        )
        log = changelog_core.compute(
            parent_snap if parent_name else None,
            child,
            events,
            _plans(project, parent_snap.schema_version, schema_version),
        )
        sdocs = [stats_core.StatsDocument(d.id, assignment[d.id], d.page_count) for d in records]
        figures = stats_core.compute(sdocs, regions, split_core.SPLITS)
        stats = stats_core.VersionStats(
            figures,
            stats_core.change(
                version_stats(project, parent_name) if parent_name else None, figures
            ),
        )
        semver = (
            _semver_for(project, dataset_name, parent_name, log.change_type)
            if semver_bump
            else None
        )
        now = now_iso()
        version_rows.insert_version(
            project.db,
            version_rows.NewVersion(
                name=name,
                dataset=dataset_name,
                parent=parent_name,
                schema_version=schema_version,
                statuses=wanted,
                split_ratios=list(ratios),
                seed=seed,
                semver=semver,
                stats={**stats.to_json(), "annotation": coverage.to_json()},
                changelog=log.to_json(),
                quality=quality_baseline(project, doc_ids, as_of_event=last_event_id),
                last_event_id=last_event_id,
                created_by=project.user,
                created_at=now,
                splits={i: assignment[i] for i in doc_ids},
                regions=regions,
            ),
        )
        append(
            project.db,
            NewEvent(
                kind="version.create",
                user=project.user,
                new={
                    "name": name,
                    "dataset": dataset_name,
                    "parent": parent_name,
                    "schema_version": schema_version,
                    "statuses": wanted,
                    "split_ratios": list(ratios),
                    "seed": seed,
                    "semver": semver,
                    "documents": len(doc_ids),
                    "regions": len(regions),
                    "last_event_id": last_event_id,
                    "resplit": resplit,
                    "pending_prelabels_left_out": pending_left_out,
                },
                schema_version=schema_version,
            ),
            at=now,
        )
    project.notify(Change(ChangeKind.version, (name,), detail={"created": name}))
    return get_version(project, name)
