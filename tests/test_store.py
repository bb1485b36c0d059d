"""The store: pragmas, upgrades keyed on user_version, append-only tables."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from aal_desktop.core.errors import AalError
from aal_desktop.services import regions
from aal_desktop.services.project import Project
from aal_desktop.store import db as store_db

V1_FIXTURE = Path(__file__).parent / "data" / "project_v1.sqlite3"


def test_new_database_has_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = store_db.open_database(tmp_path / "a.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == store_db.BUSY_TIMEOUT_MS
    assert store_db.db_version(db) == store_db.latest_version()


def test_upgrade_steps_are_numbered_in_order() -> None:
    assert [u.version for u in store_db.upgrades()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert store_db.latest_version() == 11
    # an older app reads 10, 30 and 50 as the legacy numbers of steps 2, 3 and 4
    assert not {u.version for u in store_db.upgrades()} & set(store_db.LEGACY_DB_VERSIONS)


def test_a_database_at_a_legacy_version_is_renumbered(tmp_path: Path) -> None:
    """Databases written before the steps were numbered 1..4 carry 10, 30 or 50; the one at
    legacy 50 (steps 1-4 applied) is read as version 4 and recorded so."""
    path = tmp_path / "legacy.sqlite3"
    store_db.upgrade(store_db.connect(path), upto=4)  # what the last legacy build wrote
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 50")
    raw.commit()
    raw.close()
    db = store_db.connect(path)
    assert [u.version for u in store_db.upgrade(db, upto=4)] == []
    assert store_db.db_version(db) == 4
    db.conn.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 4
    assert raw.execute("SELECT COUNT(*) FROM models").fetchone()[0] == 0
    raw.close()


def test_a_database_at_legacy_10_gets_the_later_steps(tmp_path: Path) -> None:
    path = tmp_path / "legacy10.sqlite3"
    db = store_db.connect(path)
    assert [u.version for u in store_db.upgrade(db, upto=2)] == [1, 2]
    db.execute("PRAGMA user_version = 10")
    assert [u.version for u in store_db.upgrade(db)] == [3, 4, 5, 6, 7, 8, 9, 11]
    assert store_db.db_version(db) == 11
    db.conn.close()


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    store_db.open_database(path).conn.close()
    db = store_db.connect(path)
    assert store_db.upgrade(db) == []


def test_upgrade_from_a_database_written_by_the_first_version(tmp_path: Path) -> None:
    """tests/data/project_v1.sqlite3 was written by schema 1 and holds a document, a region
    and its events; upgrading keeps them and the event chain."""
    path = tmp_path / "old.sqlite3"
    shutil.copy(V1_FIXTURE, path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
    project = Project(path, user="lead1")
    try:
        assert store_db.db_version(project.db) == store_db.latest_version()
        (region,) = regions.list_regions(project)
        assert region.class_key == "title"
        assert [e.kind for e in regions.history(project, region.id)] == [
            "region.create",
            "region.relabel",
        ]
        from aal_desktop.services import audit

        assert audit.verify(project).ok
        moved = regions.move(project, region.id, (10, 10, 50, 50))
        assert moved.box == (10, 10, 50, 50)
        assert store_db.integrity_ok(project.db)
    finally:
        project.close()


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    store_db.open_database(path).conn.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 9999")
    raw.commit()
    raw.close()
    with pytest.raises(AalError, match="newer AAL Desktop"):
        store_db.open_database(path)


def test_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(AalError, match="cannot open project database"):
        store_db.open_database(path)


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = store_db.open_database(tmp_path / "a.sqlite3")
    with pytest.raises(RuntimeError), store_db.transaction(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert db.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0
