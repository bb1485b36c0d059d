"""A full disk, a read-only file: one line naming the database and what to do, nothing lost.

SQLite's `PRAGMA max_page_count` fills the disk without mounting anything: every connection
the command opens is capped at the pages the database has, so the next page it needs fails
as SQLITE_FULL exactly as a full disk does (issue 19, item 3).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.store import db as store_db

from .conftest import make_pdf
from .test_cli import Aal


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    return Aal(tmp_path / "p" / "aal.sqlite3", capsys)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch):
    """Call it to fill the disk for every connection opened from then on."""
    real = store_db.connect

    def capped(path: Path | str) -> store_db.Database:
        db = real(path)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages}")
        return db

    return lambda: monkeypatch.setattr(store_db, "connect", capped)


def _state(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT * FROM regions ORDER BY id").fetchall(),
            conn.execute("SELECT id, hash FROM events ORDER BY id").fetchall(),
        )
    finally:
        conn.close()


def _one_clear_line(code: int, err: str, db: Path) -> None:
    assert code == 1, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert f"the disk holding {db} is full; nothing was changed" in err


def _project_with_region(aal: Aal, tmp_path: Path) -> str:
    assert aal("init")[0] == 0
    assert aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))[0] == 0
    code, out, err = aal("region", "add", "1", "1", "50", "50", "300", "120", "text")
    assert code == 0, err
    return out.strip().split()[-1]


def _fill_pages(db: Path) -> None:
    """Use up the free pages a fresh database keeps, so the next write needs a new page."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()


def test_region_add_and_relabel_on_a_full_disk(aal: Aal, tmp_path: Path, full_disk) -> None:
    rid = _project_with_region(aal, tmp_path)
    _fill_pages(aal.db)
    before = _state(aal.db)
    full_disk()
    code, _, err = aal(
        "region", "add", "1", "1", "50", "200", "300", "260", "title", "--reason", "x" * 20_000
    )
    _one_clear_line(code, err, aal.db)
    code, _, err = aal("region", "relabel", rid, "title", "--reason", "y" * 20_000)
    _one_clear_line(code, err, aal.db)
    assert _state(aal.db) == before  # nothing half-written, nothing lost
    code, out, err = aal("audit", "verify")
    assert code == 0, err


def test_editing_resumes_when_space_is_freed(
    aal: Aal, tmp_path: Path, full_disk, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = _project_with_region(aal, tmp_path)
    _fill_pages(aal.db)
    real = store_db.connect
    full_disk()
    code, _, err = aal("region", "relabel", rid, "title", "--reason", "z" * 20_000)
    _one_clear_line(code, err, aal.db)
    monkeypatch.setattr(store_db, "connect", real)
    code, _, err = aal("region", "relabel", rid, "title", "--reason", "z" * 20_000)
    assert code == 0, err
    conn = sqlite3.connect(aal.db)
    assert conn.execute("SELECT class_key FROM regions WHERE id = ?", [rid]).fetchone() == (
        "title",
    )
    conn.close()


def test_doc_import_on_a_full_disk_names_the_database_and_stops_with_a_summary(
    aal: Aal, tmp_path: Path, full_disk
) -> None:
    assert aal("init")[0] == 0
    _fill_pages(aal.db)
    files = [make_pdf(tmp_path / f"f{i}.pdf", pages=40, text=f"file {i}") for i in range(3)]
    full_disk()
    code, out, err = aal("doc", "import", *map(str, files))
    assert code == 1
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert str(aal.db) in err and "is full" in err
    lines = out.splitlines()
    failed = [i for i, line in enumerate(lines) if line.startswith("failed")]
    assert len(failed) == 1 and failed[0] == len(lines) - 1, out  # it stopped there
    n = failed[0]  # files imported before the disk filled
    assert lines[n].startswith(f"failed    {files[n]}: the disk holding {aal.db} is full")
    assert f"stopped at {files[n].name}, {2 - n} more not tried" in err
    assert err.startswith(f"{n} imported")
    conn = sqlite3.connect(aal.db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == n
    assert conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 40 * n
    conn.close()


def test_read_commands_work_on_a_read_only_database(
    aal: Aal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened read-only (as SQLite opens a file its user may not write: chmod cannot show
    it here, the tests may run as root): reads work, a write is one line."""
    rid = _project_with_region(aal, tmp_path)
    real = sqlite3.connect

    def read_only(path: str, *args, **kwargs):
        kwargs["uri"] = True
        return real(f"file:{path}?mode=ro", *args, **kwargs)

    monkeypatch.setattr(store_db.sqlite3, "connect", read_only)
    before = _state(aal.db)
    code, out, err = aal("doc", "list", user="newcomer")
    assert code == 0, err
    assert "a.pdf" in out
    code, _, err = aal("region", "relabel", rid, "title")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{aal.db} is read-only for this user; nothing was changed" in err
    monkeypatch.setattr(store_db.sqlite3, "connect", real)
    assert _state(aal.db) == before


def test_a_read_by_a_new_user_writes_nothing(aal: Aal, tmp_path: Path, full_disk) -> None:
    """`aal doc list` by someone the project does not know used to insert a users row, and
    so failed on a full disk; a read now writes nothing, and their first write registers."""
    _project_with_region(aal, tmp_path)
    _fill_pages(aal.db)
    before = _state(aal.db)
    full_disk()
    code, out, err = aal("doc", "list", user="newcomer")
    assert code == 0, err
    assert _state(aal.db) == before
    conn = sqlite3.connect(aal.db)
    assert [r[0] for r in conn.execute("SELECT name FROM users")] == ["lead1"]
    conn.close()


def test_first_write_registers_a_new_user(aal: Aal, tmp_path: Path) -> None:
    rid = _project_with_region(aal, tmp_path)
    assert aal("doc", "list", user="amy")[0] == 0
    assert [u["name"] for u in aal.json("user", "list")] == ["lead1"]
    code, _, err = aal("region", "relabel", rid, "title", user="amy")
    assert code == 0, err
    assert {u["name"]: u["role"] for u in aal.json("user", "list")} == {
        "lead1": "lead",
        "amy": "annotator",
    }


def test_a_lock_held_past_the_time_out_is_one_line(
    aal: Aal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = _project_with_region(aal, tmp_path)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(aal.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        before = _state(aal.db)
        code, _, err = aal("region", "relabel", rid, "title")
        assert code == 1 and err.count("\n") == 1 and "Traceback" not in err, err
        assert f"{aal.db} stayed locked by another program" in err
        assert _state(aal.db) == before
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert aal("region", "relabel", rid, "title")[0] == 0
