"""`aal model register` warns about the same run; `model find` and `model compare` (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_models import Lifecycle, build_lifecycle
from tests.test_models_cli import aal


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    yield lc
    lc.project.close()


def _files(tmp: Path, name: str, config: str) -> tuple[Path, Path]:
    w = tmp / f"{name}.pt"
    w.write_bytes(name.encode())
    cfg = tmp / f"{name}.yaml"
    cfg.write_text(config, encoding="utf-8")
    return w, cfg


def test_register_of_a_tried_run_warns_on_stderr_and_still_registers(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    # det:2: v2, "epochs: 30\nlr: 0.001\n", ultralytics 8.3 — here reordered and re-spaced
    w, cfg = _files(life.tmp, "seed2", "lr:    0.001\nepochs:  30\n")
    code, out, err = aal(
        life,
        capsys,
        "model",
        "register",
        "det",
        "--weights",
        str(w),
        "--dataset",
        "v2",
        "--config",
        str(cfg),
        "--framework",
        "ultralytics 8.3",
    )
    assert code == 0 and out == "det:4\n"
    assert err.count("\n") == 1 and err.startswith("aal: warning: det:4 has the same datasets")
    assert "det:2 (mAP=0.83, recall=0.85)" in err
    code, out, err = aal(
        life,
        capsys,
        "model",
        "register",
        "det",
        "--weights",
        str(w),
        "--dataset",
        "v2",
        "--config",
        str(cfg),
        "--framework",
        "ultralytics 8.3",
        "--json",
    )
    shown = json.loads(out)
    assert shown["ref"] == "det:5"
    assert [r["model"] for r in shown["same_runs"]] == ["det:2", "det:4"]


def test_changed_learning_rate_registers_without_warning_and_compare_shows_it(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    w, cfg = _files(life.tmp, "lr", "epochs: 30\nlr: 0.0005\n")
    code, out, err = aal(
        life,
        capsys,
        "model",
        "register",
        "det",
        "--weights",
        str(w),
        "--dataset",
        "v2",
        "--config",
        str(cfg),
        "--framework",
        "ultralytics 8.3",
    )
    assert (code, out, err) == (0, "det:4\n", "")
    code, out, _ = aal(life, capsys, "model", "compare", "det:2", "det:4", "--json")
    cmp = json.loads(out)
    assert cmp["config_changes"] == [{"key": "lr", "old": 0.001, "new": 0.0005}]
    assert cmp["same_identity"] is False and cmp["datasets_shared"] == ["v2"]
    code, out, _ = aal(life, capsys, "model", "compare", "det:2", "det:4")
    assert code == 0 and "config      lr: 0.001 → 0.0005" in out


def test_find_from_the_command_line(life: Lifecycle, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = aal(
        life, capsys, "model", "find", "--dataset", "v1", "--dataset", "v2", "--json"
    )
    assert code == 0 and [r["model"] for r in json.loads(out)] == ["det:3"]
    code, out, _ = aal(life, capsys, "model", "find", "--config", str(life.tmp / "train.yaml"))
    assert code == 0 and "det:1" in out and "det:2" in out and "det:3" not in out
    code, out, err = aal(life, capsys, "model", "find", "--dataset", "nope")
    assert code == 1 and out == "" and "nope" in err and err.count("\n") == 1
