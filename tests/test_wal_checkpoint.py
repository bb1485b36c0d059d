"""Write-ahead-log checkpoints run on a background connection, not inside an edit's COMMIT."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from aal_desktop.store import db as store_db
from aal_desktop.store.checkpoint import Checkpointer


def _write(db: store_db.Database, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        with store_db.transaction(db):
            db.execute(
                "INSERT INTO users (name, role, created_at, created_by) VALUES (?, ?, ?, ?)",
                [f"user{i}", "annotator", "2026-12-01T00:00:00+00:00", "test"],
            )


def _rows_in_main_file(path: Path, copy: Path) -> int:
    """Rows readable from the database file alone, as if its log were lost."""
    shutil.copy(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])
    finally:
        conn.close()


def test_commits_past_the_threshold_are_copied_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "aal.sqlite3"
    db = store_db.open_database(path)
    assert db.checkpointer is not None
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the tables are in the file, no rows yet
    db.checkpointer = Checkpointer(path, commits=10)
    _write(db, 3)
    db.checkpointer.wait()
    assert db.checkpointer.runs == 0
    assert _rows_in_main_file(path, tmp_path / "early.sqlite3") == 0  # still only in the log

    _write(db, 9, first=3)  # the tenth commit starts one
    db.checkpointer.wait()
    assert db.checkpointer.runs == 1
    assert db.checkpointer.last_error is None
    assert _rows_in_main_file(path, tmp_path / "later.sqlite3") >= 10  # and any later ones
    db.close()
    assert _rows_in_main_file(path, tmp_path / "closed.sqlite3") == 12


def test_a_growing_log_is_checkpointed_before_the_commit_count(tmp_path: Path) -> None:
    path = tmp_path / "aal.sqlite3"
    db = store_db.open_database(path)
    db.checkpointer = Checkpointer(path, commits=10_000, grown=16 * 1024)
    _write(db, 8)  # each commit appends a few 4 KiB pages to the log
    db.checkpointer.wait()
    assert db.checkpointer.runs >= 1
    db.close()


def test_a_failed_checkpoint_is_kept_as_an_error_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "aal.sqlite3"
    db = store_db.open_database(path)
    checkpointer = Checkpointer(tmp_path / "missing" / "aal.sqlite3", commits=1)
    checkpointer.wal = Path(f"{path}-wal")  # sees the real log, cannot open the database
    db.checkpointer = checkpointer
    _write(db, 2)
    checkpointer.wait()
    assert checkpointer.runs == 0
    assert checkpointer.last_error is not None
    assert int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0]) == 2
    db.close()


def test_memory_databases_have_no_checkpointer() -> None:
    assert store_db.open_database(":memory:").checkpointer is None


def test_a_burst_of_commits_is_checkpointed_once_it_pauses_not_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "aal.sqlite3"
    db = store_db.open_database(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.checkpointer = Checkpointer(path, commits=10, quiet=30.0)
    _write(db, 40)  # asked for at the tenth commit: it waits for 30 s without one
    assert db.checkpointer.runs == 0
    assert _rows_in_main_file(path, tmp_path / "burst.sqlite3") == 0  # all still in the log
    start = time.monotonic()
    db.close()  # a waiting checkpoint does not hold the close up; closing checkpoints
    assert time.monotonic() - start < 10
    assert db.checkpointer.runs == 0
    assert _rows_in_main_file(path, tmp_path / "closed.sqlite3") == 40

    db = store_db.open_database(path)
    db.checkpointer = Checkpointer(path, commits=10, quiet=0.05)
    _write(db, 12, first=40)
    db.checkpointer.wait()  # the pause came: it ran
    assert db.checkpointer.runs == 1 and db.checkpointer.last_error is None
    assert _rows_in_main_file(path, tmp_path / "paused.sqlite3") >= 50
    db.close()


def test_a_long_burst_does_not_wait_for_a_pause_for_ever(tmp_path: Path) -> None:
    path = tmp_path / "aal.sqlite3"
    db = store_db.open_database(path)
    db.checkpointer = Checkpointer(path, commits=10, quiet=30.0, urgent_commits=25)
    _write(db, 40)  # 25 commits after it was asked for, it starts without the pause
    start = time.monotonic()
    db.checkpointer.wait()
    assert time.monotonic() - start < 10
    assert db.checkpointer.runs == 1
    db.close()
