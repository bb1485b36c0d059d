"""Queries on schema_versions and schema_migrations: label schema versions and the plans
that made them. Bodies are stored as JSON; the services parse them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..core.migration_plan import MigrationPlan, MigrationRecord
from ..core.schema import LabelSchema, SchemaVersionInfo
from .db import Database

INFO_COLUMNS = (
    "version, name, status, guideline_version, body, parent_version, created_by, "
    "created_at, published_at, retired_at, retired_reason"
)
MIGRATION_COLUMNS = "version, from_version, plan, reason, regions, applied_by, applied_at, batch"


def info_from_row(row: Sequence[Any]) -> SchemaVersionInfo:
    """A schema_versions row as a `SchemaVersionInfo` (its classes counted from the body)."""
    v, n, s, g, body, parent, cb, ca, pa, ra, rr = row
    classes = len(LabelSchema.model_validate_json(body).classes)
    return SchemaVersionInfo(v, n, s, g, classes, parent, cb, ca, pa, ra, rr)


def migration_from_row(row: Sequence[Any]) -> MigrationRecord:
    """A schema_migrations row as a `MigrationRecord` (its plan parsed)."""
    v, f, plan, reason, n, by, at, batch = row
    return MigrationRecord(
        v, f, MigrationPlan.model_validate(json.loads(plan)), reason, n, by, at, batch
    )


# --- schema_versions --------------------------------------------------------------------------


def any_version(db: Database) -> bool:
    """Whether any schema version is stored yet."""
    return db.conn.execute("SELECT 1 FROM schema_versions LIMIT 1").fetchone() is not None


def status_of(db: Database, version: int) -> str | None:
    """The version's status (draft, published, retired), or None when it does not exist."""
    row = db.conn.execute(
        "SELECT status FROM schema_versions WHERE version = ?", [version]
    ).fetchone()
    return None if row is None else str(row[0])


def status_and_body(db: Database, version: int) -> tuple[str, str] | None:
    """The version's status and stored JSON body in one read, or None when it does not exist."""
    row = db.conn.execute(
        "SELECT status, body FROM schema_versions WHERE version = ?", [version]
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def body_of(db: Database, version: int) -> str | None:
    """The version's stored JSON body, or None when it does not exist."""
    row = db.conn.execute(
        "SELECT body FROM schema_versions WHERE version = ?", [version]
    ).fetchone()
    return None if row is None else str(row[0])


def newest(db: Database, status: str | None = None) -> int | None:
    """The highest version number, of any status or of one; None when there is none."""
    if status is None:
        row = db.conn.execute("SELECT MAX(version) FROM schema_versions").fetchone()
    else:
        row = db.conn.execute(
            "SELECT MAX(version) FROM schema_versions WHERE status = ?", [status]
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def list_infos(db: Database) -> list[SchemaVersionInfo]:
    """Every stored version, oldest first."""
    rows = db.conn.execute(
        f"SELECT {INFO_COLUMNS} FROM schema_versions ORDER BY version"
    ).fetchall()
    return [info_from_row(r) for r in rows]


def insert_draft(
    db: Database,
    version: int,
    name: str,
    guideline_version: str,
    body: str,
    parent_version: int | None,
    created_by: str,
    created_at: str,
) -> None:
    """Add a new draft version."""
    db.conn.execute(
        "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
        "parent_version, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
        [version, name, "draft", guideline_version, body, parent_version, created_by, created_at],
    )


def insert_published(
    db: Database, version: int, name: str, guideline_version: str, body: str, by: str, at: str
) -> None:
    """Add a version that is published from the start (a new project's default schema)."""
    db.conn.execute(
        "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
        "parent_version, created_by, created_at, published_by, published_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        [version, name, "published", guideline_version, body, None, by, at, by, at],
    )


def update_draft(db: Database, version: int, name: str, guideline_version: str, body: str) -> None:
    """Rewrite a draft's body, name and guideline version."""
    db.conn.execute(
        "UPDATE schema_versions SET body = ?, name = ?, guideline_version = ? WHERE version = ?",
        [body, name, guideline_version, version],
    )


def mark_published(db: Database, version: int, body: str, by: str, at: str) -> None:
    """Freeze a version as published, with its final body."""
    db.conn.execute(
        "UPDATE schema_versions SET body = ?, status = 'published', published_by = ?, "
        "published_at = ? WHERE version = ?",
        [body, by, at, version],
    )


# --- schema_migrations ------------------------------------------------------------------------


def pending_migration_draft(db: Database) -> int | None:
    """The lowest version a migration made that is still a draft, or None."""
    row = db.conn.execute(
        "SELECT m.version FROM schema_migrations m JOIN schema_versions s "
        "ON s.version = m.version WHERE s.status = 'draft' ORDER BY m.version LIMIT 1"
    ).fetchone()
    return None if row is None else int(row[0])


def insert_migration(db: Database, record: MigrationRecord) -> None:
    """Keep the plan that made a version."""
    db.conn.execute(
        f"INSERT INTO schema_migrations ({MIGRATION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
        [
            record.version,
            record.from_version,
            record.plan.to_json(),
            record.reason,
            record.regions,
            record.applied_by,
            record.applied_at,
            record.batch,
        ],
    )


def get_migration(db: Database, version: int) -> MigrationRecord | None:
    """The migration that made `version`, or None."""
    row = db.conn.execute(
        f"SELECT {MIGRATION_COLUMNS} FROM schema_migrations WHERE version = ?", [version]
    ).fetchone()
    return None if row is None else migration_from_row(row)


def list_migrations(db: Database) -> list[MigrationRecord]:
    """Every recorded migration, by the version it made."""
    rows = db.conn.execute(
        f"SELECT {MIGRATION_COLUMNS} FROM schema_migrations ORDER BY version"
    ).fetchall()
    return [migration_from_row(r) for r in rows]
