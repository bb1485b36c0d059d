"""`aal review accept|revert` and `aal audit summary`, as scripts call them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.services import audit, regions
from aal_desktop.services.project import Project

from .test_review import Day, build_day


@pytest.fixture
def day(project: Project, tmp_path: Path) -> Day:
    return build_day(project, tmp_path)


def run(project: Project, user: str, *argv: str) -> int:
    return main(["--db", str(project.path), "--user", user, *argv])


def test_revert_prints_the_new_event_and_json_describes_the_decision(
    project: Project, day: Day, capsys: pytest.CaptureFixture[str]
) -> None:
    ev = day.events["ann2_relabel_r3"]
    assert run(project, "lead1", "review", "revert", str(ev), "--reason", "a table", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["event_id"] == ev and out["decision"] == "reverted"
    assert out["reason"] == "a table" and out["user"] == "lead1"
    assert audit.get_event(project, out["revert_event_id"]).reverts == ev
    assert regions.get(project, day.regions["r3"]).class_key == "table"
    assert run(project, "lead1", "review", "revert", str(ev)) == 1
    err = capsys.readouterr().err
    assert err.startswith("aal: event") and "already reverted" in err
    assert err.count("\n") == 1


def test_accept_one_then_a_filtered_batch(
    project: Project, day: Day, capsys: pytest.CaptureFixture[str]
) -> None:
    ev = day.events["ann1_move_r3"]
    assert run(project, "lead1", "review", "accept", str(ev)) == 0
    assert capsys.readouterr().out.strip() == f"accepted event {ev}"
    assert run(project, "lead1", "review", "accept", str(ev)) == 0
    assert "already accepted by lead1" in capsys.readouterr().out
    assert (
        run(
            project,
            "lead1",
            "review",
            "accept",
            "--user",
            "ann1",
            "--kind",
            "region.relabel",
            "--json",
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"accepted": 2}
    assert audit.get_event(project, day.events["ann1_relabel_r1"]).review == "accepted"
    assert audit.get_event(project, day.events["ann2_relabel_r3"]).review == "pending"
    assert run(project, "lead1", "review", "accept") == 1
    assert "nothing to accept" in capsys.readouterr().err


def test_an_annotator_gets_exit_1_and_one_line(
    project: Project, day: Day, capsys: pytest.CaptureFixture[str]
) -> None:
    ev = day.events["ann2_relabel_r3"]
    for argv in (
        ("review", "accept", str(ev)),
        ("review", "revert", str(ev), "--reason", "x"),
        ("review", "accept", "--all"),
    ):
        assert run(project, "ann1", *argv) == 1
        err = capsys.readouterr().err
        assert err == (
            "aal: only a lead can review corrections; 'ann1' is an annotator "
            "(ask a lead, or run as a lead with --user)\n"
        )
    assert audit.get_event(project, ev).review == "pending"
    assert regions.get(project, day.regions["r3"]).class_key == "picture"


def test_unknown_event_and_bad_usage(
    project: Project, day: Day, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, "lead1", "review", "accept", "999") == 1
    assert capsys.readouterr().err == "aal: no event 999 (see `aal events list`)\n"
    with pytest.raises(SystemExit) as exc:
        run(project, "lead1", "review", "revert", "abc")
    assert exc.value.code == 2


def test_audit_summary_table_and_json(
    project: Project, day: Day, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "lead1", "review", "revert", str(day.events["ann3_relabel_r5"]), "--reason", "no")
    capsys.readouterr()
    assert run(project, "ann2", "audit", "summary", "--json") == 0
    rows = {r["user"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["ann3"] == {
        "user": "ann3",
        "role": "annotator",
        "regions_made": 1,
        "corrections_made": 4,
        "accepted": 0,
        "reverted": 1,
        "pending": 4,
    }
    assert run(project, "lead1", "audit", "summary") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "user",
        "role",
        "regions",
        "corrections",
        "accepted",
        "reverted",
        "pending",
    ]
    assert lines[4].split() == ["ann3", "annotator", "1", "4", "0", "1", "4"]
    assert run(project, "lead1", "audit", "verify") == 0
