"""Bring PDFs into a project safely, and track each document's workflow status."""

from __future__ import annotations

import atexit
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import NotFound, ValidationFailed
from ..core.records import DocStatus, Document, PageRecord, StatusChange
from ..pdf.worker import WorkerProcess
from ..store.blobs import sha256_file
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, Project

DOC_COLUMNS = (
    "id", "sha256", "filename", "original_path", "size", "page_count", "title", "source",
    "license", "encrypted", "imported_by", "imported_at", "status", "retired_at", "retired_by",
    "retired_reason",
)
LEAD_STATUSES = {DocStatus.approved, DocStatus.rejected}
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class ImportOutcome:
    """One line of an import report: imported, already present or rejected, and why."""

    path: Path
    status: str  # "imported" | "present" | "rejected"
    document_id: int | None = None
    pages: int | None = None
    sha256: str | None = None
    kind: str | None = None  # rejection kind from pdf.inspect
    reason: str | None = None

    def line(self) -> str:
        if self.status == "imported":
            return f"imported  {self.path}: document {self.document_id}, {self.pages} pages"
        if self.status == "present":
            return f"present   {self.path}: already present as document {self.document_id}"
        return f"rejected  {self.path}: {self.reason}"


def expand_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files as given; folders walked recursively for `*.pdf` (any case), sorted for stable runs."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(".pdf"):
                        yield Path(root) / f
        else:
            yield p


def _doc_from_row(values: Iterable[object]) -> Document:
    r = dict(zip(DOC_COLUMNS, values, strict=True))
    r["encrypted"] = bool(r["encrypted"])
    return Document.model_validate(r)


def find_by_sha(project: Project, sha256: str) -> Document | None:
    row = project.db.execute(
        f"SELECT {', '.join(DOC_COLUMNS)} FROM documents WHERE sha256 = ?", [sha256]
    ).fetchone()
    return None if row is None else _doc_from_row(row)


def import_paths(
    project: Project,
    paths: Iterable[Path | str],
    source: str | None = None,
    license: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[int, int, ImportOutcome], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportOutcome]:
    """Import files and folders; one bad file never stops or freezes the rest.

    Each file is opened and checked in a long-lived worker process with a time limit (some
    real files hang MuPDF); the worker is replaced when it hangs or dies.
    """
    files = list(expand_paths(paths))
    outcomes: list[ImportOutcome] = []
    with _IMPORT_LOCK:
        worker = _import_worker()
        for i, path in enumerate(files):
            if cancelled is not None and cancelled():
                break
            outcome = _import_one(project, worker, path, source, license, password, timeout)
            outcomes.append(outcome)
            if progress is not None:
                progress(i + 1, len(files), outcome)
    if any(o.status == "imported" for o in outcomes):
        project.notify(Change("document", tuple(o.document_id for o in outcomes
                                                 if o.status == "imported")))
    return outcomes


_IMPORT_LOCK = threading.Lock()
_WORKER: WorkerProcess | None = None


def _import_worker() -> WorkerProcess:
    """One long-lived checking process per app run (importing PyMuPDF costs ~1 s); it is
    replaced by WorkerProcess itself when a file hangs or crashes it."""
    global _WORKER
    if _WORKER is None:
        _WORKER = WorkerProcess("aal-import")
        atexit.register(_WORKER.close)
    return _WORKER


