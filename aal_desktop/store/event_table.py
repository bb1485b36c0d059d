"""The review table's rows: only the columns it shows, as plain tuples, a page at a time.

Why not `Event` records: a page of 500 events built as pydantic models, with both JSON
snapshots parsed, cost ten times the SQL that read it (issue 16), while a screen shows 40
rows of short columns. A row here is a named tuple made straight from the SQL row; the
class before and after are read from the snapshot text only for rows that are shown.
"""

from __future__ import annotations

import dataclasses
import json
from itertools import repeat
from typing import Any, NamedTuple

from .db import Database
from .events import ORDER_COLUMNS, REVIEW_STATE_SQL, EventFilter, where_clause
from .json_text import loads


class EventRow(NamedTuple):
    """What the review table shows of one event (its snapshots stay JSON text)."""

    id: int
    at: str
    user: str
    kind: str
    change_type: str | None
    document_id: int | None
    page: int | None
    reason: str | None
    review: str
    original_json: str | None
    new_json: str | None

    def class_before(self) -> str:
        return _class_key(self.original_json)

    def class_after(self) -> str:
        return _class_key(self.new_json)


def _class_key(text: str | None) -> str:
    """The snapshot's class ('' when there is none, or the text is not readable JSON)."""
    if text is None:
        return ""
    try:
        snapshot: Any = loads(text)
    except json.JSONDecodeError:
        return ""
    return str(snapshot.get("class_key") or "") if isinstance(snapshot, dict) else ""


# Decisions are only 'accepted' or 'reverted' (a CHECK on reviews), so an event is pending
# exactly when it has no decision: one probe of reviews_event, not its latest decision.
PENDING_SQL = "NOT EXISTS (SELECT 1 FROM reviews r WHERE r.event_id = events.id)"


def where(flt: EventFilter | None) -> tuple[str, list[Any]]:
    """`events.where_clause` with 'pending' tested as PENDING_SQL: the same rows, and a
    filtered count (the review queue) about twice as fast on a big log."""
    flt = flt or EventFilter()
    if flt.review != "pending":
        return where_clause(flt)
    sql, params = where_clause(dataclasses.replace(flt, review=None))
    return sql + (" AND " if sql else " WHERE ") + PENDING_SQL, params


def count(db: Database, flt: EventFilter | None = None) -> int:
    """How many events a filter matches (what `events.count` answers)."""
    sql, params = where(flt)
    return int(db.conn.execute(f"SELECT COUNT(*) FROM events{sql}", params).fetchone()[0])


_COLUMNS = (
    f"id, at, user, kind, change_type, document_id, page, reason, {REVIEW_STATE_SQL}, original, new"
)


def rows(
    db: Database,
    flt: EventFilter | None = None,
    limit: int = 500,
    offset: int = 0,
    order: str = "id",
    descending: bool = False,
) -> list[EventRow]:
    """One page of the events a filter matches, in the order of `events.list_events`."""
    sql_where, params = where(flt)
    col = ORDER_COLUMNS.get(order, "id")
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_COLUMNS} FROM events{sql_where} "
        f"ORDER BY {col} {direction}, id {direction} LIMIT ? OFFSET ?"
    )
    found = db.conn.execute(sql, [*params, limit, offset]).fetchall()
    # what EventRow._make does, without a Python call per row (a fifth of the page's cost)
    return list(map(tuple.__new__, repeat(EventRow), found))
