"""Queries on label schema versions as lineage and retirement read them (`schema_versions`,
`schema_migrations`): one row type with the migration that made the version, if any.

The schema editor's own reads and writes live with the schema service; these are the
read-only questions the model lifecycle asks, plus the retirement mark.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .db import Database

_COLUMNS = (
    "s.version, s.name, s.status, s.guideline_version, s.body, s.parent_version, "
    "s.created_by, s.created_at, s.published_by, s.published_at, s.retired_at, "
    "s.retired_reason, s.successor, s.archive, m.reason, m.regions"
)


@dataclass(frozen=True)
class SchemaRow:
    version: int
    name: str
    status: str
    guideline_version: str
    classes: tuple[str, ...]
    parent_version: int | None
    created_by: str
    created_at: str
    published_by: str | None
    published_at: str | None
    retired_at: str | None
    retired_reason: str | None
    successor: int | None
    archive: str | None
    migration_reason: str | None  # the reason recorded when a migration made it
    migrated_regions: int | None


def _select(db: Database) -> str:
    if db["schema_migrations"].exists():
        return (
            f"SELECT {_COLUMNS} FROM schema_versions s "
            "LEFT JOIN schema_migrations m ON m.version = s.version"
        )
    return f"SELECT {_COLUMNS.replace('m.reason, m.regions', 'NULL, NULL')} FROM schema_versions s"


def _row(row: Sequence[Any]) -> SchemaRow:
    (
        version,
        name,
        status,
        guideline,
        body,
        parent,
        cby,
        cat,
        pby,
        pat,
        rat,
        rreason,
        succ,
        archive,
        mreason,
        mregions,
    ) = row
    classes = tuple(c["key"] for c in json.loads(body).get("classes", []))
    return SchemaRow(
        int(version),
        name,
        status,
        guideline,
        classes,
        parent,
        cby,
        cat,
        pby,
        pat,
        rat,
        rreason,
        succ,
        archive,
        mreason,
        int(mregions) if mregions is not None else None,
    )


def get(db: Database, version: int) -> SchemaRow | None:
    row = db.conn.execute(f"{_select(db)} WHERE s.version = ?", [version]).fetchone()
    return None if row is None else _row(row)


def not_drafts(db: Database, after: int | None = None) -> list[SchemaRow]:
    """Published and retired versions in version order (only those after `after` if given)."""
    sql, params = f"{_select(db)} WHERE s.status != 'draft'", []
    if after is not None:
        sql += " AND s.version > ?"
        params.append(after)
    return [_row(r) for r in db.conn.execute(sql + " ORDER BY s.version", params).fetchall()]


def newest_published(db: Database) -> int | None:
    row = db.conn.execute(
        "SELECT MAX(version) FROM schema_versions WHERE status = 'published'"
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def mark_retired(
    db: Database,
    version: int,
    at: str,
    by: str,
    reason: str,
    successor: int | None,
    archive: str | None,
) -> None:
    db.conn.execute(
        "UPDATE schema_versions SET status = 'retired', retired_at = ?, retired_by = ?, "
        "retired_reason = ?, successor = ?, archive = ? WHERE version = ?",
        [at, by, reason, successor, archive, version],
    )
