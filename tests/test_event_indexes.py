"""The event log's indexes: fewer written per edit, and still used by the filters (issue 16).

EXPLAIN QUERY PLAN of the queries the review table and `aal events list` run must search
an index for every filter that one serves; nothing searched before may become a scan of
the table (a person alone becomes a scan of the composite index, never of the rows).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.store import db as store_db
from aal_desktop.store.events import (
    EVENT_COLUMNS,
    REVIEW_STATE_SQL,
    EventFilter,
    NewEvent,
    append,
    where_clause,
)
from aal_desktop.store.events import count as event_count
from aal_desktop.store.events import list_events as event_query


def _plan(db: object, sql: str, params: list[object]) -> list[str]:
    return [str(r[3]) for r in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]  # type: ignore[attr-defined]


def _queries(flt: EventFilter) -> tuple[tuple[str, list[object]], tuple[str, list[object]]]:
    where, params = where_clause(flt)
    return (
        (f"SELECT COUNT(*) FROM events{where}", params),
        (
            f"SELECT {', '.join(EVENT_COLUMNS)}, {REVIEW_STATE_SQL} FROM events{where} "
            "ORDER BY id ASC LIMIT 40",
            params,
        ),
    )


def test_one_composite_index_replaces_kind_and_user(tmp_path: Path) -> None:
    db = store_db.open_database(tmp_path / "a.sqlite3")
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    names = {name for name, _sql in rows}
    assert "events_kind_user" in names
    assert not names & {"events_kind", "events_user"}
    # written by every event: region, document, at and (kind, user)
    every_event = {name for name, sql in rows if " WHERE " not in sql.upper()}
    assert len(every_event) <= 4, every_event
    # partial: written only for the events that have a batch or a replayed author's hash
    assert names - every_event <= {"events_batch", "events_source_hash"}


@pytest.mark.parametrize(
    "flt, index",
    [
        (EventFilter(kind="region.move"), "events_kind_user"),
        (EventFilter(kind="region.move", user="ann1"), "events_kind_user"),
        (EventFilter(kind="region.move", user="ann1", review="pending"), "events_kind_user"),
        (EventFilter(region_id="r1"), "events_region"),
        (EventFilter(document_id=3), "events_document"),
    ],
)
def test_filters_search_an_index(tmp_path: Path, flt: EventFilter, index: str) -> None:
    db = store_db.open_database(tmp_path / "a.sqlite3")
    for sql, params in _queries(flt):
        plan = _plan(db, sql, params)
        assert any(step.startswith("SEARCH events") and index in step for step in plan), plan


@pytest.mark.parametrize(
    "flt", [EventFilter(user="ann1"), EventFilter(user="ann1", kind="region.")]
)
def test_a_person_alone_is_counted_from_the_index_not_the_rows(
    tmp_path: Path, flt: EventFilter
) -> None:
    db = store_db.open_database(tmp_path / "a.sqlite3")
    (count_sql, params), _ = _queries(flt)
    assert any("COVERING INDEX events_kind_user" in s for s in _plan(db, count_sql, params))


def test_filters_answer_the_same_after_the_upgrade(tmp_path: Path) -> None:
    """A database from before this step: the same events, the same answers after it."""
    path = tmp_path / "old.sqlite3"
    db = store_db.connect(path)
    steps = store_db.upgrades()
    ours = next(i for i, m in enumerate(steps) if m.name == "event_indexes")
    store_db.upgrade(db, upto=steps[ours - 1].version)
    assert {"events_kind", "events_user"} <= {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    with store_db.transaction(db):
        for i in range(60):
            append(
                db,
                NewEvent(
                    kind=("region.move", "region.relabel", "adjudicate")[i % 3],
                    user=("ann1", "ann2")[i % 2],
                    region_id=f"r{i % 7}",
                    document_id=i % 4,
                    new={"i": i},
                ),
                at=f"2026-12-01T00:{i:02d}",
            )
    filters = [
        EventFilter(kind="adjudicate"),
        EventFilter(user="ann2"),
        EventFilter(user="ann1", kind="region."),
        EventFilter(kind="region.move", user="ann2"),
    ]
    before = [([e.id for e in event_query(db, f)], event_count(db, f)) for f in filters]
    assert all(n > 0 for _ids, n in before)
    store_db.upgrade(db)
    assert store_db.db_version(db) == store_db.latest_version()
    after = [([e.id for e in event_query(db, f)], event_count(db, f)) for f in filters]
    assert after == before
    assert store_db.integrity_ok(db)


def test_undo_steps_index_only_the_steps_that_can_be_redone(tmp_path: Path) -> None:
    """A new (done) step writes no index entry; redo's lookup and the drop of the redo
    stack search the partial index, undo's reads the table backwards from its end."""
    db = store_db.open_database(tmp_path / "a.sqlite3")
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'history_steps' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    assert [name for name, _sql in rows] == ["history_steps_undone"]
    assert "WHERE state = 'undone'" in rows[0][1]
    redo = _plan(
        db,
        "SELECT id FROM history_steps WHERE user = ? AND state = 'undone' ORDER BY id LIMIT 1",
        ["ann1"],
    )
    assert any("history_steps_undone" in step for step in redo), redo
    undo = _plan(
        db,
        "SELECT id FROM history_steps WHERE user = ? AND state = 'done' ORDER BY id DESC LIMIT 1",
        ["ann1"],
    )
    assert undo == ["SCAN history_steps"], undo
