"""Queries on the users table; the one place user rows become `User` records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..core.enums import Role
from .db import Database

if TYPE_CHECKING:  # opening a project asks this module about users, without the records
    from ..core.records import User


def from_row(row: Sequence[Any]) -> User:
    """A users row (name, role, created_at, created_by) as a `User`."""
    from ..core.records import User

    n, r, c, b = row
    return User(name=n, role=Role(r), created_at=c, created_by=b)


def list_users(db: Database) -> list[User]:
    """Every user, by name."""
    rows = db.conn.execute(
        "SELECT name, role, created_at, created_by FROM users ORDER BY name"
    ).fetchall()
    return [from_row(r) for r in rows]


def exists(db: Database, name: str) -> bool:
    """Whether a user of this name is known."""
    return db.conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone() is not None


def find_by_key(db: Database, key: str) -> str | None:
    """The stored name whose comparison key (core.names.name_key) is `key`, or None."""
    from ..core.names import name_key

    for (name,) in db.conn.execute("SELECT name FROM users ORDER BY created_at, name"):
        if name_key(name) == key:
            return str(name)
    return None


def count(db: Database) -> int:
    """How many users the project has."""
    return int(db.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])


def role_of(db: Database, name: str) -> Role | None:
    """The user's role, or None for a name the project does not know."""
    row = db.conn.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
    return Role(row[0]) if row else None


def insert_if_absent(db: Database, name: str, role: Role, at: str, by: str) -> None:
    """Add a user unless one of that name exists (two first runs may race)."""
    db.conn.execute(
        "INSERT OR IGNORE INTO users (name, role, created_at, created_by) VALUES (?,?,?,?)",
        [name, role.value, at, by],
    )


def upsert(db: Database, name: str, role: Role, at: str, by: str) -> None:
    """Add a user, or change the role of the one of that name."""
    db.conn.execute(
        "INSERT INTO users (name, role, created_at, created_by) VALUES (?,?,?,?) "
        "ON CONFLICT(name) DO UPDATE SET role = excluded.role",
        [name, role.value, at, by],
    )


def set_public_key(db: Database, name: str, public_key: str | None) -> None:
    """Record the person's signing key (team sync checks her bundles against it)."""
    db.conn.execute("UPDATE users SET public_key = ? WHERE name = ?", [public_key, name])


def public_keys(db: Database) -> dict[str, str]:
    """Name -> public key of everyone whose key is known."""
    rows = db.conn.execute(
        "SELECT name, public_key FROM users WHERE public_key IS NOT NULL"
    ).fetchall()
    return {str(n): str(k) for n, k in rows}
