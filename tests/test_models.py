"""Model registry, gates, deployments, rollback and retirement (services.models)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from aal_desktop.core.errors import AalError, Frozen, PermissionDenied, ValidationFailed
from aal_desktop.services import documents, models, regions, schemas, versions
from aal_desktop.services.project import Project
from aal_desktop.store.db import transaction
from aal_desktop.store.events import verify_chain
from tests.conftest import make_pdf

T0 = "2025-01-10T09:00:00+00:00"


def cut_version(project: Project, name: str, parent: str | None) -> None:
    """A dataset version of the approved documents (services.versions)."""
    versions.create_version(project, name, parent=parent)


@dataclass
class Lifecycle:
    """Two dataset versions (v2 after an annotator's relabel with a reason) and three versions
    of model 'det' (1 on v1, 2 and 3 on v2), with weights files on disk."""

    project: Project
    tmp: Path
    doc_ids: list[int]
    region_ids: list[str]
    weights: dict[str, Path]


def write_weights(tmp: Path, name: str, content: bytes) -> Path:
    p = tmp / name
    p.write_bytes(content)
    return p


def build_lifecycle(tmp_path: Path) -> Lifecycle:
    project = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")
    doc_ids = []
    for i in range(2):
        pdf = make_pdf(tmp_path / f"doc{i}.pdf", pages=2, text=f"Document {i}")
        (out,) = documents.import_paths(project, [pdf], source="arxiv.org", license="CC-BY-4.0")
        assert out.document_id is not None
        doc_ids.append(out.document_id)
    rids = []
    for d in doc_ids:
        rids.append(regions.add_region(project, d, 0, (70, 80, 300, 110), "title").id)
        rids.append(regions.add_region(project, d, 0, (70, 120, 300, 150), "text").id)
        rids.append(regions.add_region(project, d, 1, (70, 80, 300, 110), "text").id)
        documents.set_status(project, d, "approved")
    cut_version(project, "v1", None)
    documents.set_status(project, doc_ids[0], "in_progress")  # annotators edit no approved doc
    project.switch_user("ann1")
    regions.relabel(project, rids[1], "section_header", reason="bold heading, not body text")
    project.switch_user("lead1")
    documents.set_status(project, doc_ids[0], "approved")
    regions.relabel(project, rids[4], "title", reason="guideline 2.3: first line is the title")
    cut_version(project, "v2", "v1")
    w = {
        "det:1": write_weights(tmp_path, "det1.pt", b"weights one"),
        "det:2": write_weights(tmp_path, "det2.pt", b"weights two"),
        "det:3": write_weights(tmp_path, "det3.pt", b"weights three"),
    }
    cfg = tmp_path / "train.yaml"
    cfg.write_text("epochs: 30\nlr: 0.001\n", encoding="utf-8")
    models.register_model(
        project,
        "det",
        w["det:1"],
        ["v1"],
        {"mAP": 0.71, "recall": 0.8},
        cfg,
        "ultralytics 8.3",
        at="2025-01-05T10:00:00Z",
    )
    models.register_model(
        project,
        "det",
        w["det:2"],
        ["v2"],
        {"mAP": 0.83, "recall": 0.85},
        cfg,
        "ultralytics 8.3",
        at="2025-01-06T10:00:00Z",
    )
    models.register_model(
        project,
        "det",
        w["det:3"],
        ["v1", "v2"],
        {"mAP": 0.79, "val": {"recall": 0.9}},
        None,
        "ultralytics 8.3",
        at="2025-01-07T10:00:00Z",
    )
    return Lifecycle(project, tmp_path, doc_ids, rids, w)


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    yield lc
    lc.project.close()


def test_register_records_hash_size_data_schema_config_and_metrics(life: Lifecycle) -> None:
    m = models.get_model(life.project, "det:2")
    data = b"weights two"
    import hashlib

    assert m.weights_sha256 == hashlib.sha256(data).hexdigest()
    assert m.weights_size == len(data)
    assert m.weights_path == str(life.weights["det:2"].resolve())
    assert m.datasets == ("v2",)
    assert m.schema_version == 1
    assert m.config_name == "train.yaml" and "epochs: 30" in (m.config_text or "")
    assert m.metrics == {"mAP": 0.83, "recall": 0.85}
    assert m.framework == "ultralytics 8.3"
    assert m.registered_by == "lead1" and m.registered_at.startswith("2025-01-06T10:00")
    assert [v.ref for v in models.list_models(life.project)] == ["det:1", "det:2", "det:3"]
    assert models.get_model(life.project, "det").ref == "det:3"
    assert models.get_model(life.project, "det:3").datasets == ("v1", "v2")
    # the registration is an event in the hash-chained log
    row = life.project.db.execute(
        "SELECT kind, new FROM events WHERE id = ?", [m.event_id]
    ).fetchone()
    assert row[0] == "model.register" and json.loads(row[1])["weights_sha256"] == m.weights_sha256
    assert verify_chain(life.project.db).ok


def test_model_records_are_frozen_in_the_store(life: Lifecycle) -> None:
    db = life.project.db
    with pytest.raises(Exception, match="frozen"), transaction(db):
        db.execute("UPDATE models SET metrics = '{}' WHERE name = 'det' AND version = 1")
    with pytest.raises(Exception, match="never deleted"), transaction(db):
        db.execute("DELETE FROM models WHERE name = 'det'")
    with pytest.raises(Exception, match="frozen"), transaction(db):
        db.execute("DELETE FROM model_datasets")


def test_check_weights_notices_a_changed_or_missing_file(life: Lifecycle) -> None:
    assert models.check_weights(life.project, "det:1").matches
    life.weights["det:1"].write_bytes(b"weights one, retrained in place")
    check = models.check_weights(life.project, "det:1")
    assert check.exists and not check.matches and "CHANGED" in check.describe()
    life.weights["det:2"].unlink()
    check = models.check_weights(life.project, "det:2")
    assert not check.exists and not check.matches and "missing" in check.describe()


def test_register_refuses_bad_input(life: Lifecycle, tmp_path: Path) -> None:
    p = life.project
    with pytest.raises(ValidationFailed, match="no such weights"):
        models.register_model(p, "det", tmp_path / "nope.pt", ["v1"])
    with pytest.raises(AalError, match="no dataset version 'v9'"):
        models.register_model(p, "det", life.weights["det:1"], ["v9"])
    with pytest.raises(ValidationFailed, match="not a model name"):
        models.register_model(p, "det:x", life.weights["det:1"], ["v1"])
    with pytest.raises(ValidationFailed, match="dataset version"):
        models.register_model(p, "det", life.weights["det:1"], [])
    bad = tmp_path / "metrics.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="JSON object"):
        models.register_model(p, "det", life.weights["det:1"], ["v1"], bad)
    assert len(models.list_models(p)) == 3  # nothing was written


def test_retired_dataset_version_is_refused_without_override(life: Lifecycle) -> None:
    p = life.project
    r = models.retire_version(
        p, "v1", "licence of two documents withdrawn", successor="v2", archive="s3://archive/v1"
    )
    assert r.asset_kind == "dataset_version" and r.successor == "v2"
    row = p.db.execute(
        "SELECT retired_reason, successor, archive, retired_by FROM "
        "dataset_versions WHERE name = 'v1'"
    ).fetchone()
    assert row == ("licence of two documents withdrawn", "v2", "s3://archive/v1", "lead1")
    with pytest.raises(ValidationFailed, match="'v1'.*retired.*--allow-retired"):
        models.register_model(p, "det", life.weights["det:1"], ["v1"])
    with pytest.raises(ValidationFailed, match="reason"):
        models.register_model(p, "det", life.weights["det:1"], ["v1"], allow_retired=True)
    m = models.register_model(
        p,
        "det",
        life.weights["det:1"],
        ["v1"],
        allow_retired=True,
        reason="reproducing det:1 for the audit",
    )
    assert m.version == 4 and m.override_reason == "reproducing det:1 for the audit"
    # still listed and traceable
    assert [x.ref for x in models.models_trained_on(p, "v1")] == ["det:1", "det:3", "det:4"]
    with pytest.raises(Frozen, match="already retired"):
        models.retire_version(p, "v1", "again")


def test_gates_parse_and_evaluate() -> None:
    metrics = {"mAP": 0.8, "val": {"recall": 0.9}, "loss": 0.2}
    assert models.parse_gate("mAP>=0.8") == models.Gate("mAP", ">=", 0.8)
    results = models.evaluate_gates(
        [
            "mAP>=0.8",
            "mAP>0.8",
            "val.recall > 0.85",
            "loss<=0.2",
            "loss<0.2",
            "mAP==0.8",
            "f1>=0.1",
        ],
        metrics,
    )
    assert [r.passed for r in results] == [True, False, True, True, False, True, False]
    assert results[-1].value is None and "not recorded" in results[-1].describe()
    for bad in ("mAP", "mAP=>0.8", ">=0.8", "mAP>=high"):
        with pytest.raises(ValidationFailed):
            models.parse_gate(bad)


def test_failing_gate_refuses_and_force_with_reason_is_recorded(life: Lifecycle) -> None:
    p = life.project
    with pytest.raises(ValidationFailed, match=r"mAP>=0.8: mAP = 0.71 .*FAILED") as exc:
        models.deploy(p, "det:1", "prod", ["mAP>=0.8", "recall>=0.5"], at=T0)
    assert "det:1" in str(exc.value) and "--force" in str(exc.value)
    assert models.list_deployments(p) == []
    with pytest.raises(ValidationFailed, match="--reason"):
        models.deploy(p, "det:1", "prod", ["mAP>=0.8"], force=True, at=T0)
    d = models.deploy(
        p,
        "det:1",
        "prod",
        ["mAP>=0.8", "recall>=0.5"],
        ["not for scanned pages"],
        force=True,
        reason="customer deadline; accepted by QA lead",
        at=T0,
    )
    assert d.forced and d.force_reason == "customer deadline; accepted by QA lead"
    assert not d.gates_passed
    assert [(g.gate, g.value, g.passed) for g in d.gates] == [
        ("mAP>=0.8", 0.71, False),
        ("recall>=0.5", 0.8, True),
    ]
    assert d.limitations == ("not for scanned pages",)
    stored = p.db.execute(
        "SELECT gates, forced, force_reason FROM deployments WHERE id = ?", [d.id]
    ).fetchone()
    assert json.loads(stored[0])[0]["passed"] is False and stored[1] == 1
    ok = models.deploy(p, "det:2", "prod", ["mAP>=0.8"], at="2025-01-11T09:00:00Z")
    assert ok.gates_passed and not ok.forced and ok.replaces == d.id


def test_rollback_points_to_replaced_deployment_and_is_recorded(life: Lifecycle) -> None:
    p = life.project
    d1 = models.deploy(p, "det:2", "prod", ["mAP>=0.8"], at="2025-02-01T00:00:00Z")
    d2 = models.deploy(p, "det:3", "prod", ["mAP>=0.75"], ["beta"], at="2025-02-10T00:00:00Z")
    assert d1.replaces is None and d2.replaces == d1.id
    rb = models.rollback(p, "prod", "false positives on tables", at="2025-02-12T00:00:00Z")
    assert rb.kind == "rollback" and rb.ref == "det:2"
    assert rb.replaces == d2.id and rb.restores == d1.id
    assert rb.reason == "false positives on tables"
    assert [g.gate for g in rb.gates] == ["mAP>=0.8"] and rb.gates_passed
    assert models.get_deployment(p, d2.id).ended_at == rb.deployed_at
    assert models.get_deployment(p, d2.id).ended_by == rb.id
    assert models.current_deployment(p, "prod").id == rb.id
    # rolling back again returns to det:3: nothing is ever removed
    rb2 = models.rollback(p, "prod", at="2025-02-13T00:00:00Z")
    assert rb2.ref == "det:3" and rb2.replaces == rb.id and rb2.restores == d2.id
    assert len(models.list_deployments(p, env="prod")) == 4
    with pytest.raises(AalError, match="nothing has been deployed"):
        models.rollback(p, "staging")
    first = models.deploy(p, "det:2", "staging", at="2025-02-01T00:00:00Z")
    with pytest.raises(AalError, match="first in 'staging'"):
        models.rollback(p, "staging")
    assert first.replaces is None


def test_in_production_on_a_date_is_right_across_a_rollback(life: Lifecycle) -> None:
    p = life.project
    models.deploy(p, "det:1", "prod", at="2025-03-01T12:00:00Z")
    models.deploy(p, "det:2", "prod", at="2025-03-05T12:00:00Z")
    models.deploy(p, "det:2", "staging", at="2025-03-02T12:00:00Z")
    models.rollback(p, "prod", "regression", at="2025-03-08T12:00:00Z")
    expect = {
        "2025-02-28": None,
        "2025-03-01T11:59:59Z": None,
        "2025-03-01": "det:1",
        "2025-03-04": "det:1",
        "2025-03-05T12:00:00Z": "det:2",
        "2025-03-07": "det:2",
        "2025-03-08T11:00:00+00:00": "det:2",
        "2025-03-08T13:00:00+01:00": "det:1",
        "2025-03-09": "det:1",
    }
    for at, ref in expect.items():
        dep = models.in_production(p, "prod", at)
        assert (dep.ref if dep else None) == ref, at
    dep = models.in_production(p, "prod", "2025-03-06")
    assert dep is not None and dep.ended_at is not None and dep.ended_at.startswith("2025-03-08")
    assert models.in_production(p, "staging", "2025-03-06").ref == "det:2"
    assert models.environments(p) == ["prod", "staging"]


def test_deployments_are_recorded_in_order_and_append_only(life: Lifecycle) -> None:
    p = life.project
    models.deploy(p, "det:2", "prod", at="2025-03-05T00:00:00Z")
    with pytest.raises(ValidationFailed, match="in order"):
        models.deploy(p, "det:1", "prod", at="2025-03-01T00:00:00Z")
    with pytest.raises(Exception, match="append-only"), transaction(p.db):
        p.db.execute("UPDATE deployments SET env = 'x'")
    with pytest.raises(ValidationFailed, match="det:1"):
        models.deploy(p, "det", "prod")


def test_only_leads_deploy_and_retire(life: Lifecycle) -> None:
    p = life.project
    p.switch_user("ann1")
    with pytest.raises(PermissionDenied):
        models.deploy(p, "det:2", "prod")
    with pytest.raises(PermissionDenied):
        models.retire_model(p, "det:1", "old")
    with pytest.raises(PermissionDenied):
        models.retire_version(p, "v1", "old")
    # anyone may register what they trained
    assert models.register_model(p, "det", life.weights["det:1"], ["v2"]).registered_by == "ann1"


def test_retire_model_records_active_dates_successor_and_archive(life: Lifecycle) -> None:
    p = life.project
    models.deploy(p, "det:1", "prod", ["mAP>=0.7"], at="2025-03-01T00:00:00Z")
    with pytest.raises(ValidationFailed, match="still deployed to environment 'prod'"):
        models.retire_model(p, "det:1", "superseded")
    models.deploy(p, "det:2", "prod", at="2025-03-10T00:00:00Z")
    r = models.retire_model(
        p,
        "det:1",
        "superseded by det:2",
        successor="det:2",
        archive="s3://models/det/1",
        at="2025-04-01T00:00:00Z",
    )
    assert (r.in_production_from, r.in_production_until) == (
        "2025-03-01T00:00:00.000000+00:00",
        "2025-03-10T00:00:00.000000+00:00",
    )
    assert r.active_from.startswith("2025-01-05") and r.active_until.startswith("2025-04-01")
    m = models.get_model(p, "det:1")
    assert m.retired and m.retired_reason == "superseded by det:2" and m.successor == "det:2"
    assert m.archive == "s3://models/det/1"
    assert "det:1" in [x.ref for x in models.list_models(p)]  # still listed
    with pytest.raises(ValidationFailed, match="retired"):
        models.deploy(p, "det:1", "prod", at="2025-04-02T00:00:00Z")
    with pytest.raises(Frozen):
        models.retire_model(p, "det:1", "again")
    with pytest.raises(Exception, match="stays retired"), transaction(p.db):
        p.db.execute("UPDATE models SET retired_at = 'x' WHERE name='det' AND version=1")


def test_rollback_to_a_retired_model_is_refused(life: Lifecycle) -> None:
    p = life.project
    models.deploy(p, "det:1", "prod", at="2025-03-01T00:00:00Z")
    models.deploy(p, "det:2", "prod", at="2025-03-10T00:00:00Z")
    models.retire_model(p, "det:1", "label leak found", at="2025-03-11T00:00:00Z")
    with pytest.raises(AalError, match="retired"):
        models.rollback(p, "prod", at="2025-03-12T00:00:00Z")


def test_retire_schema_sets_status_and_refuses_the_current_one(life: Lifecycle) -> None:
    p = life.project
    with pytest.raises(ValidationFailed, match="current schema"):
        models.retire_schema(p, 1, "replaced")
    schema = schemas.current(p)
    draft = schemas.add_draft(p, schema, reason="v2 of the guideline")
    with pytest.raises(ValidationFailed, match="draft"):
        models.retire_schema(p, draft.version, "x")
    schemas.publish(p, draft.version)
    models.deploy(p, "det:2", "prod", at="2025-03-01T00:00:00Z")
    r = models.retire_schema(
        p, 1, "guideline 2 replaces it", successor=draft.version, archive="git:schemas@v1"
    )
    assert r.in_production_from == "2025-03-01T00:00:00.000000+00:00"
    assert r.in_production_until is None  # det:2 (trained under schema 1) still serves
    row = p.db.execute(
        "SELECT status, retired_reason, successor, archive FROM schema_versions WHERE version = 1"
    ).fetchone()
    assert row == ("retired", "guideline 2 replaces it", draft.version, "git:schemas@v1")
    assert [r.asset for r in models.list_retirements(p)] == ["1"]