def _import_one(project: Project, worker: WorkerProcess, path: Path, source: str | None,
                license: str | None, password: str | None, timeout: float) -> ImportOutcome:
    from ..pdf.inspect import inspect_with_timeout

    if not path.exists():
        return ImportOutcome(path, "rejected", kind="missing", reason="no such file")
    if not path.is_file():
        return ImportOutcome(path, "rejected", kind="missing", reason="not a regular file")
    try:
        size = path.stat().st_size
        if size == 0:
            return ImportOutcome(path, "rejected", kind="empty", reason="empty file (0 bytes)")
        sha = sha256_file(path)
    except OSError as exc:
        return ImportOutcome(path, "rejected", kind="unreadable",
                             reason=f"cannot read the file ({exc.strerror})")
    existing = find_by_sha(project, sha)
    if existing is not None:
        return ImportOutcome(path, "present", existing.id, existing.page_count, sha)
    result = inspect_with_timeout(worker, str(path), password, timeout)
    if not result.ok:
        return ImportOutcome(path, "rejected", sha256=sha, kind=result.kind, reason=result.reason)
    # Blob first (atomic rename), then rows in one transaction: a kill in between leaves a
    # complete blob that the next import of the same bytes reuses, never a half row.
    if result.decrypted_pdf is not None:
        project.blobs.put_bytes(sha, result.decrypted_pdf)
    else:
        project.blobs.put_file(sha, path)
    now = now_iso()
    with transaction(project.db):
        cur = project.db.execute(
            "INSERT INTO documents (sha256, filename, original_path, size, page_count, title, "
            "source, license, encrypted, imported_by, imported_at, status) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [sha, path.name, str(path.resolve()), size, result.page_count, result.title, source,
             license, int(result.encrypted), project.user, now, DocStatus.todo.value],
        )
        doc_id = int(cur.lastrowid or 0)
        project.db.conn.executemany(
            "INSERT INTO pages (document_id, page, width, height, rotation, mediabox, cropbox) "
            "VALUES (?,?,?,?,?,?,?)", result.pages.rows(doc_id),
        )
        project.db.execute(
            "INSERT INTO document_status_changes (document_id, old_status, new_status, user, at, "
            "reason) VALUES (?,?,?,?,?,?)",
            [doc_id, None, DocStatus.todo.value, project.user, now, "imported"],
        )
    return ImportOutcome(path, "imported", doc_id, result.page_count, sha)


def _box_json(box: tuple[float, float, float, float]) -> str:
    """JSON of a box, spelled by hand: json.dumps per page was a tenth of a large import."""
    return "[" + ",".join(repr(float(v)) for v in box) + "]"


def list_documents(project: Project, status: DocStatus | str | None = None,
                   assignee: str | None = None, include_retired: bool = True) -> list[Document]:
    where, params = [], []
    if status:
        where.append("status = ?")
        params.append(DocStatus(status).value)
    if assignee:
        where.append("id IN (SELECT document_id FROM assignments WHERE user = ?)")
        params.append(assignee)
    if not include_retired:
        where.append("retired_at IS NULL")
    sql = f"SELECT {', '.join(DOC_COLUMNS)} FROM documents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_doc_from_row(r) for r in project.db.execute(sql + " ORDER BY id", params)]


def resolve(project: Project, ref: str | int) -> Document:
    """A document by id, or by a unique SHA-256 prefix of at least 8 hex digits."""
    text = str(ref).strip()
    cols = ", ".join(DOC_COLUMNS)
    if text.isdigit() and len(text) < 8:
        row = project.db.execute(f"SELECT {cols} FROM documents WHERE id = ?", [int(text)])
        found = row.fetchone()
        if found is None:
            raise NotFound(f"no document with id {text} (see `aal doc list`)")
        return _doc_from_row(found)
    if not re.fullmatch(r"[0-9a-fA-F]{8,64}", text):
        raise NotFound(f"'{text}' is neither a document id nor a SHA-256 prefix of 8+ hex digits")
    rows = project.db.execute(
        f"SELECT {cols} FROM documents WHERE sha256 LIKE ? LIMIT 2", [text.lower() + "%"]
    ).fetchall()
    if not rows:
        if text.isdigit():
            row = project.db.execute(f"SELECT {cols} FROM documents WHERE id = ?", [int(text)])
            found = row.fetchone()
            if found is not None:
                return _doc_from_row(found)
        raise NotFound(f"no document whose SHA-256 starts with {text}")
    if len(rows) > 1:
        raise NotFound(f"SHA-256 prefix {text} matches several documents; give more digits")
    return _doc_from_row(rows[0])


