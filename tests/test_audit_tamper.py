"""`aal audit verify` against someone holding the file with the triggers dropped (issue 19,
item 5). Each test tampers as the report did, then asserts what the local checks catch;
docs/audit.md says what no check inside the file can catch."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from aal_desktop.services import audit, documents, regions, releases, schemas
from aal_desktop.services.project import Project
from aal_desktop.store.events import event_hash

from .conftest import make_pdf
from .test_cli import Aal


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    return Aal(tmp_path / "p" / "aal.sqlite3", capsys)


def _history(db: Path, tmp_path: Path, edits: int = 4) -> list[str]:
    with Project(db, user="lead1") as p:
        p.ensure_registered()
        schemas.ensure_default(p)
        (o,) = documents.import_paths(p, [make_pdf(tmp_path / "a.pdf")])
        ids = []
        for i in range(edits):
            r = regions.add_region(p, o.document_id, 0, [50, 50 + 60 * i, 300, 90 + 60 * i], "text")
            regions.relabel(p, r.id, "title")
            ids.append(r.id)
        assert audit.verify(p).ok
        return ids


def _tamper(db: Path, *statements: str, params: list | None = None) -> None:
    conn = sqlite3.connect(db)
    for name in ("events_no_update", "events_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in statements:
        conn.execute(sql, params or [])
    conn.commit()
    conn.close()


def _verify(aal: Aal) -> tuple[int, str]:
    code, _, err = aal("audit", "verify")
    return code, err


def test_last_events_deleted_and_sequence_lowered(aal: Aal, tmp_path: Path) -> None:
    _history(aal.db, tmp_path)
    _tamper(
        aal.db,
        "DELETE FROM events WHERE id > (SELECT MAX(id) - 1 FROM events)",
        "UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM events) WHERE name = 'events'",
    )
    code, err = _verify(aal)
    assert code == 1 and err.count("\n") == 1
    with Project(aal.db, user="lead1") as p:
        problems = audit.verify(p).problems
    assert any("triggers missing: events_no_delete, events_no_update" in x for x in problems)
    assert any("differs from the state its last event recorded" in x for x in problems)


def test_every_event_deleted(aal: Aal, tmp_path: Path) -> None:
    _history(aal.db, tmp_path)
    _tamper(aal.db, "DELETE FROM events", "DELETE FROM sqlite_sequence WHERE name = 'events'")
    with Project(aal.db, user="lead1") as p:
        report = audit.verify(p)
    assert not report.ok and report.checked == 0
    assert any("has no event in the log" in x for x in report.problems)


def test_forged_event_appended_with_the_public_hash(aal: Aal, tmp_path: Path) -> None:
    """A forged relabel appended with the public `event_hash`, without changing the row:
    the chain verifies (nothing in the file is secret), but the region's row no longer is
    the state its last event says. A forger who also rewrites the row passes every local
    check: only an anchor outside the file (a published release, a signed bundle) shows it."""
    ids = _history(aal.db, tmp_path)
    conn = sqlite3.connect(aal.db)
    last_id, prev = conn.execute("SELECT id, hash FROM events ORDER BY id DESC").fetchone()
    new = json.loads(
        conn.execute(
            "SELECT new FROM events WHERE region_id = ? ORDER BY id DESC", [ids[0]]
        ).fetchone()[0]
    )
    conn.close()
    old = dict(new)
    new["class_key"] = "text"
    row = {
        "id": last_id + 1,
        "at": "2026-12-01T00:00:00.000000+00:00",
        "user": "lead1",
        "kind": "region.relabel",
        "change_type": "corrective",
        "region_id": ids[0],
        "document_id": 1,
        "page": 0,
        "original": json.dumps(old, sort_keys=True, separators=(",", ":")),
        "new": json.dumps(new, sort_keys=True, separators=(",", ":")),
        "reason": "forged",
        "schema_version": 1,
        "guideline_version": None,
        "batch": None,
        "reverts": None,
    }
    row["prev_hash"], row["hash"] = prev, event_hash(prev, row)
    _tamper(
        aal.db,
        f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        params=list(row.values()),
    )
    with Project(aal.db, user="lead1") as p:
        report = audit.verify(p)
    assert not report.ok
    assert any(f"region {ids[0]} differs" in x for x in report.problems)


def test_altered_event_with_the_rest_recomputed(aal: Aal, tmp_path: Path) -> None:
    """An event altered and every later hash recomputed passes the chain check, and the rows
    can be made to match: a local check cannot see a consistent rewrite. What IS caught: the
    log head recorded when a release was recorded (an anchor) no longer matches."""
    ids = _history(aal.db, tmp_path, edits=2)
    with Project(aal.db, user="lead1") as p:
        from aal_desktop.services import versions

        versions.create_version(p, "v1", statuses=["todo", "in_progress"])
        releases.record(p, "v1", tmp_path / "rel", ("jsonl",), 72.0, "ab" * 32, None)
        assert audit.verify(p).ok
    conn = sqlite3.connect(aal.db)
    conn.execute("DROP TRIGGER events_no_update")
    rows = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    cols = [d[0] for d in conn.execute("SELECT * FROM events").description]
    prev = "0" * 64
    for values in rows:
        row = dict(zip(cols, values, strict=True))
        if row["region_id"] == ids[0] and row["kind"] == "region.create":
            row["user"] = "mallory"
        row["prev_hash"] = prev
        row["hash"] = event_hash(prev, row)
        conn.execute(
            "UPDATE events SET user = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [row["user"], row["prev_hash"], row["hash"], row["id"]],
        )
        prev = row["hash"]
    conn.commit()
    conn.close()
    with Project(aal.db, user="lead1") as p:
        report = audit.verify(p)
        assert audit.verify_chain(p).ok  # the chain alone is fooled
    assert not report.ok
    assert any("differs from the log head recorded with release" in x for x in report.problems)


def test_dropped_triggers_are_reported_and_restored_by_init(aal: Aal, tmp_path: Path) -> None:
    _history(aal.db, tmp_path, edits=1)
    conn = sqlite3.connect(aal.db)
    for name in ("events_no_delete", "releases_no_update", "reviews_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.commit()
    conn.close()
    code, err = _verify(aal)
    assert (
        code == 1
        and "append-only triggers missing: events_no_delete, releases_no_update, reviews_no_delete"
        in err
    )
    code, out, err = aal("init")
    assert code == 0, err
    assert "restored 3 missing append-only triggers" in out
    code, out, err = aal("audit", "verify")
    assert code == 0, err
    assert "intact" in out
    conn = sqlite3.connect(aal.db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    conn.close()
    code, out, _ = aal("init")
    assert "restored" not in out


def test_releases_and_their_anchors_are_append_only(tmp_path: Path) -> None:
    from aal_desktop.services import versions

    db = tmp_path / "aal.sqlite3"
    _history(db, tmp_path, edits=1)
    with Project(db, user="lead1") as p:
        versions.create_version(p, "v1", statuses=["todo", "in_progress"])
        releases.record(p, "v1", tmp_path / "rel", ("jsonl",), 72.0, "ab" * 32, None)
        for sql in (
            "UPDATE releases SET path = 'x'",
            "DELETE FROM releases",
            "UPDATE log_anchors SET event_hash = 'x'",
            "DELETE FROM log_anchors",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                p.db.execute(sql)
