"""The technical record of a model holds every recorded fact, traceable to its record."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aal_desktop.services import lineage, models, report, schemas
from aal_desktop.services.report_render import flatten_metrics, to_markdown
from tests.test_models import Lifecycle, build_lifecycle


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    p = lc.project
    models.deploy(
        p,
        "det:1",
        "prod",
        ["mAP>=0.8", "recall>=0.75"],
        ["not for scanned pages"],
        force=True,
        reason="pilot customer accepted the lower mAP",
        at="2025-03-01T00:00:00Z",
    )
    models.deploy(
        p,
        "det:2",
        "prod",
        ["mAP>=0.8"],
        ["English only", "max 50 pages"],
        at="2025-03-05T00:00:00Z",
    )
    models.rollback(p, "prod", "tables regressed in det:2", at="2025-03-08T00:00:00Z")
    models.deploy(p, "det:3", "prod", ["mAP>=0.75"], at="2025-03-09T00:00:00Z")
    models.retire_model(
        p,
        "det:2",
        "mislabelled tables in v2 training data",
        successor="det:3",
        archive="s3://models/det/2",
        at="2025-03-10T00:00:00Z",
    )
    draft = schemas.add_draft(p, schemas.current(p), reason="guideline 2")
    schemas.publish(p, draft.version)
    yield lc
    p.close()


def expected_facts(life: Lifecycle, ref: str) -> list[str]:
    """Everything recorded about `ref` that an auditor must find in its report."""
    p = life.project
    ml = lineage.model_lineage(p, ref)
    m = ml.model
    facts = [
        m.ref,
        m.weights_sha256,
        str(m.weights_size),
        m.weights_path,
        m.framework or "",
        m.config_name or "",
        *(m.config_text or "").splitlines(),
        m.registered_by,
    ]
    facts += [f"{k} | {v:g}" for k, v in flatten_metrics(m.metrics)]
    for d in ml.datasets:
        facts += [f"Dataset version {d.name}", d.created_at]
        for doc in d.documents:
            facts += [doc.sha256, doc.filename, f"documents/{doc.document_id}"]
        facts += list(d.sources) + list(d.licences) + list(d.class_distribution)
        facts += [k for k, _ in flatten_metrics(d.quality)]  # quality baseline
    for s in ml.schema_history:
        facts.append(f"schema_versions/{s.version}")
    for cs in ml.corrections:
        for c in cs.corrections:
            facts += [f"events/{c.event_id}", c.reason or "", c.user]
    for dep in ml.deployments:
        facts += [f"deployments/{dep.id}", dep.deployed_at, *dep.limitations]
        facts += [g.gate for g in dep.gates]
        if dep.force_reason:
            facts.append(dep.force_reason)
        if dep.reason:
            facts.append(dep.reason)
        if dep.ended_by_model:
            facts.append(f"replaced by #{dep.ended_by}: {dep.ended_by_model}")
    if ml.retirement:
        r = ml.retirement
        facts += [r.reason, r.successor or "", r.archive or "", f"retirements/{r.id}"]
    return [f for f in facts if f]


@pytest.mark.parametrize("ref", ["det:1", "det:2", "det:3"])
def test_markdown_report_contains_every_recorded_fact(
    life: Lifecycle, tmp_path: Path, ref: str
) -> None:
    out = report.write_report(life.project, ref, tmp_path / "out" / f"{ref}.md")
    text = out.read_text(encoding="utf-8")
    missing = [f for f in expected_facts(life, ref) if f not in text]
    assert missing == []
    assert text.startswith(f"# Technical documentation: model {ref}")
    assert "hash chain verified" in text


def test_report_of_the_retired_rolled_back_model(life: Lifecycle, tmp_path: Path) -> None:
    text = report.write_report(life.project, "det:2", tmp_path / "det2.md").read_text("utf-8")
    # corrections between the dataset versions involved: who, what and why
    assert "Corrections between dataset versions v1 and v2" in text
    assert re.search(r"\| ann1 \| region\.relabel \| 1 \|", text)
    assert "text → section_header: 1" in text and "text → title: 1" in text
    assert "bold heading, not body text" in text
    assert "guideline 2.3: first line is the title" in text
    # its deployment, what replaced it (the rollback), and its retirement
    assert "tables regressed in det:2" not in text.split("## 6.")[0]
    assert "replaced by #3: det:1" in text
    assert "English only" in text and "max 50 pages" in text
    assert "mislabelled tables in v2 training data" in text and "s3://models/det/2" in text
    assert "2025-03-05T00:00:00.000000+00:00 → 2025-03-08T00:00:00.000000+00:00" in text
    # the schema's later history is part of the record
    assert "schema_versions/2" in text


def test_forced_deployment_shows_the_failed_gate_and_reason(
    life: Lifecycle, tmp_path: Path
) -> None:
    text = report.write_report(life.project, "det:1", tmp_path / "det1.md").read_text("utf-8")
    assert re.search(r"\| 1 \| prod \| mAP>=0.8 \| 0\.71 \| FAILED \| deployments/1 \|", text)
    assert re.search(r"\| 1 \| prod \| recall>=0.75 \| 0\.8 \| passed \| deployments/1 \|", text)
    assert "pilot customer accepted the lower mAP" in text
    assert "not for scanned pages" in text


def test_report_says_when_weights_changed(life: Lifecycle, tmp_path: Path) -> None:
    life.weights["det:3"].write_bytes(b"tampered")
    text = report.write_report(life.project, "det:3", tmp_path / "r.md").read_text("utf-8")
    assert "DOES NOT MATCH" in text


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_html_report_by_suffix_has_the_same_facts(life: Lifecycle, tmp_path: Path) -> None:
    out = report.write_report(life.project, "det:2", tmp_path / "det2.html")
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith("<!DOCTYPE html>") and "```" not in raw and "| --- |" not in raw
    parser = _Text()
    parser.feed(raw)
    text = " ".join(parser.parts)
    assert parser.tags.count("table") >= 8 and "h2" in parser.tags and "pre" in parser.tags
    flat = re.sub(r"\s+", " ", html.unescape(text))
    for fact in expected_facts(life, "det:2"):
        if " | " in fact:  # a Markdown table cell pair; in HTML they are separate cells
            continue
        assert fact in flat, fact
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically, no leftovers


def test_report_names_earlier_runs_on_the_same_data_and_configuration(
    life: Lifecycle, tmp_path: Path
) -> None:
    p = life.project
    cfg = tmp_path / "again.yaml"
    cfg.write_text("lr: 0.001\nepochs: 30\n", encoding="utf-8")  # det:2's, reordered
    weights = tmp_path / "again.pt"
    weights.write_bytes(b"again")
    m = models.register_model(p, "det", weights, ["v2"], {"mAP": 0.84}, cfg, "ultralytics 8.3")
    text = to_markdown(report.build_report(p, m.ref))
    assert "Earlier runs on the same data with the same configuration" in text
    assert "det:2" in text.split("Earlier runs on the same data")[1].split("\n\n")[1]
    first = to_markdown(report.build_report(p, "det:1"))
    assert "No earlier registered run shares this model's dataset versions" in first
