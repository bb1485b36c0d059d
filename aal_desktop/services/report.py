"""Technical documentation of a model version, each fact traceable to the record it came from.

Sections follow what a reviewer under the EU AI Act asks for: Annex IV (technical
documentation: general description, data and data governance, labelling and cleaning,
design choices, validation and metrics, limitations, changes over the lifecycle) and
Article 12 (record-keeping: logs of what was deployed when, by whom, tamper-evident).
This module gathers the facts into a small list of typed blocks (the training-data sections
in services/report_data.py); services/report_render.py writes them out as Markdown, simple
self-contained HTML (.html/.htm) or a PDF laid out from that HTML (.pdf), and refuses any
other suffix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.wording import plural
from ..store.events import now_iso, verify_chain
from . import lineage as lin
from . import models as registry
from . import report_data
from .project import Project
from .report_render import (
    UNRECORDED,
    Report,
    flatten_metrics,
    report_format,
    value_text,
    write_rendered,
)


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
    report_data.training_data(rep, lineage)
    report_data.schema(rep, lineage)
    report_data.corrections(rep, lineage)
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
        ["Framework", value_text(m.framework), src],
        ["Training config file", value_text(m.config_name), src],
        ["Schema version", value_text(m.schema_version), src],
        ["Dataset versions", ", ".join(m.datasets), f"model_datasets/{m.ref}"],
        ["Registered by", m.registered_by, src],
        ["Registered at", m.registered_at, src],
        ["Registration event", value_text(m.event_id), f"events/{m.event_id}"],
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


def _evaluation(rep: Report, lineage: lin.ModelLineage) -> None:
    m = lineage.model
    rep.h(2, "5. Evaluation results and gates (Annex IV §2(g), §4)")
    flat = list(flatten_metrics(m.metrics))
    if flat:
        rep.table(
            ["Metric", "Value", "Record"], [[k, value_text(v), f"models/{m.ref}"] for k, v in flat]
        )
    else:
        rep.p(f"Metrics: {UNRECORDED} (models/{m.ref}).")
    gate_rows = [
        [
            d.id,
            d.env,
            g.gate,
            value_text(g.value),
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
    rep.bullets(
        [
            f"Previous version: {value_text(lineage.previous)}",
            f"Next version: {value_text(lineage.next)}",
        ]
    )
    r = lineage.retirement
    if r is None:
        rep.p(f"Not retired (models/{m.ref}).")
    else:
        rep.table(
            ["Fact", "Value", "Record"],
            [
                ["Retired at / by", f"{r.retired_at} / {r.retired_by}", f"retirements/{r.id}"],
                ["Reason", r.reason, f"retirements/{r.id}"],
                ["Successor", value_text(r.successor), f"retirements/{r.id}"],
                ["Archive", value_text(r.archive), f"retirements/{r.id}"],
                [
                    "Active (registered → retired)",
                    f"{value_text(r.active_from)} → {value_text(r.active_until)}",
                    f"retirements/{r.id}",
                ],
                [
                    "In production",
                    f"{value_text(r.in_production_from)} → {value_text(r.in_production_until)}",
                    "derived from deployments",
                ],
                ["Retirement event", value_text(r.event_id), f"events/{r.event_id}"],
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


def write_report(project: Project, ref: str, output: Path | str) -> Path:
    """Write the report as Markdown (.md), HTML (.html/.htm) or a real PDF (.pdf, laid out
    from the HTML by PyMuPDF), atomically; other suffixes are refused before any work."""
    out = Path(output)
    kind = report_format(out)
    return write_rendered(build_report(project, ref), out, kind)
