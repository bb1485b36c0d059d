"""Bring PDFs into a project safely, and track each document's workflow status."""

from __future__ import annotations

import _thread
import atexit
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..core.enums import DocStatus
from ..core.errors import NotFound, ValidationFailed
from ..core.wording import plural
from ..store import document_list
from ..store import documents as document_rows
from ..store import users as user_rows
from ..store.blobs import sha256_file
from ..store.db import transaction
from ..store.document_list import DocumentRow as DocumentRow
from ..store.sqlite_errors import DatabaseUnavailable
from .project import Change, ChangeKind, Project

# Imported where they are used: `aal doc list` (this module's commands are registered
# for it) must not pay for the pydantic records or the PDF worker processes.
if TYPE_CHECKING:
    from ..core.records import Document, PageRecord, StatusChange
    from ..pdf.worker import WorkerProcess


def _now() -> str:
    """The event log's clock, imported on a write: a listing never loads the log module."""
    from ..store.events import now_iso

    return now_iso()


DOC_COLUMNS = document_rows.COLUMNS  # services.versions reads it until its SQL moves to store
LEAD_STATUSES = {DocStatus.approved, DocStatus.rejected}
DEFAULT_TIMEOUT = 20.0


class ImportOutcome(NamedTuple):
    """One line of an import report: imported, already present, rejected, or failed (the
    project database could not take it, which stops the import), and why."""

    path: Path
    status: str  # "imported" | "present" | "rejected" | "failed"
    document_id: int | None = None
    pages: int | None = None
    sha256: str | None = None
    kind: str | None = None  # rejection kind from pdf.inspect
    reason: str | None = None
    not_tried: int = 0  # "failed": the files after this one, not attempted

    def line(self) -> str:
        if self.status == "failed":
            return f"failed    {self.path}: {self.reason}"
        if self.status == "imported":
            return (
                f"imported  {self.path}: document {self.document_id}, "
                f"{plural(self.pages or 0, 'page')}"
            )
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


def find_by_sha(project: Project, sha256: str) -> Document | None:
    return document_rows.find_by_sha(project.db, sha256)


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
    if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
        raise ValidationFailed(f"--timeout must be a positive number of seconds, not {timeout}")
    files = list(expand_paths(paths))
    outcomes: list[ImportOutcome] = []
    with _IMPORT_LOCK:
        worker = _import_worker()
        for i, path in enumerate(files):
            if cancelled is not None and cancelled():
                break
            try:
                outcome = _import_one(project, worker, path, source, license, password, timeout)
            except DatabaseUnavailable as exc:
                # the destination failed (full disk, read-only): every later file would too
                outcome = ImportOutcome(
                    path, "failed", kind="database", reason=str(exc), not_tried=len(files) - i - 1
                )
            outcomes.append(outcome)
            if progress is not None:
                progress(i + 1, len(files), outcome)
            if outcome.status == "failed":
                break
    if any(o.status == "imported" for o in outcomes):
        project.notify(
            Change(
                ChangeKind.document,
                tuple(o.document_id for o in outcomes if o.status == "imported"),
            )
        )
    return outcomes


_IMPORT_LOCK = _thread.allocate_lock()  # threading.Lock itself, without importing threading
_WORKER: WorkerProcess | None = None


def _import_worker() -> WorkerProcess:
    """One long-lived checking process per app run (importing PyMuPDF costs ~1 s); it is
    replaced by WorkerProcess itself when a file hangs or crashes it."""
    from ..pdf.worker import WorkerProcess

    global _WORKER
    if _WORKER is None:
        _WORKER = WorkerProcess("aal-import")
        atexit.register(_WORKER.close)
    return _WORKER


