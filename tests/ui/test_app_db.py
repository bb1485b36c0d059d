"""The window and an explicit --db (issue 15): a path that does not exist is an error, not
a new empty project; without --db the default project is still made on first use."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_screenshot import run


def test_the_window_refuses_an_explicit_db_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "dir" / "aal.sqlite3"
    done = run(
        [
            "-m",
            "aal_desktop.ui.app",
            "--db",
            str(missing),
            "--user",
            "lead1",
            "--screenshot",
            str(tmp_path / "x.png"),
        ],
        tmp_path,
    )
    assert done.returncode == 1
    assert f"no project database at {missing}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not missing.parent.exists() and not (tmp_path / "x.png").exists()
