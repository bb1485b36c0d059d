"""Open a project database: WAL, foreign keys, busy timeout, upgrades keyed on user_version."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from ..core.errors import AalError
from . import sqlite_errors
from .checkpoint import Checkpointer
from .upgrades import (
    u001_initial,
    u002_schema_migrations,
    u003_dataset_versions,
    u004_models,
    u005_undo_history,
    u006_annotation_imports,
    u007_event_indexes,
    u008_audit_anchors,
    u009_teams,
    u011_undo_index,
)

BUSY_TIMEOUT_MS = 10_000
# Checkpoints normally run off the committing thread once the log passes 4 MB
# (store/checkpoint.py): SQLite's automatic one runs inside a COMMIT and ends in an fsync, which
# made one edit in ~200 pay for it. This automatic bound (40 MB) only acts if those fall
# behind. A full disk is still met at once: the commit itself appends to the log.
# `journal_size_limit` truncates the log back after a checkpoint, so its space is not kept.
WAL_AUTOCHECKPOINT_PAGES = 10_000
JOURNAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024
CACHE_KIB = 65_536
# The steps, in order; a new step is a new `upgrades/uNNN_*.py` module added here.
UPGRADE_MODULES: tuple[ModuleType, ...] = (
    u001_initial,
    u002_schema_migrations,
    u003_dataset_versions,
    u004_models,
    u005_undo_history,
    u006_annotation_imports,
    u007_event_indexes,
    u008_audit_anchors,
    u009_teams,
    u011_undo_index,
)
# Databases written before the steps were numbered 1, 2, 3, … carry team-range numbers.
LEGACY_DB_VERSIONS = {10: 2, 30: 3, 50: 4}


class Table:
    """The one table question services outside store/ still ask: does it exist?"""

    def __init__(self, db: Database, name: str) -> None:
        self.db, self.name = db, name

    def exists(self) -> bool:
        """Whether the table is in this database."""
        row = self.db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [self.name]
        ).fetchone()
        return row is not None


class Database:
    """A plain sqlite3 connection with the calls the app uses (sqlite-utils pulled in pandas)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str | None = None) -> None:
        self.conn = conn
        self.path = path  # named in the one-line message of a failed write
        self.aal_hooks: Any = None  # the Project, told of begins, commits and rollbacks
        self.checkpointer: Checkpointer | None = None  # set for a file database

    def close(self) -> None:
        """Let a running background checkpoint finish, then close the connection."""
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.conn.close()

    def execute(
        self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None
    ) -> sqlite3.Cursor:
        """One statement on the connection, as sqlite3 runs it."""
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)


class Upgrade(NamedTuple):
    """One database upgrade step; `version` is the PRAGMA user_version it leaves behind."""

    version: int
    name: str
    sql: str


def upgrades() -> list[Upgrade]:
    """Every step in `store/upgrades/uNNN_*.py`, numbered 1, 2, 3, … in the order they run,
    skipping the legacy numbers (10, 30, 50): an older app reads those as steps 2, 3, 4."""
    found = [Upgrade(version=m.VERSION, name=m.NAME, sql=m.SQL) for m in UPGRADE_MODULES]
    numbers = [n for n in range(1, 10 * len(found) + 1) if n not in LEGACY_DB_VERSIONS]
    if [u.version for u in found] != numbers[: len(found)]:
        raise RuntimeError(
            f"upgrade steps must be numbered 1, 2, … skipping {sorted(LEGACY_DB_VERSIONS)}: "
            f"{[u.version for u in found]}"
        )
    return found


def latest_version() -> int:
    """The db_version a fully upgraded database has."""
    return upgrades()[-1].version


def connect(path: Path | str) -> Database:
    """A connection with the project's pragmas. Transactions are explicit (see `transaction`)."""
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    if str(path) != ":memory:":
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise AalError(f"could not switch {path} to WAL mode (got {mode}); is it read-only?")
    # NORMAL in WAL mode: a killed process loses nothing committed (only power loss could).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
    # 64 MB of page cache: a project of a million regions keeps its index pages in memory
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    # Savepoints (a service called inside another's transaction: a team merge replays a
    # bundle's events in one) journal the pages they touch; in memory, not in a temp file.
    conn.execute("PRAGMA temp_store=MEMORY")
    db = Database(conn, path)
    if str(path) != ":memory:":
        db.checkpointer = Checkpointer(Path(path))
    return db


def db_version(db: Database) -> int:
    """The database's own version (PRAGMA user_version), not a label schema version."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _renumber_legacy(db: Database) -> int:
    """Rewrite a legacy team-range user_version (10, 30, 50) as its step number (2, 3, 4)."""
    current = db_version(db)
    new = LEGACY_DB_VERSIONS.get(current)
    if new is None:
        return current
    with transaction(db):
        db.execute(f"PRAGMA user_version={int(new)}")
    return new


def upgrade(db: Database, upto: int | None = None) -> list[Upgrade]:
    """Apply pending steps, each with its user_version bump in one transaction."""
    current = _renumber_legacy(db)
    steps = upgrades()
    newest = steps[-1].version
    if current > newest:
        raise AalError(
            f"this database was written by a newer AAL Desktop (database version {current} > "
            f"{newest}); upgrade the app before opening it"
        )
    applied = []
    for step in steps:
        if step.version <= current or (upto is not None and step.version > upto):
            continue
        with transaction(db):
            for statement in _split_sql(step.sql):
                db.execute(statement)
            db.execute(f"PRAGMA user_version={int(step.version)}")
        applied.append(step)
    return applied


def _split_sql(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


IN_CHUNK = 500  # values bound in one `IN (...)`: SQLite limits a statement's parameters


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[list[Any], str]]:
    """`values` a chunk at a time, each with the `?,?,...` of its `IN (...)`."""
    for i in range(0, len(values), IN_CHUNK):
        chunk = list(values[i : i + IN_CHUNK])
        yield chunk, ",".join("?" * len(chunk))


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE ... COMMIT, or a savepoint when already inside one.

    IMMEDIATE takes the write lock up front, so two processes appending to the hash-chained
    event log can never both read the same "last hash". A full disk, a read-only file, an
    I/O error or a lock held past the time-out leaves as one `DatabaseUnavailable` naming
    the database (store/sqlite_errors.py); the transaction has rolled back by then.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{id(object())}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    hooks = db.aal_hooks
    try:
        conn.execute("BEGIN IMMEDIATE")
        if hooks is not None:
            hooks.began()  # the acting user is registered by their first write
        yield db
        conn.execute("COMMIT")
        if db.checkpointer is not None:
            db.checkpointer.committed()
    except BaseException as exc:
        _rollback(conn)
        if hooks is not None:
            hooks.rolled_back()
        if isinstance(exc, sqlite3.Error):
            failure = sqlite_errors.translate(exc, db.path)
            if failure is not None:
                raise failure from exc
        raise
    if hooks is not None:
        hooks.committed()


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is open; a rollback that itself fails (the disk went away) is left to
    SQLite, which rolls back on its own when the connection next reads."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and upgrade a project database."""
    p = Path(path)
    if str(path) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = connect(p if str(path) != ":memory:" else ":memory:")
        upgrade(db)
    except sqlite3.DatabaseError as exc:
        raise AalError(f"cannot open project database {path}: {exc}") from None
    return db


def integrity_ok(db: Database) -> bool:
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
