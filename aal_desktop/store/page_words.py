"""Queries on page_words: the words of a page, extracted once and kept (PDFs never change)."""

from __future__ import annotations

import json
from typing import Any

from .db import Database

# A word as stored: x0, y0, x1, y1, text, block, line, index.
WordRow = list[Any]


def from_row(payload: str) -> list[WordRow]:
    """A page_words row's JSON as the list of stored words."""
    return list(json.loads(payload))


def get(db: Database, document_id: int, page: int) -> list[WordRow] | None:
    """The stored words of a page, or None when they were never extracted."""
    row = db.conn.execute(
        "SELECT words FROM page_words WHERE document_id = ? AND page = ?", [document_id, page]
    ).fetchone()
    return None if row is None else from_row(row[0])


def exists(db: Database, document_id: int, page: int) -> bool:
    row = db.conn.execute(
        "SELECT 1 FROM page_words WHERE document_id = ? AND page = ?", [document_id, page]
    ).fetchone()
    return row is not None


def put(db: Database, document_id: int, page: int, words: list[WordRow]) -> None:
    """Store (or replace) the words of a page."""
    payload = json.dumps(words, separators=(",", ":"))
    db.conn.execute(
        "INSERT OR REPLACE INTO page_words (document_id, page, words) VALUES (?,?,?)",
        [document_id, page, payload],
    )
