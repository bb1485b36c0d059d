"""`README.md` (a Hugging Face dataset card) and `datasheet.md` (Datasheets for Datasets).

Answered from what the project recorded (sources, licences, annotators, schema and guideline
versions, splits, counts); what only a person can know is marked `_TO FILL: …_` so a
reviewer can find every blank with one search.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .. import __version__
from ..core.wording import plural
from .chart import class_counts
from .snapshot import ReleaseSnapshot

TO_FILL = "_TO FILL: {}_"


def blank(question: str) -> str:
    return TO_FILL.format(question)


def size_category(n: int) -> str:
    """Hugging Face size bucket for `n` examples (regions)."""
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ):
        if n < limit:
            return label
    return "10M<n<100M"


def hf_license(snapshot: ReleaseSnapshot) -> str:
    """One licence id if every document carries the same one, else `other`."""
    licences = {(d.document.license or "").strip().lower() for d in snapshot.documents}
    if len(licences) == 1:
        (only,) = licences
        if only and " " not in only:
            return only
    return "other"


def front_matter(snapshot: ReleaseSnapshot, formats: tuple[str, ...], images: bool = False) -> str:
    q = json.dumps
    lines = ["---", f"license: {q(hf_license(snapshot))}"]
    if hf_license(snapshot) == "other":
        lines.append('license_name: "per-document"')
        lines.append('license_link: "datasheet.md"')
    lines += [
        f"pretty_name: {q(f'{snapshot.dataset} {snapshot.name}')}",
        "task_categories:",
        "- object-detection",
        "tags:",
        "- document-layout-analysis",
        "- pdf",
        "size_categories:",
        f"- {size_category(snapshot.region_count())}",
    ]
    tables: list[tuple[str, str]] = []
    if "parquet" in formats:
        tables = [
            (t, f"parquet/{t}/split={{}}/*.parquet")
            for t in ("regions", "pages", "images")
            if t != "images" or images
        ]
    elif "jsonl" in formats:
        tables = [("regions", "jsonl/{}.jsonl")]
    if tables:
        lines.append("configs:")
        for i, (name, pattern) in enumerate(tables):
            lines.append(f"- config_name: {name}")
            if i == 0:
                lines.append("  default: true")
            lines.append("  data_files:")
            for split in snapshot.splits:
                if snapshot.documents_in(split):
                    lines.append(f"  - split: {split}")
                    lines.append(f"    path: {q(pattern.format(split))}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def datasheet_body(snapshot: ReleaseSnapshot, formats: tuple[str, ...], dpi: float) -> str:
    """The Datasheets-for-Datasets sections (Gebru et al.), answered where the records allow."""
    s = snapshot
    regions = s.all_regions  # streamed: a large version is never one list
    counts = class_counts(s)
    made = s.provenance_summary()
    coverage = s.coverage()
    sources = Counter(d.document.source or "unrecorded" for d in s.documents)
    licences = Counter(d.document.license or "unrecorded" for d in s.documents)
    importers = sorted({d.document.imported_by for d in s.documents})
    imported = sorted(d.document.imported_at for d in s.documents)
    created = sorted(r.created_at for r in regions if r.created_at)
    ratios = "/".join(f"{r:g}" for r in s.split_ratios)
    L: list[str] = []
    L += [f"# {s.dataset} — version {s.name}", ""]
    L += [
        f"Page layout regions on PDF pages: {plural(len(s.documents), 'document')}, "
        f"{plural(s.page_count(), 'page')}, {plural(s.region_count(), 'region')} in "
        f"{plural(len(s.classes), 'class')}. Version `{s.name}` "
        f"(SemVer {s.semantic_version()}) was frozen by {s.created_by} at {s.created_at}"
        + (f" from parent version `{s.parent}`." if s.parent else " (first version)."),
        "",
    ]
    L += [
        "Files: `manifest.json` and `SHA256SUMS` (check with `sha256sum -c SHA256SUMS` or "
        "`aal release verify .`), `CHANGELOG.md` and `changes.jsonl` (what changed since the "
        "parent version), `stats.json` and `stats_chart.svg`, `schema.json`, "
        "`croissant.json`, and the annotations as " + ", ".join(formats or ("none",)) + ".",
        "",
    ]
    L += ["## Motivation", ""]
    L += [
        "- **For what purpose was the dataset created?** " + blank("the task and the gap it fills"),
        f"- **Who created the dataset, on behalf of whom?** Version frozen by {s.created_by}; "
        f"annotated by {plural(len(made.people), 'person')} (see Collection). "
        + blank("team / organisation"),
        f"- **Who funded it?** {blank('funding')}",
        "",
    ]
    L += ["## Composition", ""]
    L += [
        "- **What do the instances represent?** Rectangular regions on PDF pages, each with "
        "one class of the label schema, optional attributes and the text under it.",
        f"- **How many instances?** {plural(s.region_count(), 'region')} on "
        f"{plural(s.page_count(), 'page')} of {plural(len(s.documents), 'document')}.",
        "",
    ]
    L += _table(
        ["split", "documents", "pages", "regions"],
        [[sp, len(s.documents_in(sp)), s.page_count(sp), s.region_count(sp)] for sp in s.splits],
    )
    L += ["", "Regions per class and split:", ""]
    L += _table(
        ["class", "key", *s.splits, "total"],
        [
            [
                c.name,
                f"`{c.key}`",
                *(counts[sp][c.key] for sp in s.splits),
                sum(counts[sp][c.key] for sp in s.splits),
            ]
            for c in s.classes
        ],
    )
    L += [
        "",
        "- **Sources of the documents:** "
        + "; ".join(f"{k} ({n})" for k, n in sources.most_common())
        + ".",
        "- **Licences of the documents:** "
        + "; ".join(f"{k} ({n})" for k, n in licences.most_common())
        + "."
        + (
            " " + blank("licence of the documents marked unrecorded")
            if "unrecorded" in licences
            else ""
        ),
        f"- **Recommended splits:** document-level train/val/test ({ratios}, seed {s.seed}); "
        + (
            f"{' and '.join(s.empty_splits())} got no documents and "
            f"{'is' if len(s.empty_splits()) == 1 else 'are'} left out; "
            if s.empty_splits()
            else ""
        )
        + "all pages of a document are in the same split, and a document keeps its split "
        "across versions.",
        f"- **Is it a sample of a larger set?** Documents with status "
        f"{', '.join(s.statuses)} at the time the version was frozen. "
        + blank("how the documents were chosen"),
        f"- **Confidential or personal data?** {blank('personal or sensitive content')}",
        "",
    ]
    L += ["## Collection process", ""]
    L += [
        f"- **How were the documents acquired?** Imported as PDFs by "
        f"{', '.join(importers) or 'nobody'}"
        + (f" between {imported[0][:10]} and {imported[-1][:10]}" if imported else "")
        + "; each is identified by its SHA-256. "
        + blank("where they came from"),
        "- **Who annotated?** "
        + (
            ", ".join(
                f"{a} ({plural(n, 'region')} drawn, corrected or adjudicated)"
                for a, n in made.people.items()
            )
            or "nobody"
        )
        + ". "
        + blank("annotators' background and compensation"),
        "- **Sources of the regions:** "
        + made.sentence()
        + "; credited to "
        + ("; ".join(f"{k}: {n}" for k, n in made.credits.items()) or "nobody")
        + ".",
        "- **Machine annotation tools:** "
        + (
            ", ".join(made.models) + " (pre-labels a person accepted or corrected; pending "
            "proposals are never included)"
            if made.models
            else "none"
        )
        + ".",
        "- **Annotations per item:** one region per object"
        + (f"; {coverage.sentence()}" if coverage else "")
        + ".",
        "- **Time frame:** "
        + (
            f"regions created between {created[0]} and {created[-1]}." if created else "no regions."
        ),
        "",
    ]
    L += ["## Preprocessing, cleaning, labelling", ""]
    L += [
        f"- **Label schema:** `{s.schema.name}`, version {s.schema_version}; annotation "
        f"guideline version {s.guideline_version or blank('guideline version')} "
        "(see `schema.json`).",
        "- **Boxes:** stored in PDF points in the displayed page space (rotation applied, "
        f"CropBox-relative); page images rendered at {dpi:g} dpi, pixels = points × "
        f"{dpi:g} / 72.",
        "- **Corrections:** every change is an event in the project's append-only log; this "
        "version's changes against its parent are in `CHANGELOG.md` and `changes.jsonl`.",
        f"- **Raw data kept?** The source PDFs, by SHA-256. {blank('where they are kept')}",
        "",
    ]
    L += ["## Uses", ""]
    L += [
        f"- **Tasks it suits:** document layout analysis (object detection). "
        f"{blank('other intended uses')}",
        f"- **Uses to avoid:** {blank('uses to avoid and known limitations')}",
        "",
    ]
    L += ["## Distribution", ""]
    L += [
        f"- **Licence of this release:** {blank('licence of the annotations')}",
        f"- **Formats:** {', '.join(formats or ('metadata only',))}.",
        f"- **Written by:** AAL Desktop {__version__}.",
        "",
    ]
    L += ["## Maintenance", ""]
    L += [
        f"- **Who maintains it?** {s.created_by}. {blank('contact address')}",
        "- **Errata and updates:** releases are never changed; corrections come as new "
        "versions with a changelog, and withdrawn versions are retired with a reason and "
        "successor.",
        "",
    ]
    return "\n".join(L)


def write_datasheet(
    snapshot: ReleaseSnapshot, root: Path, formats: tuple[str, ...], dpi: float
) -> list[Path]:
    body = datasheet_body(snapshot, formats, dpi)
    readme = root / "README.md"
    images = (root / "parquet" / "images").is_dir()
    readme.write_text(front_matter(snapshot, formats, images) + "\n" + body, encoding="utf-8")
    sheet = root / "datasheet.md"
    sheet.write_text(body, encoding="utf-8")
    return [readme, sheet]
