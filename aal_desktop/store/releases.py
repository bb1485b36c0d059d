"""Queries on the releases table: the one place its rows become `ReleaseRecord`s."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .db import Database

_COLUMNS = (
    "id, version, path, formats, dpi, manifest_sha256, previous_manifest_sha256, "
    "created_by, created_at"
)


@dataclass(frozen=True)
class ReleaseRecord:
    id: int
    version: str
    path: str
    formats: list[str]
    dpi: float
    manifest_sha256: str
    previous_manifest_sha256: str | None
    created_by: str
    created_at: str


@dataclass(frozen=True)
class Predecessors:
    """What a new release links to: the newest release of all (its manifest chains to it)
    and the newest release of the version's parent (Croissant's `prov:wasDerivedFrom`)."""

    latest_manifest_sha256: str | None
    parent_release: ReleaseRecord | None
    latest: ReleaseRecord | None = None
    log_head_hash: str | None = None  # the hash of the event asked for, if it exists


def _record(row: Sequence[Any]) -> ReleaseRecord:
    rid, version, path, formats, dpi, sha, prev, by, at = row
    return ReleaseRecord(
        int(rid), version, path, json.loads(formats), float(dpi), sha, prev, by, at
    )


def insert(
    db: Database,
    version: str,
    path: str,
    formats: Sequence[str],
    dpi: float,
    manifest_sha256: str,
    previous_manifest_sha256: str | None,
    created_by: str,
    created_at: str,
) -> ReleaseRecord:
    """Write one release row (one statement, atomic by itself) and return it as stored."""
    cur = db.conn.execute(
        "INSERT INTO releases (version, path, formats, dpi, manifest_sha256, "
        "previous_manifest_sha256, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
        [
            version,
            path,
            json.dumps(list(formats)),
            float(dpi),
            manifest_sha256,
            previous_manifest_sha256,
            created_by,
            created_at,
        ],
    )
    return ReleaseRecord(
        int(cur.lastrowid or 0),
        version,
        path,
        list(formats),
        float(dpi),
        manifest_sha256,
        previous_manifest_sha256,
        created_by,
        created_at,
    )


def list_releases(db: Database, version: str | None = None) -> list[ReleaseRecord]:
    """Releases in the order they were written (oldest first)."""
    sql = f"SELECT {_COLUMNS} FROM releases"
    params: list[str] = []
    if version is not None:
        sql += " WHERE version = ?"
        params.append(version)
    return [_record(r) for r in db.conn.execute(sql + " ORDER BY id", params).fetchall()]


def predecessors(
    db: Database, parent_version: str | None, log_head_id: int | None = None
) -> Predecessors:
    """Both links of a new release in one statement (the newest release overall first),
    and with `log_head_id` the stored hash of that event (the log head the manifest names)."""
    rows = db.conn.execute(
        f"SELECT * FROM (SELECT 0 AS k, {_COLUMNS} FROM releases ORDER BY id DESC LIMIT 1) "
        f"UNION ALL SELECT * FROM (SELECT 1 AS k, {_COLUMNS} FROM releases WHERE version = ? "
        "ORDER BY id DESC LIMIT 1) "
        "UNION ALL SELECT 2, id, hash, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM events "
        "WHERE id = ?",
        [parent_version, log_head_id],
    ).fetchall()
    found = {int(r[0]): _record(r[1:]) for r in rows if int(r[0]) < 2}
    head = next((str(r[2]) for r in rows if int(r[0]) == 2), None)
    latest = found.get(0)
    return Predecessors(latest.manifest_sha256 if latest else None, found.get(1), latest, head)


def event_hash_at(db: Database, event_id: int) -> str | None:
    """The stored hash of one event (the log head a release records), None if absent."""
    row = db.conn.execute("SELECT hash FROM events WHERE id = ?", [event_id]).fetchone()
    return None if row is None else str(row[0])


def by_manifest(db: Database, manifest_sha256: str) -> ReleaseRecord | None:
    """The release recorded with this manifest hash, if the project has one."""
    row = db.conn.execute(
        f"SELECT {_COLUMNS} FROM releases WHERE manifest_sha256 = ? ORDER BY id LIMIT 1",
        [manifest_sha256],
    ).fetchone()
    return None if row is None else _record(row)
