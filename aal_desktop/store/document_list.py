"""The document list (`aal doc list`): documents as light rows, and their region counts.

Why not `Document` records: listing 200 documents is a few milliseconds of SQL, while
importing the pydantic records costs a quarter of a second before the first row; a cold
`aal doc list` paid ten times the SQL for it (issue 16). A row here is a named tuple of
the documents columns, in the order of the `Document` record's fields.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .db import Database


class DocumentRow(NamedTuple):
    """A documents row as it is stored (`encrypted` as a bool, `status` as its word)."""

    id: int
    sha256: str
    filename: str
    original_path: str
    size: int
    page_count: int
    title: str | None
    source: str | None
    license: str | None
    encrypted: bool
    imported_by: str
    imported_at: str
    status: str
    retired_at: str | None
    retired_by: str | None
    retired_reason: str | None


COLUMNS = DocumentRow._fields
_ENCRYPTED = COLUMNS.index("encrypted")


def where(
    status: str | None = None, assignee: str | None = None, include_retired: bool = True
) -> tuple[str, list[Any]]:
    """The WHERE clause (with its leading space, or '') of a documents listing."""
    clauses, params = [], []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if assignee:
        clauses.append("id IN (SELECT document_id FROM assignments WHERE user = ?)")
        params.append(assignee)
    if not include_retired:
        clauses.append("retired_at IS NULL")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def rows(
    db: Database,
    status: str | None = None,
    assignee: str | None = None,
    include_retired: bool = True,
) -> list[DocumentRow]:
    """Documents in id order, filtered like `documents.list_documents`."""
    sql, params = where(status, assignee, include_retired)
    found = db.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM documents{sql} ORDER BY id", params)
    out = []
    for r in found:
        values = list(r)
        values[_ENCRYPTED] = bool(values[_ENCRYPTED])
        out.append(DocumentRow(*values))
    return out


def live_region_counts(db: Database) -> dict[int, int]:
    """How many live (not deleted) regions each document has."""
    found = db.conn.execute(
        "SELECT document_id, COUNT(*) FROM regions WHERE deleted = 0 GROUP BY document_id"
    )
    return {int(d): int(n) for d, n in found}
