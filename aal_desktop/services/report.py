"""Technical documentation of a model version, each fact traceable to the record it came from.

Sections follow what a reviewer under the EU AI Act asks for: Annex IV (technical
documentation: general description, data and data governance, labelling and cleaning,
design choices, validation and metrics, limitations, changes over the lifecycle) and
Article 12 (record-keeping: logs of what was deployed when, by whom, tamper-evident).
The report is built as a small list of typed blocks, written out as Markdown, or as simple
self-contained HTML (.html/.htm), or a PDF laid out from that HTML (.pdf); no template
engine needed, and any other suffix is refused.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from ..core.wording import plural
from ..pdf.html_pdf import html_to_pdf
from ..store.events import now_iso, verify_chain
from . import lineage as lin
from . import models as registry
from . import versions
from .project import Project

UNRECORDED = "(not recorded)"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Preformatted:
    text: str
    language: str = ""


Block = Heading | Para | Bullets | Table | Preformatted


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append(Heading(level, text))

    def p(self, text: str) -> None:
        self.blocks.append(Para(text))

    def bullets(self, items: list[str]) -> None:
        if items:
            self.blocks.append(Bullets(tuple(items)))

    def table(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.blocks.append(Table(tuple(headers), tuple(tuple(r) for r in rows)))

    def pre(self, text: str, language: str = "") -> None:
        self.blocks.append(Preformatted(text, language))


def _v(value: Any) -> str:
    if value is None or value == "":
        return UNRECORDED
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flatten(metrics: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


# --- building ---------------------------------------------------------------------------------


def build_report(project: Project, ref: str) -> Report:
    """Every recorded fact about a model version an auditor would ask for, with its source."""
    lineage = lin.model_lineage(project, ref)
    m = lineage.model
    rep = Report(f"Technical documentation: model {m.ref}")
    from .. import __version__

    rep.p(
        f"Generated {now_iso()} by {project.user} with AAL Desktop {__version__} from "
        f"{project.path}. Each fact names the record it comes from as `table/key`; "
        "events are entries of the hash-chained audit log (`aal audit verify`)."
    )
    _identity(project, rep, m)
    _training_data(rep, lineage)
    _schema(rep, lineage)
    _corrections(rep, lineage)
    _evaluation(rep, lineage)
    _deployments(rep, lineage)
    _retirement(rep, lineage)
    _integrity(project, rep)
    _to_complete(rep)
    return rep


def _identity(project: Project, rep: Report, m: registry.ModelVersion) -> None:
    rep.h(2, "1. Identity and weights (Annex IV §1, §2(b))")
    src = f"models/{m.ref}"
    check = registry.check_weights(project, m.ref)
    status = (
        "matches the registered hash"
        if check.matches
        else "MISSING"
        if not check.exists
        else f"DOES NOT MATCH (now sha256 {check.actual_sha256})"
    )
    rows: list[list[Any]] = [
        ["Model", m.name, src],
        ["Version", m.version, src],
        ["Weights SHA-256", m.weights_sha256, src],
        ["Weights size (bytes)", m.weights_size, src],
        ["Weights location", m.weights_path, src],
        ["Weights file at report time", status, f"re-hashed {m.weights_path}"],
        ["Framework", _v(m.framework), src],
        ["Training config file", _v(m.config_name), src],
        ["Schema version", _v(m.schema_version), src],
        ["Dataset versions", ", ".join(m.datasets), f"model_datasets/{m.ref}"],
        ["Registered by", m.registered_by, src],
        ["Registered at", m.registered_at, src],
        ["Registration event", _v(m.event_id), f"events/{m.event_id}"],
    ]
    if m.override_reason:
        rows.append(["Retired data used because", m.override_reason, src])
    rep.table(["Fact", "Value", "Record"], rows)
    if m.config_text is not None:
        rep.p(f"Training configuration `{m.config_name}` as registered ({src}):")
        rep.pre(
            m.config_text.rstrip("\n"),
            "yaml" if (m.config_name or "").endswith((".yaml", ".yml")) else "",
        )
    _same_runs(project, rep, m)


def _same_runs(project: Project, rep: Report, m: registry.ModelVersion) -> None:
    """Earlier runs with the same datasets, schema, framework and configuration."""
    from . import run_search

    same = [r for r in run_search.same_runs(project, m) if r.registered_at < m.registered_at]
    if not same:
        rep.p(
            "No earlier registered run shares this model's dataset versions, schema "
            "version, framework and configuration (compared as parsed data)."
        )
        return
    rep.p(
        "Earlier runs on the same data with the same configuration (same dataset versions, "
        "schema version, framework; configuration equal as parsed data):"
    )
    rep.table(
        ["Model", "Registered", "Metrics", "Deployed in"],
        [
            [
                r.model,
                r.registered_at,
                ", ".join(f"{k}={v}" for k, v in sorted(r.metrics.items())) or "-",
                ", ".join(r.deployed_in) or "-",
            ]
            for r in same
        ],
    )


def _training_data(rep: Report, lineage: lin.ModelLineage) -> None:
    rep.h(2, "2. Training data (Annex IV §2(d): provenance, scope, characteristics)")
    for d in lineage.datasets:
        src = d.source_record
        rep.h(3, f"Dataset version {d.name}" + (" (RETIRED)" if d.retired else ""))
        rep.table(
            ["Fact", "Value", "Record"],
            [
                ["Dataset", d.dataset, src],
                ["Parent version", _v(d.parent), src],
                ["Schema version", d.schema_version, src],
                ["Document statuses included", ", ".join(d.statuses) or UNRECORDED, src],
                ["Split ratios / seed", f"{_v(d.split_ratios)} / {d.seed}", src],
                ["SemVer", _v(d.semver), src],
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
                    _v(doc.source),
                    _v(doc.license),
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
            rep.table(["Measure", "Value"], [[k, _v(v)] for k, v in _flatten(d.quality)])
        else:
            rep.p(f"Quality baseline: {UNRECORDED} ({src}, quality).")
        if d.retired:
            rep.p(
                f"Retired {d.retired_at} by {d.retired_by}: {d.retired_reason}; successor "
                f"{_v(d.successor)}; archived at {_v(d.archive)} ({src})."
            )


def _schema(rep: Report, lineage: lin.ModelLineage) -> None:
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
                _v(s.published_at),
                _v(s.migration_reason),
                f"{s.retired_at}: {s.retired_reason}" if s.retired_at else "-",
                s.source,
            ]
            for s in lineage.schema_history
        ],
    )


def _corrections(rep: Report, lineage: lin.ModelLineage) -> None:
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
                    _v(c.class_before),
                    _v(c.class_after),
                    _v(c.reason),
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


def _evaluation(rep: Report, lineage: lin.ModelLineage) -> None:
    m = lineage.model
    rep.h(2, "5. Evaluation results and gates (Annex IV §2(g), §4)")
    flat = list(_flatten(m.metrics))
    if flat:
        rep.table(["Metric", "Value", "Record"], [[k, _v(v), f"models/{m.ref}"] for k, v in flat])
    else:
        rep.p(f"Metrics: {UNRECORDED} (models/{m.ref}).")
    gate_rows = [
        [
            d.id,
            d.env,
            g.gate,
            _v(g.value),
            "passed" if g.passed else "FAILED",
            f"deployments/{d.id}",
        ]
        for d in lineage.deployments
        for g in d.gates
    ]
    if gate_rows:
        rep.p("Gates evaluated at each deployment against the recorded metrics:")
        rep.table(["Deployment", "Environment", "Gate", "Value", "Result", "Record"], gate_rows)
    else:
        rep.p("No gates were evaluated (no deployment with gates).")


def _deployments(rep: Report, lineage: lin.ModelLineage) -> None:
    rep.h(2, "6. Deployments, limitations and rollbacks (Art. 12 record-keeping; Annex IV §3)")
    if not lineage.deployments:
        rep.p("Never deployed (deployments).")
        return
    rep.table(
        [
            "Deployment",
            "Environment",
            "Kind",
            "By",
            "From",
            "Until",
            "Gates",
            "Forced because",
            "Replaces",
            "Restores",
            "Reason",
            "Record",
        ],
        [
            [
                d.id,
                d.env,
                d.kind,
                d.deployed_by,
                d.deployed_at,
                _until(d),
                "passed" if d.gates_passed else "FAILED",
                d.force_reason or "-",
                d.replaces or "-",
                d.restores or "-",
                d.reason or "-",
                f"deployments/{d.id}, events/{d.event_id}",
            ]
            for d in lineage.deployments
        ],
    )
    rows = [f"#{d.id} ({d.env}): {lim}" for d in lineage.deployments for lim in d.limitations]
    if rows:
        rep.p("Known limitations stated at deployment:")
        rep.bullets(rows)
    else:
        rep.p("Known limitations: none stated at deployment.")


def _until(d: Any) -> str:
    """When a deployment stopped serving, and how (replaced, or undeployed with a reason)."""
    if not d.ended_at:
        return "still active"
    if d.undeployed:
        return f"{d.ended_at} (undeployed: {d.undeploy_reason or 'no reason recorded'})"
    return f"{d.ended_at} (replaced by #{d.ended_by}: {d.ended_by_model})"


def _retirement(rep: Report, lineage: lin.ModelLineage) -> None:
    m = lineage.model
    rep.h(2, "7. Lifecycle: versions, successor and retirement (Annex IV §6)")
    rep.bullets([f"Previous version: {_v(lineage.previous)}", f"Next version: {_v(lineage.next)}"])
    r = lineage.retirement
    if r is None:
        rep.p(f"Not retired (models/{m.ref}).")
    else:
        rep.table(
            ["Fact", "Value", "Record"],
            [
                ["Retired at / by", f"{r.retired_at} / {r.retired_by}", f"retirements/{r.id}"],
                ["Reason", r.reason, f"retirements/{r.id}"],
                ["Successor", _v(r.successor), f"retirements/{r.id}"],
                ["Archive", _v(r.archive), f"retirements/{r.id}"],
                [
                    "Active (registered → retired)",
                    f"{_v(r.active_from)} → {_v(r.active_until)}",
                    f"retirements/{r.id}",
                ],
                [
                    "In production",
                    f"{_v(r.in_production_from)} → {_v(r.in_production_until)}",
                    "derived from deployments",
                ],
                ["Retirement event", _v(r.event_id), f"events/{r.event_id}"],
            ],
        )
    if lineage.retired_datasets:
        rep.p(
            "Retired dataset versions among its training data: "
            + ", ".join(lineage.retired_datasets)
            + "."
        )


def _integrity(project: Project, rep: Report) -> None:
    rep.h(2, "8. Integrity of the records (Art. 12)")
    chain = verify_chain(project.db)
    if chain.ok:
        rep.p(
            f"The audit log's hash chain verified: {plural(chain.checked, 'event')}, "
            "none altered (events)."
        )
    else:
        rep.p(
            f"The audit log's hash chain is BROKEN at event {chain.first_bad_id}: "
            f"{chain.problem} (events/{chain.first_bad_id})."
        )


def _to_complete(rep: Report) -> None:
    rep.h(2, "9. To be completed by the provider (not recorded by AAL Desktop)")
    rep.bullets(
        [
            "Intended purpose and the persons or groups it is intended to be used on "
            "(Annex IV §1(a))",
            "Risk management system and residual risks (Annex IV §5, Art. 9)",
            "Human oversight measures (Annex IV §2(e), Art. 14)",
            "Hardware and software the model runs on in each environment (Annex IV §1(d)-(f))",
        ]
    )


# --- rendering --------------------------------------------------------------------------------


def _md_cell(value: Any) -> str:
    return _v(value).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(rep: Report) -> str:
    out = [f"# {rep.title}", ""]
    for b in rep.blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(b.headers) + " |")
            out.append("|" + "|".join("---" for _ in b.headers) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        else:
            fence = "````" if "```" in b.text else "```"
            out += [fence + b.language, b.text, fence, ""]
    return "\n".join(out).rstrip() + "\n"


def _inline_html(text: str) -> str:
    """Escape, then turn `code` spans into <code> (the only inline markup the report uses)."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #bbb;"
    "padding:3px 6px;text-align:left;vertical-align:top;font-size:90%}"
    "th{background:#eee}pre{background:#f6f6f6;padding:8px;overflow:auto}"
    "code{background:#f0f0f0}"
)


