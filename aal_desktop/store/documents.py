"""Queries on documents, pages, document_status_changes and assignments; rows become records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import document_list
from .db import Database

if TYPE_CHECKING:  # imported where rows become records: listing needs none (document_list)
    from ..core.records import Document, PageRecord, StatusChange

COLUMNS = document_list.COLUMNS  # one list: the Document fields, in order
SELECT = f"SELECT {', '.join(COLUMNS)} FROM documents"
PAGE_SELECT = "SELECT document_id, page, width, height, rotation, mediabox, cropbox FROM pages"
STATUS_CHANGE_COLUMNS = ("id", "document_id", "old_status", "new_status", "user", "at", "reason")

# A page as `insert_pages` takes it: number, width, height, rotation, mediabox, cropbox (JSON).
NewPage = tuple[int, float, float, int, str, str]


def from_row(values: Iterable[object]) -> Document:
    """A documents row as a `Document`."""
    from ..core.records import Document

    r = dict(zip(COLUMNS, values, strict=True))
    r["encrypted"] = bool(r["encrypted"])
    return Document.model_validate(r)


def page_from_row(row: Sequence[Any]) -> PageRecord:
    """A pages row as a `PageRecord` (boxes are stored as JSON arrays)."""
    import json  # with the records: listing documents reads no page boxes

    from ..core.records import PageRecord

    d, p, w, h, r, m, c = row
    return PageRecord(
        document_id=d,
        page=p,
        width=w,
        height=h,
        rotation=r,
        mediabox=tuple(json.loads(m)),
        cropbox=tuple(json.loads(c)),
    )


def status_change_from_row(row: Sequence[Any]) -> StatusChange:
    """A document_status_changes row as a `StatusChange`."""
    from ..core.records import StatusChange

    return StatusChange.model_validate(dict(zip(STATUS_CHANGE_COLUMNS, row, strict=True)))


# --- documents --------------------------------------------------------------------------------


def get(db: Database, document_id: int) -> Document | None:
    """The document with this id, or None."""
    row = db.conn.execute(f"{SELECT} WHERE id = ?", [document_id]).fetchone()
    return None if row is None else from_row(row)


def find_by_sha(db: Database, sha256: str) -> Document | None:
    """The document with exactly this SHA-256, or None."""
    row = db.conn.execute(f"{SELECT} WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else from_row(row)


def find_by_sha_prefix(db: Database, prefix: str, limit: int = 2) -> list[Document]:
    """Up to `limit` documents whose SHA-256 starts with `prefix` (lower-case hex)."""
    rows = db.conn.execute(
        f"{SELECT} WHERE sha256 LIKE ? LIMIT ?", [prefix + "%", limit]
    ).fetchall()
    return [from_row(r) for r in rows]


def list_documents(
    db: Database,
    status: str | None = None,
    assignee: str | None = None,
    include_retired: bool = True,
) -> list[Document]:
    """Documents in id order, filtered by status, assignee and retirement."""
    where, params = document_list.where(status, assignee, include_retired)
    return [from_row(r) for r in db.conn.execute(f"{SELECT}{where} ORDER BY id", params)]


def has_size(db: Database, size: int) -> bool:
    """Whether any document has exactly this many bytes (import: a file no document has
    the size of cannot be present, so it need not be hashed before it is checked)."""
    row = db.conn.execute("SELECT 1 FROM documents WHERE size = ? LIMIT 1", [size]).fetchone()
    return row is not None


def page_count(db: Database, document_id: int) -> int | None:
    """How many pages the document has, or None when there is no such document."""
    row = db.conn.execute("SELECT page_count FROM documents WHERE id = ?", [document_id]).fetchone()
    return None if row is None else int(row[0])


def status_of(db: Database, document_id: int) -> str | None:
    """The document's workflow status, or None when there is no such document."""
    row = db.conn.execute("SELECT status FROM documents WHERE id = ?", [document_id]).fetchone()
    return None if row is None else str(row[0])


def insert(
    db: Database,
    sha256: str,
    filename: str,
    original_path: str,
    size: int,
    page_count: int,
    title: str | None,
    source: str | None,
    license: str | None,
    encrypted: bool,
    imported_by: str,
    imported_at: str,
    status: str,
    document_id: int | None = None,
) -> int:
    """Add a documents row; returns its new id (`document_id`: a team member's copy keeps
    the lead's id)."""
    cur = db.conn.execute(
        "INSERT INTO documents (id, sha256, filename, original_path, size, page_count, title, "
        "source, license, encrypted, imported_by, imported_at, status) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            document_id,
            sha256,
            filename,
            original_path,
            size,
            page_count,
            title,
            source,
            license,
            int(encrypted),
            imported_by,
            imported_at,
            status,
        ],
    )
    return int(cur.lastrowid or 0)


