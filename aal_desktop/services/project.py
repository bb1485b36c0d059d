"""A project: one folder holding the database and the managed PDF copies."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..core.enums import Role
from ..core.errors import AalError, NotFound, PermissionDenied
from ..core.names import name_key, normalize_name
from ..store import db as store_db
from ..store import sqlite_errors
from ..store import users as user_rows
from ..store.blobs import BlobStore

if TYPE_CHECKING:  # the pydantic records are not needed to open a project (`aal doc list`)
    from ..core.records import Region

T = TypeVar("T")
DB_FILENAME = "aal.sqlite3"
BLOB_FOLDER = "pdfs"


def default_db_path() -> Path:
    """`AAL_DB`, else `aal.sqlite3` in the platform's user data folder."""
    env = os.environ.get("AAL_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("aal-desktop", appauthor=False)) / DB_FILENAME


def default_user() -> str:
    """`AAL_USER`, else the operating-system login name."""
    env = os.environ.get("AAL_USER")
    if env:
        return env
    import getpass  # here: `--user` or AAL_USER usually answers first

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "user"


class ChangeKind(StrEnum):
    """What a notification is about; listeners switch on these, never on free strings."""

    region = "region"
    document = "document"
    schema = "schema"
    review = "review"
    prelabel = "prelabel"
    version = "version"
    model = "model"
    user = "user"
    team = "team"


def database_failure(exc: BaseException, path: Path | str | None) -> AalError | None:
    """What the CLI prints for an exception from the database: one line naming `path` and
    what to do (store/sqlite_errors.py), or None when `exc` is not such a failure."""
    return sqlite_errors.as_failure(exc, path)


class _ChangeFields(NamedTuple):
    kind: ChangeKind
    ids: tuple[Any, ...]
    document_id: int | None
    page: int | None
    detail: Mapping[str, Any]
    initiator: object | None
    regions: tuple[Region, ...]


class Change(_ChangeFields):
    """What a committed service call changed; sent to listeners after the commit.

    `initiator` is an opaque token the caller passed in (a view passes itself), so the
    view that made a change can skip its own echo. `regions` carries the new states of
    the changed regions when the service has them, so a view can update without reading.
    A kind given as a string is checked against ChangeKind (an unknown one is a bug).
    A named tuple, not a dataclass: importing `dataclasses` (and `inspect` with it) was a
    tenth of a cold `aal doc list`, and every command opens a project.
    """

    __slots__ = ()

    def __new__(
        cls,
        kind: ChangeKind | str,
        ids: tuple[Any, ...] = (),
        document_id: int | None = None,
        page: int | None = None,
        detail: Mapping[str, Any] | None = None,
        initiator: object | None = None,
        regions: tuple[Region, ...] = (),
    ) -> Change:
        return super().__new__(
            cls,
            ChangeKind(kind),
            ids,
            document_id,
            page,
            {} if detail is None else detail,
            initiator,
            regions,
        )

    def same_gesture(self, other: Change) -> bool:
        """Two changes that go out as one (same kind, page, initiator and detail)."""
        return (other.kind, other.document_id, other.page, other.initiator, other.detail) == (
            self.kind,
            self.document_id,
            self.page,
            self.initiator,
            self.detail,
        )


class Project:
    """Database, blob store and the acting user; every service takes one of these.

    `isolate_pdf` sends PyMuPDF work (words under a box) to a killable worker process:
    the window sets it, so a pathological page can never freeze it; the CLI and tests
    call PyMuPDF in-process.
    """

    def __init__(
        self,
        db_path: Path | str | None = None,
        user: str | None = None,
        isolate_pdf: bool = False,
        must_exist: bool = False,
        register: bool = True,
    ) -> None:
        self.path = Path(db_path).expanduser() if db_path else default_db_path()
        if must_exist and str(db_path) != ":memory:" and not self.path.is_file():
            # a typo in a path must not become a new, empty project (issue 15)
            raise NotFound(
                f"no project database at {self.path}: check the path, or create "
                f"it with `aal --db {self.path} init`"
            )
        self.folder = self.path.parent
        self.db: store_db.Database = store_db.open_database(self.path)
        self.blobs = BlobStore(self.folder / BLOB_FOLDER)
        self.blobs.sweep_temporaries()
        self.isolate_pdf = isolate_pdf
        self._worker: Any = None
        self._listeners: list[Callable[[Change], None]] = []
        # per-project memo of frozen things (published schema bodies); never of live data
        self.cache: dict[str, Any] = {}
        self._pending: list[Change] = []
        # the ids and regions of later changes merged into each held one: lists, so that
        # holding 10,000 one-region changes costs 10,000 appends, not growing tuples
        self._merged: list[tuple[list[Any], list[Region]]] = []
        self._closed = False
        self._initiator: object | None = None  # see initiated_by
        self.open_step: Any = None  # the undo step this transaction records (services/history)
        self.db.aal_hooks = self  # see store.db.transaction
        self.user = self._identify(user or default_user())
        self._registered = False
        if register:
            # the window (an editor) registers its user on open, as long as the disk takes
            # it; the CLI passes register=False, so its read commands never write
            try:
                self.ensure_registered()
            except sqlite_errors.DatabaseUnavailable:
                pass  # read-only or full: their first write registers them, or says why

    # --- users and roles ------------------------------------------------------------------

    def _identify(self, raw: str) -> str:
        """The stored spelling of the acting user: " lead" and "LEAD" are the user "lead";
        a new name is normalised and refused when it could pass for someone else."""
        known = user_rows.find_by_key(self.db, name_key(raw))
        return known if known is not None else normalize_name(raw)

    def began(self) -> None:
        """Called by each write transaction as it begins: the first write of a person the
        project does not know registers them (reads never write, so `aal doc list` works on
        a read-only or full disk). The first person to write owns the project (lead)."""
        if self._registered or user_rows.exists(self.db, self.user):
            self._registered = True
            return
        from ..store.events import now_iso  # the log's module loads on a first write, not open

        role = Role.lead if user_rows.count(self.db) == 0 else Role.annotator
        user_rows.insert_if_absent(self.db, self.user, role, now_iso(), self.user)

    def ensure_registered(self) -> None:
        """Register the acting user now (`aal init` says who you are in the project); a
        known user costs one read, no write lock."""
        if self._registered or user_rows.exists(self.db, self.user):
            self._registered = True
            return
        with store_db.transaction(self.db):
            pass

    @property
    def role(self) -> Role:
        role = user_rows.role_of(self.db, self.user)
        if role is not None:
            return role
        return Role.lead if user_rows.count(self.db) == 0 else Role.annotator

    @property
    def db_version(self) -> int:
        """The database's own version (its upgrade step), not a label schema version."""
        return store_db.db_version(self.db)

    @property
    def is_lead(self) -> bool:
        return self.role == Role.lead

    def require_lead(self, action: str) -> None:
        if not self.is_lead:
            raise PermissionDenied(
                f"only a lead can {action}; '{self.user}' is an annotator "
                "(ask a lead, or run as a lead with --user)"
            )

    def switch_user(self, name: str) -> None:
        self.user = self._identify(name)
        self._registered = False

    # --- change notification --------------------------------------------------------------

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @contextlib.contextmanager
    def initiated_by(self, initiator: object | None) -> Iterator[None]:
        """Changes sent inside this block carry `initiator` (a view passes itself); None
        keeps the initiator of an enclosing block."""
        previous = self._initiator
        if initiator is not None:
            self._initiator = initiator
        try:
            yield
        finally:
            self._initiator = previous

    def notify(self, change: Change) -> None:
        """Tell listeners what changed; held back until the outermost transaction commits
        (a service may run inside another's transaction), dropped if it rolls back. Held
        changes of one gesture on one page go out as one."""
        if self.closed:
            return  # e.g. a background job finishing after its window's project closed
        if change.initiator is None and self._initiator is not None:
            change = change._replace(initiator=self._initiator)
        if self.db.conn.in_transaction:
            if self._pending and self._pending[-1].same_gesture(change):
                ids, regions = self._merged[-1]
                ids.extend(change.ids)
                regions.extend(change.regions)
            else:
                self._pending.append(change)
                self._merged.append(([], []))
            return
        for listener in list(self._listeners):
            listener(change)

    def _end_step(self) -> None:
        """A transaction's undo step ends with it; one opened by history.step() does not."""
        if not getattr(self.open_step, "explicit", False):
            self.open_step = None

    def committed(self) -> None:
        self._end_step()
        self._registered = True
        pending, self._pending = self._pending, []
        merged, self._merged = self._merged, []
        for change, (ids, regions) in zip(pending, merged, strict=True):
            if ids or regions:
                change = change._replace(
                    ids=change.ids + tuple(ids), regions=change.regions + tuple(regions)
                )
            self.notify(change)

    def rolled_back(self) -> None:
        self._end_step()
        self._pending, self._merged = [], []

    # --- PyMuPDF calls --------------------------------------------------------------------

    def pdf_call(self, func: Callable[..., T], *args: Any, timeout: float = 20.0) -> T:
        """Run a PyMuPDF function in-process, or in the project's worker when isolated."""
        if not self.isolate_pdf:
            return func(*args)
        from ..pdf.worker import WorkerProcess

        if self._worker is None:
            self._worker = WorkerProcess("aal-project-pdf")
        return self._worker.call(func, *args, timeout=timeout)

    def pdf_path(self, sha256: str) -> Path:
        path = self.blobs.path(sha256)
        if not path.is_file():
            raise AalError(
                f"the managed copy of document {sha256[:12]} is missing from {self.blobs.root}; "
                "re-import the original file"
            )
        return path

    @property
    def closed(self) -> bool:
        return self._closed

    def database_failure(self, exc: BaseException) -> AalError | None:
        """A SQLite failure of the environment raised outside a transaction (a read on a
        damaged or vanished file) as one line naming this database; None for anything else."""
        return database_failure(exc, self.path)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._closed = True
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
