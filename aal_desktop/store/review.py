"""Queries on reviews (a lead's decisions about events) and the summaries review reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..core.audit import EventFilter
from ..core.review import AnnotatorSummary, ReviewDecision
from .db import Database
from .events import REVIEW_STATE_SQL, where_clause

COLUMNS = "id, event_id, decision, user, at, reason, revert_event_id"


def from_row(row: Sequence[Any], already: bool = False) -> ReviewDecision:
    """A reviews row as a `ReviewDecision`."""
    return ReviewDecision(
        int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5], row[6], already
    )


def decisions_for(db: Database, event_id: int) -> list[ReviewDecision]:
    """Every decision about an event, oldest first."""
    rows = db.conn.execute(
        f"SELECT {COLUMNS} FROM reviews WHERE event_id = ? ORDER BY id", [event_id]
    ).fetchall()
    return [from_row(r) for r in rows]


def get(db: Database, review_id: int) -> ReviewDecision:
    """One decision by its id (it must exist)."""
    row = db.conn.execute(f"SELECT {COLUMNS} FROM reviews WHERE id = ?", [review_id]).fetchone()
    return from_row(row)


def insert(
    db: Database,
    event_id: int,
    decision: str,
    user: str,
    at: str,
    reason: str | None,
    revert_event_id: int | None = None,
) -> int:
    """Record a decision; returns its id."""
    cur = db.conn.execute(
        "INSERT INTO reviews (event_id, decision, user, at, reason, revert_event_id) "
        "VALUES (?,?,?,?,?,?)",
        [event_id, decision, user, at, reason, revert_event_id],
    )
    return int(cur.lastrowid or 0)


def accept_pending(
    db: Database, flt: EventFilter, user: str, at: str, reason: str | None
) -> list[int]:
    """Accept every pending reviewable event the filter matches; returns their ids in order."""
    pending = dataclasses.replace(flt, review="pending")
    where, params = where_clause(pending)
    where += (" AND " if where else " WHERE ") + "kind LIKE 'region.%' AND region_id IS NOT NULL"
    ids = [int(r[0]) for r in db.conn.execute(f"SELECT id FROM events{where} ORDER BY id", params)]
    db.conn.executemany(
        "INSERT INTO reviews (event_id, decision, user, at, reason) VALUES (?,?,?,?,?)",
        [(i, "accepted", user, at, reason) for i in ids],
    )
    return ids


def summary_from_row(row: Sequence[Any]) -> AnnotatorSummary:
    """A row of the annotator summary query as an `AnnotatorSummary`."""
    return AnnotatorSummary(
        str(row[0]),
        row[1],
        int(row[2] or 0),
        int(row[3] or 0),
        int(row[4] or 0),
        int(row[5] or 0),
        int(row[6] or 0),
    )


def annotator_summaries(db: Database) -> list[AnnotatorSummary]:
    """Per person: regions made, corrections made (not review reverts), and review outcomes."""
    rows = db.conn.execute(
        f"""
        WITH e AS (
            SELECT user, kind, change_type, region_id, id, {REVIEW_STATE_SQL} AS state
            FROM events
        ),
        reverts AS (SELECT revert_event_id AS id FROM reviews WHERE revert_event_id IS NOT NULL)
        SELECT e.user, u.role,
            SUM(e.kind = 'region.create'),
            SUM(e.change_type = 'corrective' AND e.id NOT IN (SELECT id FROM reverts)),
            SUM(e.state = 'accepted' AND e.id NOT IN (SELECT id FROM reverts)),
            SUM(e.state = 'reverted'),
            SUM(e.state = 'pending' AND e.kind LIKE 'region.%' AND e.region_id IS NOT NULL)
        FROM e LEFT JOIN users u ON u.name = e.user
        GROUP BY e.user
        UNION ALL
        SELECT name, role, 0, 0, 0, 0, 0 FROM users
        WHERE name NOT IN (SELECT DISTINCT user FROM events)
        ORDER BY 1
        """
    ).fetchall()
    return [summary_from_row(r) for r in rows]
