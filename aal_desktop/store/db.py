"""Open a project database: WAL, foreign keys, busy timeout, schema upgrades on user_version."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import sqlite_utils

from ..core.errors import AalError

BUSY_TIMEOUT_MS = 10_000
# Checkpoint every ~40 MB of WAL instead of 4 MB: each checkpoint ends in an fsync, and an
# edit writes ~10 pages (row, class indexes, event and its indexes), so the default made
# every hundredth edit pay for a sync. Committed data is safe either way.
WAL_AUTOCHECKPOINT_PAGES = 10_000
CACHE_KIB = 65_536


@dataclass(frozen=True)
class Migration:
    """One schema upgrade step; `version` is the PRAGMA user_version it leaves behind."""

    version: int
    name: str
    sql: str


def _migration_from(module: ModuleType) -> Migration:
    return Migration(version=module.VERSION, name=module.NAME, sql=module.SQL)


def migrations() -> list[Migration]:
    """Every step in `store/migrations/mNNN_*.py`, in version order (one file a step)."""
    from . import migrations as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            found.append(_migration_from(importlib.import_module(f"{pkg.__name__}.{info.name}")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return found


def latest_version() -> int:
    return migrations()[-1].version


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection with the project's pragmas. Transactions are explicit (see `transaction`)."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    if str(path) != ":memory:":
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise AalError(f"could not switch {path} to WAL mode (got {mode}); is it read-only?")
    # NORMAL in WAL mode: a killed process loses nothing committed (only power loss could).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    # 64 MB of page cache: a project of a million regions keeps its index pages in memory
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    return sqlite_utils.Database(conn)


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def upgrade(db: sqlite_utils.Database, upto: int | None = None) -> list[Migration]:
    """Apply pending steps, each with its user_version bump in one transaction."""
    current = schema_version(db)
    steps = migrations()
    newest = steps[-1].version
    if current > newest:
        raise AalError(
            f"this database was written by a newer AAL Desktop (schema {current} > {newest}); "
            "upgrade the app before opening it"
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


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, or a savepoint when already inside one.

    IMMEDIATE takes the write lock up front, so two processes appending to the hash-chained
    event log can never both read the same "last hash".
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
    conn.execute("BEGIN IMMEDIATE")
    hooks = getattr(db, "aal_hooks", None)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if hooks is not None:
            hooks.rolled_back()
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if hooks is not None:
                hooks.rolled_back()
            raise
    if hooks is not None:
        hooks.committed()


def open_database(path: Path | str) -> sqlite_utils.Database:
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


def integrity_ok(db: sqlite_utils.Database) -> bool:
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