def set_status(db: Database, document_id: int, status: str) -> None:
    """Write the document's workflow status (record the change with `add_status_change`)."""
    db.conn.execute("UPDATE documents SET status = ? WHERE id = ?", [status, document_id])


# --- pages ------------------------------------------------------------------------------------


def insert_pages(db: Database, document_id: int, pages: Iterable[NewPage]) -> None:
    """Add the pages rows of a new document in one statement."""
    db.conn.executemany(
        "INSERT INTO pages (document_id, page, width, height, rotation, mediabox, cropbox) "
        "VALUES (?,?,?,?,?,?,?)",
        [(document_id, *p) for p in pages],
    )


def insert_page_rows(db: Database, rows: Sequence[Sequence[Any]]) -> None:
    """Add pages rows already laid out as (document_id, page, width, height, rotation,
    mediabox, cropbox): a long document's geometry arrives packed, not as objects."""
    db.conn.executemany(
        "INSERT INTO pages (document_id, page, width, height, rotation, mediabox, cropbox) "
        "VALUES (?,?,?,?,?,?,?)",
        rows,
    )


# One statement a run of equal pages: the page numbers come from a counting CTE, so a
# 1000-page document of one page size is one INSERT, not a thousand rows built in Python.
_RUN_INSERT = (
    "WITH RECURSIVE n(page) AS (SELECT ? UNION ALL SELECT page + 1 FROM n WHERE page < ?) "
    "INSERT INTO pages (document_id, page, width, height, rotation, mediabox, cropbox) "
    "SELECT ?, page, ?, ?, ?, ?, ? FROM n"
)


def insert_page_runs(
    db: Database, document_id: int, runs: Iterable[tuple[int, int, float, float, int, str, str]]
) -> None:
    """Add a new document's pages rows from runs of consecutive pages that share their
    geometry: (first page, count, width, height, rotation, mediabox, cropbox as JSON)."""
    single: list[tuple[Any, ...]] = []
    for first, count, *geometry in runs:
        if count == 1:
            single.append((document_id, first, *geometry))
        elif count > 1:
            db.conn.execute(_RUN_INSERT, (first, first + count - 1, document_id, *geometry))
    if single:
        insert_page_rows(db, single)


def list_pages(db: Database, document_id: int) -> list[PageRecord]:
    """The document's pages in page order."""
    rows = db.conn.execute(
        f"{PAGE_SELECT} WHERE document_id = ? ORDER BY page", [document_id]
    ).fetchall()
    return [page_from_row(r) for r in rows]


def get_page(db: Database, document_id: int, page: int) -> PageRecord | None:
    """One page by 0-based number, or None."""
    row = db.conn.execute(
        f"{PAGE_SELECT} WHERE document_id = ? AND page = ?", [document_id, page]
    ).fetchone()
    return None if row is None else page_from_row(row)


# --- status changes ---------------------------------------------------------------------------


def add_status_change(
    db: Database,
    document_id: int,
    old_status: str | None,
    new_status: str,
    user: str,
    at: str,
    reason: str | None,
) -> None:
    """Append one row to the document's status history."""
    db.conn.execute(
        "INSERT INTO document_status_changes (document_id, old_status, new_status, user, at, "
        "reason) VALUES (?,?,?,?,?,?)",
        [document_id, old_status, new_status, user, at, reason],
    )


def start(db: Database, document_id: int, user: str, at: str, reason: str) -> None:
    """Move a todo document to in_progress and record why, in the caller's transaction."""
    set_status(db, document_id, "in_progress")
    add_status_change(db, document_id, "todo", "in_progress", user, at, reason)


def status_history(db: Database, document_id: int) -> list[StatusChange]:
    """The document's status changes, oldest first."""
    rows = db.conn.execute(
        f"SELECT {', '.join(STATUS_CHANGE_COLUMNS)} FROM document_status_changes "
        "WHERE document_id = ? ORDER BY id",
        [document_id],
    ).fetchall()
    return [status_change_from_row(r) for r in rows]


# --- assignments ------------------------------------------------------------------------------


def assign(db: Database, document_id: int, user: str, assigned_by: str, at: str) -> None:
    """Give the document to a user; assigning twice keeps the first row."""
    db.conn.execute(
        "INSERT OR IGNORE INTO assignments (document_id, user, assigned_by, assigned_at) "
        "VALUES (?,?,?,?)",
        [document_id, user, assigned_by, at],
    )


def assignees(db: Database, document_id: int) -> list[str]:
    """Users the document is assigned to, by name."""
    rows = db.conn.execute(
        "SELECT user FROM assignments WHERE document_id = ? ORDER BY user", [document_id]
    ).fetchall()
    return [r[0] for r in rows]
