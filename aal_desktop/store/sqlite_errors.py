"""SQLite's failures said as a person needs them: which database, what happened, what to do.

A full disk surfaced as `sqlite3.OperationalError: database or disk is full` with a
traceback. Nothing is lost in these cases (the transaction rolled back); the message is the
whole failure, so it has to name the file and the remedy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..core.errors import AalError


class DatabaseUnavailable(AalError):
    """The project database could not be written or read; nothing was changed."""


_KNOWN: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("database or disk is full", "sqlite_full"),
        "the disk holding {path} is full; nothing was changed. Free some space (or move the "
        "project to a larger disk) and run the command again",
    ),
    (
        ("attempt to write a readonly database", "readonly"),
        "{path} is read-only for this user; nothing was changed. Check the file's permissions "
        "(and its folder's: SQLite writes a -wal file beside it)",
    ),
    (
        ("database is locked", "database table is locked", "sqlite_busy"),
        "{path} stayed locked by another program for longer than the time-out; nothing was "
        "changed. Close other programs using this project, or try again",
    ),
    (
        ("disk i/o error", "sqlite_ioerr"),
        "reading or writing {path} failed with an input/output error; nothing was changed. "
        "Check the disk (and, for a network folder, the connection: SQLite needs a local disk)",
    ),
    (
        ("unable to open database file", "sqlite_cantopen"),
        "{path} cannot be opened: check that its folder exists and is writable",
    ),
    (
        ("file is not a database", "sqlite_notadb"),
        "{path} is not an AAL Desktop project database (not an SQLite file)",
    ),
    (
        ("database disk image is malformed", "sqlite_corrupt"),
        "{path} is damaged (SQLite reports a malformed database image); restore it from a "
        "backup, and keep the damaged copy for inspection",
    ),
)


def explain(exc: sqlite3.Error, path: Path | str | None) -> DatabaseUnavailable:
    """One line for a SQLite error, naming the database path and what to do."""
    text = str(exc).lower()
    code = (getattr(exc, "sqlite_errorname", "") or "").lower()
    where = str(path) if path is not None else "the project database"
    for needles, message in _KNOWN:
        if any(n in text or (code and code.startswith(n)) for n in needles):
            return DatabaseUnavailable(message.format(path=where))
    return DatabaseUnavailable(f"the database {where} reported an error: {exc}")


def translate(exc: sqlite3.Error, path: Path | str | None) -> DatabaseUnavailable | None:
    """`explain` for the failures of the environment (disk, permissions, locks, damage);
    None for the others (a constraint, a bad statement), which are the program's to report."""
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return None
    failure = explain(exc, path)
    return None if failure.args[0].startswith("the database ") else failure


def as_failure(exc: BaseException, path: Path | str | None) -> DatabaseUnavailable | None:
    """`translate` for any exception: None unless it is a SQLite failure of the environment."""
    return translate(exc, path) if isinstance(exc, sqlite3.Error) else None
