"""Finding the run already made on the same data and configuration (services.run_search)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import NotFound
from aal_desktop.core.run_identity import KeyChange
from aal_desktop.services import models, run_search
from tests.test_models import Lifecycle, build_lifecycle


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    yield lc
    lc.project.close()


def _register(
    life: Lifecycle,
    name: str,
    config_text: str,
    suffix: str = ".yaml",
    datasets: tuple[str, ...] = ("v2",),
    framework: str = "ultralytics 8.3",
):
    cfg = life.tmp / f"{name}{suffix}"
    cfg.write_text(config_text, encoding="utf-8")
    weights = life.tmp / f"{name}.pt"
    weights.write_bytes(name.encode())
    return models.register_model(
        life.project, name, weights, list(datasets), {"mAP": 0.5}, cfg, framework
    )


def test_same_data_and_reformatted_config_match_an_earlier_run(life: Lifecycle) -> None:
    # det:2 was trained on v2 with "epochs: 30\nlr: 0.001\n" and ultralytics 8.3
    m = _register(life, "again", "lr:   0.001   # same\nepochs: 30\n")
    found = run_search.same_runs(life.project, m)
    assert [f.model for f in found] == ["det:2"]
    assert found[0].metrics == {"mAP": 0.83, "recall": 0.85}
    assert run_search.describe_match(found[0]) == "det:2 (mAP=0.83, recall=0.85)"


def test_json_config_with_other_key_order_matches_too(life: Lifecycle) -> None:
    m = _register(life, "asjson", '{"lr": 0.001, "epochs": 30}', suffix=".json")
    assert [f.model for f in run_search.same_runs(life.project, m)] == ["det:2"]


def test_changed_learning_rate_does_not_match_and_compare_names_the_key(life: Lifecycle) -> None:
    m = _register(life, "lower", "epochs: 30\nlr: 0.0005\n")
    assert run_search.same_runs(life.project, m) == []
    cmp = run_search.compare_runs(life.project, "det:2", m.ref)
    assert cmp.config_comparable and not cmp.same_config
    assert cmp.config_changes == [KeyChange("lr", 0.001, 0.0005)]
    assert cmp.datasets_shared == ("v2",) and not cmp.datasets_only_a
    assert not cmp.same_identity
    assert KeyChange("mAP", 0.83, 0.5) in cmp.metric_changes
    assert KeyChange("recall", 0.85, None) in cmp.metric_changes


def test_other_datasets_or_framework_do_not_match(life: Lifecycle) -> None:
    a = _register(life, "onv1", "epochs: 30\nlr: 0.001\n", datasets=("v1",))
    assert [f.model for f in run_search.same_runs(life.project, a)] == ["det:1"]
    b = _register(life, "torch", "epochs: 30\nlr: 0.001\n", framework="pytorch 2.3")
    assert run_search.same_runs(life.project, b) == []


def test_find_by_dataset_config_and_framework(life: Lifecycle) -> None:
    project = life.project
    assert [f.model for f in run_search.find_runs(project, ["v1", "v2"])] == ["det:3"]
    assert [f.model for f in run_search.find_runs(project, ["v2"])] == ["det:2"]
    cfg = life.tmp / "probe.yml"
    cfg.write_text("{epochs: 30, lr: 0.001}\n", encoding="utf-8")
    assert [f.model for f in run_search.find_runs(project, config=cfg)] == ["det:1", "det:2"]
    assert [f.model for f in run_search.find_runs(project, ["v1"], config=cfg)] == ["det:1"]
    assert run_search.find_runs(project, framework="pytorch") == []
    assert len(run_search.find_runs(project, framework=" Ultralytics  8.3")) == 3


def test_find_names_an_unknown_dataset_version(life: Lifecycle) -> None:
    with pytest.raises(NotFound):
        run_search.find_runs(life.project, ["v9"])


def test_compare_across_datasets_carries_the_changelog(life: Lifecycle) -> None:
    cmp = run_search.compare_runs(life.project, "det:1", "det:2")
    assert cmp.datasets_only_a == ("v1",) and cmp.datasets_only_b == ("v2",)
    assert cmp.same_config and cmp.config_changes == []
    assert len(cmp.dataset_changes) == 1 and cmp.dataset_changes[0]