def _import_one(
    project: Project,
    worker: WorkerProcess,
    path: Path,
    source: str | None,
    license: str | None,
    password: str | None,
    timeout: float,
) -> ImportOutcome:
    from ..pdf.inspect import inspect_with_timeout
    from ..pdf.worker import WorkerError

    if not path.exists():
        return ImportOutcome(path, "rejected", kind="missing", reason="no such file")
    if not path.is_file():
        return ImportOutcome(path, "rejected", kind="missing", reason="not a regular file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _unreadable(path, exc)
    if size == 0:
        return ImportOutcome(path, "rejected", kind="empty", reason="empty file (0 bytes)")
    # The worker checks the file while this process copies it into the blob store (and
    # fsyncs it): on a long document the two take about as long. The copy becomes the
    # blob only if the file passes. A large file no document has the size of cannot be
    # present (same bytes, same size), so it is hashed during the check too.
    if size >= HASH_WHILE_CHECKING and not document_rows.has_size(project.db, size):
        background = _Background(project, path, None)
    else:
        try:
            sha = sha256_file(path)
        except OSError as exc:
            return _unreadable(path, exc)
        existing = find_by_sha(project, sha)
        if existing is not None:
            return ImportOutcome(path, "present", existing.id, existing.page_count, sha)
        background = _Background(project, path, sha)
    try:
        result = inspect_with_timeout(worker, str(path), password, timeout)
    except WorkerError:
        background.discard()  # the worker could not read what was hashed, or the reverse
        if isinstance(background.hash_error, OSError):
            return _unreadable(path, background.hash_error)
        raise
    except BaseException:
        background.discard()
        raise
    background.join()
    if background.hash_error is not None:  # hashing failed after the worker's read
        background.discard()
        if isinstance(background.hash_error, OSError):
            return _unreadable(path, background.hash_error)
        raise background.hash_error
    sha = background.sha256()
    existing = find_by_sha(project, sha)  # (when hashed in the background: another import)
    if existing is not None or not result.ok or result.decrypted_pdf is not None:
        background.discard()  # a refused file leaves no blob; a decrypted one is stored as such
    if existing is not None:
        return ImportOutcome(path, "present", existing.id, existing.page_count, sha)
    if not result.ok:
        return ImportOutcome(path, "rejected", sha256=sha, kind=result.kind, reason=result.reason)
    # Blob first (atomic rename), then rows in one transaction: a kill in between leaves a
    # complete blob that the next import of the same bytes reuses, never a half row.
    if result.decrypted_pdf is not None:
        project.blobs.put_bytes(sha, result.decrypted_pdf)
    else:
        staged = background.staged()  # its OSError is raised here, as put_file's was
        if staged is not None:
            project.blobs.adopt(sha, staged)
    now = _now()
    with transaction(project.db):
        doc_id = document_rows.insert(
            project.db,
            sha,
            path.name,
            str(path.resolve()),
            size,
            result.page_count,
            result.title,
            source,
            license,
            bool(result.encrypted),
            project.user,
            now,
            DocStatus.todo.value,
        )
        document_rows.insert_page_runs(project.db, doc_id, result.pages.runs())
        document_rows.add_status_change(
            project.db, doc_id, None, DocStatus.todo.value, project.user, now, "imported"
        )
    return ImportOutcome(path, "imported", doc_id, result.page_count, sha)


HASH_WHILE_CHECKING = 1 << 20
"""From this size, a file no document has the size of is hashed while it is checked
(below it, hashing takes under a millisecond: not worth a wasted check of a present file)."""


def _unreadable(path: Path, exc: OSError) -> ImportOutcome:
    return ImportOutcome(
        path, "rejected", kind="unreadable", reason=f"cannot read the file ({exc.strerror})"
    )


class _Background:
    """While the worker checks the file, in threads: copy it under a temporary name in the
    blob store (`BlobStore.stage_file`) and, unless its SHA-256 is given, hash it."""

    def __init__(self, project: Project, source: Path, sha256: str | None) -> None:
        import threading  # here: `aal doc list` loads no threads

        self._blobs, self._source, self._sha = project.blobs, source, sha256
        self._staged: Path | None = None
        self.hash_error: BaseException | None = None
        self._copy_error: BaseException | None = None
        self._threads = [threading.Thread(target=self._copy, args=(sha256,), daemon=True)]
        if sha256 is None:
            self._threads.append(threading.Thread(target=self._hash, daemon=True))
        for thread in self._threads:
            thread.start()

    def _hash(self) -> None:
        try:
            self._sha = sha256_file(self._source)
        except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
            self.hash_error = exc

    def _copy(self, sha256: str | None) -> None:
        try:
            self._staged = self._blobs.stage_file(self._source, sha256)
        except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
            self._copy_error = exc

    def join(self) -> None:
        """Wait for the copy and the hash (quick beside the check, which ran meanwhile)."""
        for thread in self._threads:
            thread.join()

    def sha256(self) -> str:
        """The file's SHA-256 (check `hash_error` first)."""
        self.join()
        assert self._sha is not None, "hash_error is checked first"
        return self._sha

    def staged(self) -> Path | None:
        """The staged copy (None: the blob was already there); raises the copy's error."""
        self.join()
        if self._copy_error is not None:
            raise self._copy_error
        return self._staged

    def discard(self) -> None:
        """Wait for the threads and remove the copy (a failed copy removed its own)."""
        self.join()
        if self._staged is not None:
            self._staged.unlink(missing_ok=True)
            self._staged = None


def _box_json(box: tuple[float, float, float, float]) -> str:
    """JSON of a box, spelled by hand: json.dumps per page was a tenth of a large import."""
    return "[" + ",".join(repr(float(v)) for v in box) + "]"


def list_documents(
    project: Project,
    status: DocStatus | str | None = None,
    assignee: str | None = None,
    include_retired: bool = True,
) -> list[Document]:
    return document_rows.list_documents(
        project.db, DocStatus(status).value if status else None, assignee, include_retired
    )


def resolve(project: Project, ref: str | int) -> Document:
    """A document by id, or by a unique SHA-256 prefix of at least 8 hex digits."""
    text = str(ref).strip()
    if text.isdigit() and len(text) < 8:
        found = document_rows.get(project.db, int(text))
        if found is None:
            raise NotFound(f"no document with id {text} (see `aal doc list`)")
        return found
    if not re.fullmatch(r"[0-9a-fA-F]{8,64}", text):
        raise NotFound(f"'{text}' is neither a document id nor a SHA-256 prefix of 8+ hex digits")
    docs = document_rows.find_by_sha_prefix(project.db, text.lower(), limit=2)
    if not docs:
        if text.isdigit():
            found = document_rows.get(project.db, int(text))
            if found is not None:
                return found
        raise NotFound(f"no document whose SHA-256 starts with {text}")
    if len(docs) > 1:
        raise NotFound(f"SHA-256 prefix {text} matches several documents; give more digits")
    return docs[0]


def pages(project: Project, document_id: int) -> list[PageRecord]:
    return document_rows.list_pages(project.db, document_id)


def page(project: Project, document_id: int, page_number: int) -> PageRecord:
    """A page by 0-based number, with a clear error naming the valid range."""
    found = document_rows.get_page(project.db, document_id, page_number)
    if found is None:
        n = document_rows.page_count(project.db, document_id)
        if n is None:
            raise NotFound(f"no document with id {document_id}")
        raise ValidationFailed(
            f"page {page_number + 1} does not exist: document {document_id} has pages 1-{n}"
        )
    return found


def set_status(
    project: Project, ref: str | int, status: DocStatus | str, reason: str | None = None
) -> Document:
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
    if doc.status == DocStatus.approved:  # an approved document is closed to annotators
        project.require_lead(f"reopen approved document {doc.id}")
    with transaction(project.db):
        if new == DocStatus.approved:
            _require_reviewed(project, doc.id)
        document_rows.set_status(project.db, doc.id, new.value)
        document_rows.add_status_change(
            project.db, doc.id, doc.status.value, new.value, project.user, _now(), reason
        )
    project.notify(Change(ChangeKind.document, (doc.id,), document_id=doc.id))
    return resolve(project, doc.id)


def _require_reviewed(project: Project, document_id: int) -> None:
    """Approving says "this is the truth to ship": refused while a proposal is pending or
    several people annotated it and nobody adjudicated (core.reviewed)."""
    from ..core.reviewed import reviewed_set
    from ..store import regions as region_rows

    problem = reviewed_set(
        document_id, region_rows.live_regions_of(project.db, [document_id])
    ).problem()
    if problem:
        raise ValidationFailed(f"document {document_id} cannot be approved: {problem}")


def status_history(project: Project, document_id: int) -> list[StatusChange]:
    return document_rows.status_history(project.db, document_id)


def region_counts(project: Project) -> dict[int, int]:
    """Live regions per document, for the documents panel and `aal doc list`."""
    return document_list.live_region_counts(project.db)


def list_rows(
    project: Project, status: DocStatus | str | None = None, assignee: str | None = None
) -> list[DocumentRow]:
    """`list_documents` as light rows (what a listing prints), without building records."""
    return document_list.rows(project.db, DocStatus(status).value if status else None, assignee)


def assign(project: Project, ref: str | int, users: Iterable[str]) -> None:
    """Give a document to annotators (several for double annotation); leads only."""
    project.require_lead("assign documents")
    doc = resolve(project, ref)
    names = list(users)
    with transaction(project.db):
        for name in names:
            if not user_rows.exists(project.db, name):
                raise NotFound(f"no user '{name}' (add them with `aal user add`)")
            document_rows.assign(project.db, doc.id, name, project.user, _now())
    project.notify(Change(ChangeKind.document, (doc.id,), document_id=doc.id))


def assignees(project: Project, document_id: int) -> list[str]:
    return document_rows.assignees(project.db, document_id)
