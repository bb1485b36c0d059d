"""`aal model|lineage|report`, `aal version retire`, `aal schema retire` (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from tests.test_models import Lifecycle, build_lifecycle


@pytest.fixture
def life(tmp_path: Path):
    lc = build_lifecycle(tmp_path)
    yield lc
    lc.project.close()


def aal(
    life: Lifecycle, capsys: pytest.CaptureFixture[str], *argv: str, user: str = "lead1"
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(life.project.path), "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_register_prints_name_version_and_list_show_json(
    life: Lifecycle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"mAP": 0.88, "recall": 0.9}), encoding="utf-8")
    w = tmp_path / "best.pt"
    w.write_bytes(b"cli weights")
    code, out, err = aal(
        life,
        capsys,
        "model",
        "register",
        "det",
        "--weights",
        str(w),
        "--dataset",
        "v1",
        "--dataset",
        "v2",
        "--metrics",
        str(metrics),
        "--config",
        str(tmp_path / "train.yaml"),
        "--framework",
        "yolo 11",
    )
    assert (code, out, err) == (0, "det:4\n", "")
    code, out, _ = aal(life, capsys, "model", "show", "det:4", "--json")
    shown = json.loads(out)
    assert shown["datasets"] == ["v1", "v2"] and shown["metrics"] == {"mAP": 0.88, "recall": 0.9}
    assert shown["framework"] == "yolo 11" and shown["config_text"].startswith("epochs: 30")
    code, out, _ = aal(life, capsys, "model", "list", "--json")
    assert [m["ref"] for m in json.loads(out)] == ["det:1", "det:2", "det:3", "det:4"]
    code, out, _ = aal(life, capsys, "model", "list")
    assert code == 0 and "det:4" in out and "v1,v2" in out


def test_check_exits_1_when_weights_changed(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = aal(life, capsys, "model", "check", "det:1")
    assert code == 0 and "matches" in out
    life.weights["det:1"].write_bytes(b"swapped")
    code, out, err = aal(life, capsys, "model", "check", "det:1")
    assert code == 1 and out == "" and err.startswith("aal: det:1:") and "CHANGED" in err
    assert err.count("\n") == 1


def test_deploy_refuses_failing_gate_then_force_records_it(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = aal(
        life, capsys, "model", "deploy", "det:1", "--env", "prod", "--gate", "mAP>=0.8"
    )
    assert code == 1 and out == ""
    assert "mAP>=0.8" in err and "0.71" in err and "Traceback" not in err
    code, _, err = aal(
        life, capsys, "model", "deploy", "det:1", "--env", "prod", "--gate", "mAP>=0.8", "--force"
    )
    assert code == 1 and "--reason" in err
    code, out, _ = aal(
        life,
        capsys,
        "model",
        "deploy",
        "det:1",
        "--env",
        "prod",
        "--gate",
        "mAP>=0.8",
        "--limitation",
        "no scans",
        "--force",
        "--reason",
        "pilot",
        "--at",
        "2025-03-01T00:00:00Z",
        "--json",
    )
    d = json.loads(out)
    assert code == 0 and d["forced"] and d["force_reason"] == "pilot"
    assert d["gates"][0]["passed"] is False and d["limitations"] == ["no scans"]
    code, _, err = aal(
        life, capsys, "model", "deploy", "det:2", "--env", "prod", "--gate", "mAP=>0.8"
    )
    assert code == 1 and "not a gate" in err
    code, _, err = aal(life, capsys, "model", "deploy", "det:2", "--env", "prod", user="ann1")
    assert code == 1 and "only a lead" in err


def test_rollback_and_lineage_at_a_date(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        aal(
            life,
            capsys,
            "model",
            "deploy",
            "det:1",
            "--env",
            "prod",
            "--at",
            "2025-03-01T00:00:00Z",
        )[0]
        == 0
    )
    assert (
        aal(
            life,
            capsys,
            "model",
            "deploy",
            "det:2",
            "--env",
            "prod",
            "--gate",
            "mAP>=0.8",
            "--at",
            "2025-03-05T00:00:00Z",
        )[0]
        == 0
    )
    code, out, _ = aal(
        life,
        capsys,
        "model",
        "rollback",
        "--env",
        "prod",
        "--reason",
        "regression",
        "--at",
        "2025-03-08T00:00:00Z",
    )
    assert code == 0 and "det:1 → prod (rollback)" in out and "replaces #2" in out
    code, out, _ = aal(life, capsys, "lineage", "--env", "prod", "--at", "2025-03-06", "--json")
    ans = json.loads(out)
    assert ans["model"]["name"] == "det" and ans["model"]["version"] == 2
    assert ans["deployment"]["ended_by_model"] == "det:1"
    code, out, _ = aal(life, capsys, "lineage", "--env", "prod", "--at", "2025-03-09")
    assert code == 0 and out.startswith("prod at 2025-03-09") and "det:1" in out
    code, out, _ = aal(life, capsys, "lineage", "--env", "prod", "--at", "2025-01-01")
    assert "nothing was in production" in out
    code, out, _ = aal(life, capsys, "model", "deployments", "--env", "prod", "--json")
    assert [(d["id"], d["kind"], d["replaces"]) for d in json.loads(out)] == [
        (1, "deploy", None),
        (2, "deploy", 1),
        (3, "rollback", 2),
    ]


def test_lineage_both_ways(life: Lifecycle, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = aal(life, capsys, "lineage", "--version", "v2", "--json")
    assert [m["model"]["version"] for m in json.loads(out)["models"]] == [2, 3]
    code, out, _ = aal(life, capsys, "lineage", "--model", "det:2", "--json")
    data = json.loads(out)
    assert [d["name"] for d in data["datasets"]] == ["v2"]
    reasons = [c["reason"] for cs in data["corrections"] for c in cs["corrections"]]
    assert "bold heading, not body text" in reasons
    code, out, _ = aal(life, capsys, "lineage", "--model", "det:2")
    assert "corrections v1 → v2: 2" in out and "ann1" in out
    with pytest.raises(SystemExit) as exc:
        aal(life, capsys, "lineage", "--version", "v1", "--model", "det:1")
    assert exc.value.code == 2


def test_retire_commands_and_register_override(
    life: Lifecycle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = aal(
        life,
        capsys,
        "version",
        "retire",
        "v1",
        "--reason",
        "licence withdrawn",
        "--successor",
        "v2",
    )
    assert code == 0 and "retired dataset version v1: licence withdrawn" in out
    w = life.weights["det:1"]
    code, _, err = aal(
        life, capsys, "model", "register", "det", "--weights", str(w), "--dataset", "v1"
    )
    assert code == 1 and "retired" in err and "--allow-retired" in err
    code, out, _ = aal(
        life,
        capsys,
        "model",
        "register",
        "det",
        "--weights",
        str(w),
        "--dataset",
        "v1",
        "--allow-retired",
        "--reason",
        "audit reproduction",
    )
    assert (code, out) == (0, "det:4\n")
    code, out, _ = aal(
        life,
        capsys,
        "model",
        "retire",
        "det:1",
        "--reason",
        "old",
        "--successor",
        "det:2",
        "--archive",
        "s3://m/1",
        "--json",
    )
    r = json.loads(out)
    assert code == 0 and (r["successor"], r["archive"]) == ("det:2", "s3://m/1")
    code, out, _ = aal(life, capsys, "model", "list", "--json")
    assert {m["ref"]: m["status"] for m in json.loads(out)}["det:1"] == "retired"
    code, _, err = aal(life, capsys, "schema", "retire", "1", "--reason", "x")
    assert code == 1 and "current schema" in err


def test_report_writes_markdown_or_html(
    life: Lifecycle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = aal(life, capsys, "report", "det:2", "-o", str(tmp_path / "det2.md"))
    assert code == 0 and out == "" and "det2.md" in err
    md = (tmp_path / "det2.md").read_text(encoding="utf-8")
    assert md.startswith("# Technical documentation: model det:2")
    assert aal(life, capsys, "report", "det:2", "-o", str(tmp_path / "det2.html"))[0] == 0
    assert (tmp_path / "det2.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = aal(life, capsys, "report", "nope:1", "-o", str(tmp_path / "x.md"))
    assert code == 1 and "no model nope:1" in err