def to_html(rep: Report) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(rep.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(rep.title)}</h1>",
    ]
    for b in rep.blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{_inline_html(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_inline_html(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(_v(c))}</td>" for c in row) + "</tr>"
                for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            out.append(f"<pre>{html.escape(b.text)}</pre>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


REPORT_SUFFIXES = {
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".html": "HTML",
    ".htm": "HTML",
    ".pdf": "PDF",
}


def report_format(output: Path | str) -> str:
    """Markdown, HTML or PDF by the file's suffix; any other suffix is refused (a .pdf once
    received Markdown, a .docx would too)."""
    suffix = Path(output).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValidationFailed(
            f"cannot write a report as '{suffix or Path(output).name}': name the file "
            ".md (Markdown), .html or .htm (HTML) or .pdf (PDF)"
        )
    return REPORT_SUFFIXES[suffix]


def write_report(project: Project, ref: str, output: Path | str) -> Path:
    """Write the report as Markdown (.md), HTML (.html/.htm) or a real PDF (.pdf, laid out
    from the HTML by PyMuPDF), atomically; other suffixes are refused before any work."""
    out = Path(output)
    kind = report_format(out)
    rep = build_report(project, ref)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        if kind == "PDF":
            html_to_pdf(to_html(rep), tmp)
        else:
            tmp.write_text(to_html(rep) if kind == "HTML" else to_markdown(rep), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
