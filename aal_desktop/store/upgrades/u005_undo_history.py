"""Undo history kept in the project (like Anki's collection), so `aal undo` works across runs.

One row per user action (a gesture): the events it wrote, in order, and, parallel to them,
the event the next undo or redo takes back (the original at first, then the undo's own
event, then the redo's). `state` says where the step stands on its user's stack; a new
step drops that user's undone steps, as every editor's redo does. This is bookkeeping, not
the record: the event log stays the truth, so rows here are updated freely.
"""

VERSION = 5
NAME = "undo_history"
SQL = """
CREATE TABLE history_steps (
    id INTEGER PRIMARY KEY,
    user TEXT NOT NULL,
    label TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('done', 'undone', 'dropped')),
    event_ids TEXT NOT NULL,
    current_ids TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX history_steps_user_state ON history_steps (user, state, id);
"""