def pages(project: Project, document_id: int) -> list[PageRecord]:
    rows = project.db.execute(
        "SELECT document_id, page, width, height, rotation, mediabox, cropbox FROM pages "
        "WHERE document_id = ? ORDER BY page", [document_id]
    ).fetchall()
    return [PageRecord(document_id=d, page=p, width=w, height=h, rotation=r,
                       mediabox=tuple(json.loads(m)), cropbox=tuple(json.loads(c)))
            for d, p, w, h, r, m, c in rows]


def page(project: Project, document_id: int, page_number: int) -> PageRecord:
    """A page by 0-based number, with a clear error naming the valid range."""
    row = project.db.execute(
        "SELECT document_id, page, width, height, rotation, mediabox, cropbox FROM pages "
        "WHERE document_id = ? AND page = ?", [document_id, page_number]
    ).fetchone()
    if row is None:
        n = project.db.execute("SELECT page_count FROM documents WHERE id = ?",
                               [document_id]).fetchone()
        if n is None:
            raise NotFound(f"no document with id {document_id}")
        raise ValidationFailed(f"page {page_number + 1} does not exist: document {document_id} "
                               f"has pages 1-{n[0]}")
    d, p, w, h, r, m, c = row
    return PageRecord(document_id=d, page=p, width=w, height=h, rotation=r,
                      mediabox=tuple(json.loads(m)), cropbox=tuple(json.loads(c)))


def set_status(project: Project, ref: str | int, status: DocStatus | str,
               reason: str | None = None) -> Document:
    """Move a document through the workflow; approving or rejecting is for leads."""
    try:
        new = DocStatus(status)
    except ValueError:
        valid = ", ".join(s.value for s in DocStatus)
        raise ValidationFailed(f"unknown status '{status}'; use one of {valid}") from None
    if new in LEAD_STATUSES:
        project.require_lead(f"mark documents {new.value}")
    doc = resolve(project, ref)
    if doc.status == new:
        return doc
    with transaction(project.db):
        project.db.execute("UPDATE documents SET status = ? WHERE id = ?", [new.value, doc.id])
        project.db.execute(
            "INSERT INTO document_status_changes (document_id, old_status, new_status, user, at, "
            "reason) VALUES (?,?,?,?,?,?)",
            [doc.id, doc.status.value, new.value, project.user, now_iso(), reason],
        )
    project.notify(Change("document", (doc.id,), document_id=doc.id))
    return resolve(project, doc.id)


def status_history(project: Project, document_id: int) -> list[StatusChange]:
    rows = project.db.execute(
        "SELECT id, document_id, old_status, new_status, user, at, reason "
        "FROM document_status_changes WHERE document_id = ? ORDER BY id", [document_id]
    ).fetchall()
    keys = ("id", "document_id", "old_status", "new_status", "user", "at", "reason")
    return [StatusChange.model_validate(dict(zip(keys, r, strict=True))) for r in rows]


def region_counts(project: Project) -> dict[int, int]:
    """Live regions per document, for the documents panel."""
    rows = project.db.execute(
        "SELECT document_id, COUNT(*) FROM regions WHERE deleted = 0 GROUP BY document_id"
    ).fetchall()
    return {int(d): int(n) for d, n in rows}


def assign(project: Project, ref: str | int, users: Iterable[str]) -> None:
    """Give a document to annotators (several for double annotation); leads only."""
    project.require_lead("assign documents")
    doc = resolve(project, ref)
    names = list(users)
    with transaction(project.db):
        for name in names:
            if project.db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone() is None:
                raise NotFound(f"no user '{name}' (add them with `aal user add`)")
            project.db.execute(
                "INSERT OR IGNORE INTO assignments (document_id, user, assigned_by, assigned_at) "
                "VALUES (?,?,?,?)", [doc.id, name, project.user, now_iso()])
    project.notify(Change("document", (doc.id,), document_id=doc.id))


def assignees(project: Project, document_id: int) -> list[str]:
    rows = project.db.execute(
        "SELECT user FROM assignments WHERE document_id = ? ORDER BY user", [document_id]
    ).fetchall()
    return [r[0] for r in rows]
