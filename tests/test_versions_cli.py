"""`aal version create|list|show|diff` and `aal stats` (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.services import regions
from aal_desktop.services.project import Project
from tests.test_versions import Built, build


@pytest.fixture
def built(project: Project, tmp_path: Path) -> Built:
    return build(project, tmp_path)


def aal(
    project: Project, capsys: pytest.CaptureFixture[str], *argv: str, user: str = "lead1"
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(project.path), "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_create_list_show_diff_and_stats(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    p = built.project
    code, out, err = aal(p, capsys, "version", "create", "v1", "--split", "50,25,25", "--seed", "4")
    # three documents in three splits: at most a warning that one split got none (issue 15)
    assert code == 0 and (
        err == ""
        or (err.startswith("warning: ") and err.count("\n") == 1 and "got no documents" in err)
    )
    assert out.startswith("created v1 (layout 1.0.0): 3 documents (") and "6 regions" in out
    regions.relabel(p, built.regions[0].id, "title")
    code, out, _ = aal(p, capsys, "version", "create", "v2", "--json")
    made = json.loads(out)
    assert (made["name"], made["parent"], made["semver"]) == ("v2", "v1", "2.0.0")
    assert made["split_ratios"] == [0.8, 0.1, 0.1]

    code, out, _ = aal(p, capsys, "version", "list", "--json")
    assert [v["name"] for v in json.loads(out)] == ["v1", "v2"]
    code, out, _ = aal(p, capsys, "version", "list")
    assert code == 0 and "v2" in out.splitlines()[3] and "2.0.0" in out

    code, out, _ = aal(p, capsys, "version", "show", "v2")
    assert code == 0 and "text → title: 1" in out and "parent v1" in out
    code, out, _ = aal(p, capsys, "version", "show", "v2", "--json")
    shown = json.loads(out)
    assert shown["changelog"]["corrections"]["relabels"] == {"text → title": 1}
    assert shown["stats"]["totals"]["regions"] == 6

    code, out, _ = aal(p, capsys, "version", "diff", "v1", "v2", "--json")
    assert json.loads(out)["corrections"]["relabels"] == {"text → title": 1}
    code, out, _ = aal(p, capsys, "version", "diff", "v1", "v2")
    assert out.startswith("# v2 (changes since v1)")

    code, out, _ = aal(p, capsys, "stats", "v1", "--json")
    st = json.loads(out)
    assert st["version"] == "v1" and st["totals"]["classes"] == {"text": 3, "title": 3}
    code, out, _ = aal(p, capsys, "stats", "--json")
    live = json.loads(out)
    assert live["version"] is None and live["totals"]["regions"] == 8
    assert live["statuses"]["approved"]["documents"] == 3
    code, out, _ = aal(p, capsys, "stats")
    assert code == 0 and "approved" in out.splitlines()[0] and "  title" in out


def test_errors_are_one_line_and_exit_1(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    p = built.project
    assert aal(p, capsys, "version", "create", "v1")[0] == 0
    code, out, err = aal(p, capsys, "version", "create", "v1")
    assert code == 1 and out == "" and err.startswith("aal: dataset version 'v1' already exists")
    code, _, err = aal(p, capsys, "version", "create", "v2", "--split", "80,20")
    assert code == 1 and "three ratios" in err
    code, _, err = aal(p, capsys, "version", "show", "nope")
    assert code == 1 and err == "aal: no dataset version 'nope' (see `aal version list`)\n"


def test_an_annotator_cannot_create_a_version(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = aal(built.project, capsys, "version", "create", "v1", user="ann1")
    assert code == 1 and out == "" and err.startswith("aal: only a lead can create dataset")
    assert aal(built.project, capsys, "version", "list", "--json")[1].strip() == "[]"
