"""Queries on the history_steps table (undo/redo bookkeeping); rows become `StepRow`s here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .db import Database

COLUMNS = ("id", "user", "label", "state", "event_ids", "current_ids", "created_at", "updated_at")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM history_steps"


@dataclass(frozen=True)
class StepRow:
    """One recorded user action: its events and the events the next undo/redo takes back."""

    id: int
    user: str
    label: str
    state: str  # done / undone / dropped
    event_ids: tuple[int, ...]
    current_ids: tuple[int, ...]
    created_at: str
    updated_at: str


def _from_row(values: Sequence[Any]) -> StepRow:
    r = dict(zip(COLUMNS, values, strict=True))
    return StepRow(
        id=int(r["id"]),
        user=r["user"],
        label=r["label"],
        state=r["state"],
        event_ids=tuple(json.loads(r["event_ids"])),
        current_ids=tuple(json.loads(r["current_ids"])),
        created_at=r["created_at"],
        updated_at=r["updated_at"],
    )


def insert(db: Database, user: str, label: str, event_ids: Sequence[int], at: str) -> int:
    """Record a new done step; the user's undone steps can no longer be redone."""
    db.conn.execute(
        "UPDATE history_steps SET state = 'dropped', updated_at = ? "
        "WHERE user = ? AND state = 'undone'",
        [at, user],
    )
    ids = json.dumps(list(event_ids))
    cur = db.conn.execute(
        "INSERT INTO history_steps (user, label, state, event_ids, current_ids, created_at, "
        "updated_at) VALUES (?, ?, 'done', ?, ?, ?, ?)",
        [user, label, ids, ids, at, at],
    )
    return int(cur.lastrowid or 0)


def extend(db: Database, step_id: int, event_ids: Sequence[int], at: str) -> bool:
    """Add more events of the same gesture to a step recorded moments ago; False if that
    step is gone (its transaction rolled back)."""
    step = get(db, step_id)
    if step is None:
        return False
    ids = json.dumps([*step.event_ids, *event_ids])
    db.conn.execute(
        "UPDATE history_steps SET event_ids = ?, current_ids = ?, updated_at = ? WHERE id = ?",
        [ids, ids, at, step_id],
    )
    return True


def set_state(db: Database, step_id: int, state: str, current_ids: Sequence[int], at: str) -> None:
    db.conn.execute(
        "UPDATE history_steps SET state = ?, current_ids = ?, updated_at = ? WHERE id = ?",
        [state, json.dumps(list(current_ids)), at, step_id],
    )


def get(db: Database, step_id: int) -> StepRow | None:
    row = db.conn.execute(f"{SELECT} WHERE id = ?", [step_id]).fetchone()
    return None if row is None else _from_row(row)


def newest_done(db: Database, user: str) -> StepRow | None:
    """The step `undo` takes back next: the user's newest one still done."""
    row = db.conn.execute(
        f"{SELECT} WHERE user = ? AND state = 'done' ORDER BY id DESC LIMIT 1", [user]
    ).fetchone()
    return None if row is None else _from_row(row)


def oldest_undone(db: Database, user: str) -> StepRow | None:
    """The step `redo` brings back next: the user's oldest undone one (undone steps are
    always the top of the stack, since a new step drops them)."""
    row = db.conn.execute(
        f"{SELECT} WHERE user = ? AND state = 'undone' ORDER BY id LIMIT 1", [user]
    ).fetchone()
    return None if row is None else _from_row(row)


def relabel(db: Database, step_id: int, label: str) -> None:
    db.conn.execute("UPDATE history_steps SET label = ? WHERE id = ?", [label, step_id])
