"""The report's sections on the training data (Annex IV §2(d), data and data governance):
the dataset versions, the label schema and its history, the corrections to the labels.

The largest part of the report, kept apart from the model's own sections (services/report.py).
"""

from __future__ import annotations

import json
from typing import Any

from ..core.wording import plural
from . import lineage as lin
from . import versions
from .report_render import UNRECORDED, Report, flatten_metrics, value_text


def training_data(rep: Report, lineage: lin.ModelLineage) -> None:
    rep.h(2, "2. Training data (Annex IV §2(d): provenance, scope, characteristics)")
    for d in lineage.datasets:
        src = d.source_record
        rep.h(3, f"Dataset version {d.name}" + (" (RETIRED)" if d.retired else ""))
        rep.table(
            ["Fact", "Value", "Record"],
            [
                ["Dataset", d.dataset, src],
                ["Parent version", value_text(d.parent), src],
                ["Schema version", d.schema_version, src],
                ["Document statuses included", ", ".join(d.statuses) or UNRECORDED, src],
                ["Split ratios / seed", f"{value_text(d.split_ratios)} / {d.seed}", src],
                ["SemVer", value_text(d.semver), src],
                ["Created by / at", f"{d.created_by} / {d.created_at}", src],
                ["Audit log position (last event)", d.last_event_id, src],
                [
                    "Documents / regions",
                    f"{len(d.documents)} / {d.regions}",
                    f"version_documents, version_regions/{d.name}",
                ],
            ],
        )
        rep.p("Sizes by split:")
        rep.table(
            ["Split", "Documents", "Pages", "Regions", "Record"],
            [
                [s, c["documents"], c["pages"], c["regions"], f"version_documents/{d.name}"]
                for s, c in sorted(d.splits.items())
            ],
        )
        rep.p("Sources and licences:")
        rep.table(["Source", "Documents"], [[k, n] for k, n in sorted(d.sources.items())])
        rep.table(["Licence", "Documents"], [[k, n] for k, n in sorted(d.licences.items())])
        rep.p("Documents:")
        rep.table(
            [
                "Document",
                "File",
                "SHA-256",
                "Source",
                "Licence",
                "Split",
                "Pages",
                "Regions",
                "Record",
            ],
            [
                [
                    doc.document_id,
                    doc.filename,
                    doc.sha256,
                    value_text(doc.source),
                    value_text(doc.license),
                    doc.split,
                    doc.pages,
                    doc.regions,
                    f"documents/{doc.document_id}",
                ]
                for doc in d.documents
            ],
        )
        rep.p("Class distribution:")
        splits = sorted(d.class_distribution_by_split)
        rep.table(
            ["Class", *splits, "Total", "Record"],
            [
                [
                    cls,
                    *[d.class_distribution_by_split[s].get(cls, 0) for s in splits],
                    n,
                    f"version_regions/{d.name}",
                ]
                for cls, n in d.class_distribution.items()
            ],
        )
        if d.quality:
            rep.p(f"Quality baseline recorded with the version ({src}, quality):")
            rep.table(
                ["Measure", "Value"], [[k, value_text(v)] for k, v in flatten_metrics(d.quality)]
            )
        else:
            rep.p(f"Quality baseline: {UNRECORDED} ({src}, quality).")
        if d.retired:
            rep.p(
                f"Retired {d.retired_at} by {d.retired_by}: {d.retired_reason}; successor "
                f"{value_text(d.successor)}; archived at {value_text(d.archive)} ({src})."
            )


def schema(rep: Report, lineage: lin.ModelLineage) -> None:
    rep.h(2, "3. Label schema and its history (Annex IV §2(d): labelling procedures)")
    for s in lineage.schemas:
        rep.p(
            f"Trained under schema version {s.version} '{s.name}' (guideline "
            f"{s.guideline_version or UNRECORDED}), {plural(len(s.classes), 'class')}: "
            f"{', '.join(s.classes)} ({s.source})."
        )
    rep.table(
        [
            "Version",
            "Name",
            "Status",
            "Classes",
            "Published",
            "Made by migration because",
            "Retired",
            "Record",
        ],
        [
            [
                s.version,
                s.name,
                s.status,
                len(s.classes),
                value_text(s.published_at),
                value_text(s.migration_reason),
                f"{s.retired_at}: {s.retired_reason}" if s.retired_at else "-",
                s.source,
            ]
            for s in lineage.schema_history
        ],
    )


def corrections(rep: Report, lineage: lin.ModelLineage) -> None:
    rep.h(2, "4. Corrections to the labels (Annex IV §2(d): labelling and cleaning)")
    if not lineage.corrections:
        rep.p("No dataset versions involved.")
    for cs in lineage.corrections:
        span = (
            f"between dataset versions {cs.from_version} and {cs.to_version}"
            if cs.from_version
            else f"before dataset version {cs.to_version} was cut"
        )
        rep.h(3, f"Corrections {span}")
        if not cs.corrections:
            rep.p(f"No corrective events {span} (events log).")
            continue
        rep.p(f"{len(cs.corrections)} corrective event(s) by {len(cs.by_user)} person(s).")
        rep.table(
            ["Person", "Kind", "Corrections"],
            [
                [u, k, n]
                for u, kinds in sorted(cs.by_user_and_kind.items())
                for k, n in sorted(kinds.items())
            ],
        )
        if cs.relabels:
            rep.bullets([f"{change}: {n}" for change, n in sorted(cs.relabels.items())])
        rep.table(
            [
                "Event",
                "At",
                "Person",
                "Kind",
                "Region",
                "Document",
                "Class before",
                "Class after",
                "Reason",
                "Review",
                "Record",
            ],
            [
                [
                    c.event_id,
                    c.at,
                    c.user,
                    c.kind,
                    c.region_id,
                    c.document_id,
                    value_text(c.class_before),
                    value_text(c.class_after),
                    value_text(c.reason),
                    c.review,
                    f"events/{c.event_id}",
                ]
                for c in cs.corrections
            ],
        )
        text = _changelog_text(cs.changelog)
        if text:
            rep.p(
                f"Changelog computed by the dataset-versions service "
                f"(dataset_versions/{cs.to_version}, changelog):"
            )
            rep.pre(text, "markdown")


def _changelog_text(changelog: dict[str, Any]) -> str:
    if not changelog:
        return ""
    try:
        return versions.changelog_markdown(changelog).strip()
    except (KeyError, TypeError, ValueError):  # an unexpected shape: show the data itself
        return json.dumps(changelog, indent=2, ensure_ascii=False, sort_keys=True, default=str)
