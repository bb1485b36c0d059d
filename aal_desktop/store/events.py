"""The append-only, hash-chained event log (DESIGN.md invariant 3).

Rows are never updated or deleted (triggers refuse it). Each row's hash covers its content
and the previous row's hash, so an edit made behind the app's back breaks the chain at
that row, and `verify_chain` names it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core.audit import ChainReport, EventFilter
from ..core.errors import ValidationFailed
from ..core.event_chain import EVENT_FIELDS, GENESIS, HASHED_FIELDS, chain_hash
from . import json_text
from .db import Database, in_chunks

# Team merge replays a member's event as her, at her time, keeping her event's hash: while
# `replaying` is active, now_iso() answers her time and append() stores her hash.
_REPLAY: ContextVar[tuple[str, str] | None] = ContextVar("aal_replay", default=None)


@contextlib.contextmanager
def replaying(at: str, source_hash: str) -> Iterator[None]:
    """Events appended inside carry `at` as their time and `source_hash` as provenance."""
    token = _REPLAY.set((at, source_hash))
    try:
        yield
    finally:
        _REPLAY.reset(token)


def now_iso() -> str:
    """UTC time with microseconds: sortable as text and unambiguous across machines."""
    replay = _REPLAY.get()
    if replay is not None:
        return replay[0]
    return datetime.now(UTC).isoformat(timespec="microseconds")


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> str | None:
    """The one JSON spelling of a value used in events, so hashes are reproducible.

    NaN and infinity are refused (see store/json_text.py)."""
    if value is None:
        return None
    try:
        return _CANONICAL.encode(value)
    except ValueError:  # NaN or infinity: SQLite's JSON functions could never read it back
        raise ValidationFailed(
            "a value to store is not a finite number (NaN or infinity); only finite numbers "
            "can be saved"
        ) from None


json_field = json_text.field


def event_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The row's hash; `source_hash` (provenance of a replayed event) counts only when set,
    so rows written before it existed keep their hashes."""
    values = [row.get(f) for f in HASHED_FIELDS]
    if row.get("source_hash") is not None:
        values.append(row["source_hash"])
    return chain_hash(prev_hash, values)


@dataclass(frozen=True)
class NewEvent:
    """What a service says happened; the log adds id, time, chain hashes."""

    kind: str
    user: str
    change_type: str | None = None
    region_id: str | None = None
    document_id: int | None = None
    page: int | None = None
    original: Any = None
    new: Any = None
    reason: str | None = None
    schema_version: int | None = None
    guideline_version: str | None = None
    batch: str | None = None
    reverts: int | None = None


def last_hash(db: Database) -> tuple[int, str]:
    row = db.conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


_INSERT = (
    f"INSERT INTO events ({', '.join((*HASHED_FIELDS, 'prev_hash', 'hash'))}) "
    f"VALUES ({', '.join('?' for _ in range(len(HASHED_FIELDS) + 2))})"
)
_INSERT_REPLAYED = (
    f"INSERT INTO events ({', '.join((*HASHED_FIELDS, 'source_hash', 'prev_hash', 'hash'))}) "
    f"VALUES ({', '.join('?' for _ in range(len(HASHED_FIELDS) + 3))})"
)


def append(db: Database, event: NewEvent, at: str | None = None) -> int:
    """Append one event; call inside the transaction that writes the state it describes.

    The row is built as one list in HASHED_FIELDS order, hashed and inserted as it is: an
    edit pays for this on every commit.
    """
    prev_id, prev = last_hash(db)
    values: list[Any] = [
        prev_id + 1,
        at or now_iso(),
        event.user,
        event.kind,
        event.change_type,
        event.region_id,
        event.document_id,
        event.page,
        canonical_json(event.original),
        canonical_json(event.new),
        event.reason or None,
        event.schema_version,
        event.guideline_version,
        event.batch,
        event.reverts,
    ]
    replay = _REPLAY.get()
    if replay is None:
        db.conn.execute(_INSERT, [*values, prev, chain_hash(prev, values)])
    else:  # a member's event merged by the lead: her event's hash is kept as provenance
        hashed = [*values, replay[1]]
        db.conn.execute(_INSERT_REPLAYED, [*hashed, prev, chain_hash(prev, hashed)])
    return prev_id + 1


