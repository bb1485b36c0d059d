"""Lineage both ways across two dataset versions and three model versions (services.lineage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop import api
from aal_desktop.services import lineage, models
from tests.test_models import Lifecycle, build_lifecycle


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    p = lc.project
    models.deploy(
        p, "det:1", "prod", ["mAP>=0.7"], ["digital PDFs only"], at="2025-03-01T00:00:00Z"
    )
    models.deploy(p, "det:2", "prod", ["mAP>=0.8"], at="2025-03-05T00:00:00Z")
    models.rollback(p, "prod", "tables regressed", at="2025-03-08T00:00:00Z")
    models.deploy(p, "det:3", "staging", ["val.recall>=0.85"], at="2025-03-06T00:00:00Z")
    yield lc
    p.close()


def test_which_models_used_each_dataset_version(life: Lifecycle) -> None:
    v1 = lineage.dataset_lineage(life.project, "v1")
    v2 = lineage.dataset_lineage(life.project, "v2")
    assert [u.model.ref for u in v1.models] == ["det:1", "det:3"]
    assert [u.model.ref for u in v2.models] == ["det:2", "det:3"]
    assert v1.children == ("v2",) and v2.ancestors == ("v1",)
    assert v1.schema.version == 1 and v2.dataset.schema_version == 1
    det1 = next(u for u in v1.models if u.model.ref == "det:1")
    # det:1 served prod, was replaced by det:2, and came back with the rollback
    assert [(d.env, d.kind) for d in det1.deployments] == [("prod", "deploy"), ("prod", "rollback")]
    assert det1.deployments[0].ended_by_model == "det:2"
    assert det1.deployments[1].active


def test_what_a_model_learned_from(life: Lifecycle) -> None:
    ml = lineage.model_lineage(life.project, "det:3")
    assert [d.name for d in ml.datasets] == ["v1", "v2"]
    assert [s.version for s in ml.schemas] == [1]
    v2 = ml.datasets[1]
    assert {d.source for d in v2.documents} == {"arxiv.org"}
    assert {d.license for d in v2.documents} == {"CC-BY-4.0"}
    assert sum(s["documents"] for s in v2.splits.values()) == 2
    assert v2.class_distribution == {"section_header": 1, "text": 2, "title": 3}
    assert ml.datasets[0].class_distribution == {"text": 4, "title": 2}
    # corrections: before v1 (none) and v1 → v2 (the two relabels, with who and why)
    spans = {(c.from_version, c.to_version): c for c in ml.corrections}
    assert set(spans) == {(None, "v1"), ("v1", "v2")}
    assert spans[(None, "v1")].corrections == ()
    between = spans[("v1", "v2")]
    assert [(c.user, c.class_before, c.class_after, c.reason) for c in between.corrections] == [
        ("ann1", "text", "section_header", "bold heading, not body text"),
        ("lead1", "text", "title", "guideline 2.3: first line is the title"),
    ]
    assert between.by_user == {"ann1": 1, "lead1": 1}
    assert between.by_kind == {"region.relabel": 2}
    assert ml.previous == "det:2" and ml.next is None
    assert [(d.env, d.ref) for d in ml.deployments] == [("staging", "det:3")]


def test_model_trained_on_next_version_sees_corrections_since_previous_model(
    life: Lifecycle,
) -> None:
    ml = lineage.model_lineage(life.project, "det:2")
    assert [(c.from_version, c.to_version) for c in ml.corrections] == [("v1", "v2")]
    assert len(ml.corrections[0].corrections) == 2
    ml1 = lineage.model_lineage(life.project, "det:1")
    assert [(c.from_version, c.to_version) for c in ml1.corrections] == [(None, "v1")]


def test_what_was_in_production_on_a_date(life: Lifecycle) -> None:
    p = life.project
    cases = {
        "2025-02-28": None,
        "2025-03-01": "det:1",
        "2025-03-06": "det:2",
        "2025-03-07T23:59:59Z": "det:2",
        "2025-03-08": "det:1",
        "2026-01-01": "det:1",
    }
    for day, ref in cases.items():
        ans = lineage.production(p, "prod", day)
        assert (ans.model.ref if ans.model else None) == ref, day
    ans = lineage.production(p, "prod", "2025-03-06")
    assert ans.datasets == ("v2",) and ans.schema_version == 1
    assert ans.deployment is not None and ans.deployment.ended_by_model == "det:1"
    assert lineage.production(p, "staging", "2025-03-07").model.ref == "det:3"


def test_graph_links_schema_datasets_models_and_deployments_and_marks_retired(
    life: Lifecycle,
) -> None:
    p = life.project
    models.retire_version(p, "v1", "licence withdrawn", successor="v2")
    g = lineage.graph(p)
    ids = {n.id: n for n in g.nodes}
    assert {
        "schema:1",
        "dataset:v1",
        "dataset:v2",
        "model:det:1",
        "model:det:2",
        "model:det:3",
    } <= set(ids)
    assert sum(1 for n in g.nodes if n.kind == "deployment") == 4
    assert ids["dataset:v1"].retired and not ids["dataset:v2"].retired
    edges = {(e.source, e.target, e.kind) for e in g.edges}
    assert ("schema:1", "dataset:v1", "schema_of") in edges
    assert ("dataset:v1", "dataset:v2", "parent") in edges
    assert ("dataset:v1", "model:det:3", "trained_on") in edges
    assert ("dataset:v2", "model:det:3", "trained_on") in edges
    assert ("model:det:1", "deployment:1", "deployed") in edges
    assert ("deployment:2", "deployment:3", "replaces") in edges
    # retired data stays traceable
    assert [u.model.ref for u in lineage.dataset_lineage(p, "v1").models] == ["det:1", "det:3"]
    assert lineage.dataset_lineage(p, "v1").retirement.reason == "licence withdrawn"


def test_python_api_registers_and_answers_lineage(life: Lifecycle, tmp_path: Path) -> None:
    db = life.project.path
    w = tmp_path / "best.pt"
    w.write_bytes(b"trained by a script")
    metrics = {"mAP": 0.9}
    ref = api.register_model(
        db=str(db),
        name="det",
        weights=w,
        datasets=["v2"],
        metrics=metrics,
        framework="torch 2.5",
        user="trainer",
    )
    assert ref == "det:4"
    info = api.lineage(db=db, model=ref)
    assert info["model"]["registered_by"] == "trainer"
    assert [d["name"] for d in info["datasets"]] == ["v2"]
    assert info["model"]["metrics"] == metrics
    assert [
        m["model"]["name"] + ":" + str(m["model"]["version"])
        for m in api.lineage(db=db, version="v2")["models"]
    ] == ["det:2", "det:3", "det:4"]
    assert api.lineage(db=db, env="prod", at="2025-03-06")["model"]["version"] == 2
    assert api.in_production(db, "prod", "2025-03-02") == "det:1"
    assert api.check_weights(db, ref)
    w.write_bytes(b"overwritten")
    assert not api.check_weights(db, ref)
