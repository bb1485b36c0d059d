"""SQLite failures become one line naming the database and the remedy (store.sqlite_errors)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.store.sqlite_errors import explain


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "aal.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.commit()
    conn.close()
    return path


def test_full_disk_names_the_database_and_says_nothing_changed(tmp_path: Path) -> None:
    path = _db(tmp_path)
    conn = sqlite3.connect(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own way to fill the disk
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])
    message = str(explain(info.value, path))
    assert f"the disk holding {path} is full; nothing was changed" in message
    assert "\n" not in message


def test_read_only_database(tmp_path: Path) -> None:
    path = _db(tmp_path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("INSERT INTO t VALUES ('x')")
    assert f"{path} is read-only for this user" in str(explain(info.value, path))


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("# not sqlite\n" * 200)
    with pytest.raises(sqlite3.DatabaseError) as info:
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    assert "is not an AAL Desktop project database" in str(explain(info.value, path))


def test_unknown_errors_keep_sqlites_words(tmp_path: Path) -> None:
    exc = sqlite3.OperationalError("no such table: nowhere")
    message = str(explain(exc, tmp_path / "x.db"))
    assert message.endswith("reported an error: no such table: nowhere")