def verify_chain(db: Database, batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in order; report the first row that does not match."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    names = (*HASHED_FIELDS, "source_hash", "prev_hash", "hash")
    cols = ", ".join(names)
    last_id = 0
    while True:
        rows = db.conn.execute(
            f"SELECT {cols} FROM events WHERE id > ? ORDER BY id LIMIT ?", [last_id, batch_size]
        ).fetchall()
        if not rows:
            break
        for values in rows:
            row = dict(zip(names, values, strict=True))
            rid = int(row["id"])
            if rid != expected_id:
                return ChainReport(
                    False, checked, rid, f"event {expected_id} is missing (next found is {rid})"
                )
            if row["prev_hash"] != prev:
                return ChainReport(
                    False,
                    checked,
                    rid,
                    f"event {rid} does not follow event {rid - 1} (chain broken)",
                )
            if event_hash(prev, row) != row["hash"]:
                return ChainReport(
                    False,
                    checked,
                    rid,
                    f"event {rid} was altered after it was written (hash mismatch)",
                )
            prev = row["hash"]
            expected_id += 1
            checked += 1
            last_id = rid
    seq = db.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    if seq is not None and int(seq[0]) > last_id:
        return ChainReport(
            False, checked, last_id + 1, f"events after {last_id} up to {seq[0]} were removed"
        )
    return ChainReport(True, checked)


# --- reading the log -----------------------------------------------------------------------

EVENT_COLUMNS = EVENT_FIELDS
REVIEW_STATE_SQL = (
    "COALESCE((SELECT decision FROM reviews r WHERE r.event_id = events.id "
    "ORDER BY r.id DESC LIMIT 1), 'pending')"
)


def where_clause(flt: EventFilter) -> tuple[str, list[Any]]:
    """The filter as an SQL WHERE clause (empty when it matches every event) and its values."""
    clauses: list[str] = []
    params: list[Any] = []
    if flt.user:
        clauses.append("user = ?")
        params.append(flt.user)
    if flt.kind:
        if flt.kind.endswith("."):
            clauses.append("kind LIKE ?")
            params.append(flt.kind + "%")
        else:
            clauses.append("kind = ?")
            params.append(flt.kind)
    if flt.change_type:
        clauses.append("change_type = ?")
        params.append(flt.change_type)
    if flt.document_id is not None:
        clauses.append("document_id = ?")
        params.append(flt.document_id)
    if flt.region_id:
        clauses.append("region_id = ?")
        params.append(flt.region_id)
    if flt.since:
        clauses.append("at >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("at < ?")
        params.append(flt.until)
    if flt.class_before:
        clauses.append(f"{json_field('original', '$.class_key')} = ?")
        params.append(flt.class_before)
    if flt.class_after:
        clauses.append(f"{json_field('new', '$.class_key')} = ?")
        params.append(flt.class_after)
    if flt.review:
        clauses.append(f"{REVIEW_STATE_SQL} = ?")
        params.append(flt.review)
    if flt.batch:
        clauses.append("batch = ?")
        params.append(flt.batch)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


# What `list_events` may order by (the review table sorts by any of its columns): name -> SQL.
ORDER_COLUMNS = {
    **{
        c: c
        for c in (
            "id",
            "at",
            "user",
            "kind",
            "change_type",
            "document_id",
            "region_id",
            "page",
            "reason",
        )
    },
    "class_before": json_field("original", "$.class_key"),
    "class_after": json_field("new", "$.class_key"),
    "review": REVIEW_STATE_SQL,
}


def _event_from_row(values: Any) -> Any:
    from ..core.records import Event

    r = dict(zip((*EVENT_COLUMNS, "review"), values, strict=True))
    r["original"] = json_text.loads(r["original"]) if r["original"] is not None else None
    r["new"] = json_text.loads(r["new"]) if r["new"] is not None else None
    return Event.model_validate(r)


def list_events(
    db: Database,
    flt: EventFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
    order: str = "id",
    descending: bool = False,
) -> list[Any]:
    """Events matching a filter, with their review state, in a stable order.

    `order` is a key of ORDER_COLUMNS (anything else orders by id); ties go by id.
    """
    flt = flt or EventFilter()
    where, params = where_clause(flt)
    col = ORDER_COLUMNS.get(order, "id")
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {', '.join(EVENT_COLUMNS)}, {REVIEW_STATE_SQL} FROM events{where} "
        f"ORDER BY {col} {direction}, id {direction}"
    )
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return [_event_from_row(r) for r in db.conn.execute(sql, params).fetchall()]


def count(db: Database, flt: EventFilter | None = None) -> int:
    where, params = where_clause(flt or EventFilter())
    return int(db.conn.execute(f"SELECT COUNT(*) FROM events{where}", params).fetchone()[0])


def get(db: Database, event_id: int) -> Any:
    rows = db.conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)}, {REVIEW_STATE_SQL} FROM events WHERE id = ?",
        [event_id],
    ).fetchall()
    return _event_from_row(rows[0]) if rows else None


def get_many(db: Database, event_ids: Sequence[int]) -> dict[int, Any]:
    """The events of these ids that exist, by id: one read a chunk of 500 (an undo step of
    thousands of regions reads its events at once)."""
    out: dict[int, Any] = {}
    for chunk, marks in in_chunks(list(dict.fromkeys(event_ids))):
        sql = f"SELECT {', '.join(EVENT_COLUMNS)}, {REVIEW_STATE_SQL} FROM events WHERE id IN "
        for row in db.conn.execute(f"{sql}({marks})", chunk).fetchall():
            event = _event_from_row(row)
            out[event.id] = event
    return out


def distinct_users(db: Database) -> list[str]:
    """Everyone who wrote an event, by name."""
    return [
        str(r[0])
        for r in db.conn.execute("SELECT DISTINCT user FROM events ORDER BY user").fetchall()
    ]


def model_region_events(
    db: Database, document_ids: Sequence[int], as_of_event: int | None = None
) -> list[tuple[str, str, str | None]]:
    """(region id, kind, new JSON) of every event on model-made regions of these documents,
    in log order, up to an event id (None: all)."""
    marks = ",".join("?" for _ in document_ids)
    sql = (
        "SELECT e.region_id, e.kind, e.new FROM events e JOIN regions r ON r.id = e.region_id "
        f"WHERE r.origin = 'model' AND r.document_id IN ({marks})"
        + (" AND e.id <= ?" if as_of_event is not None else "")
        + " ORDER BY e.id"
    )
    params: list[Any] = [*document_ids, *([as_of_event] if as_of_event is not None else [])]
    return [(r[0], r[1], r[2]) for r in db.conn.execute(sql, params).fetchall()]
