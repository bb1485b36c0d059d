"""Releases of dataset versions: who wrote which version where, chained by manifest hashes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ValidationFailed
from ..store import audit as audit_rows
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, Project


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


_COLUMNS = ("id, version, path, formats, dpi, manifest_sha256, previous_manifest_sha256, "
            "created_by, created_at")


def _row(row: tuple) -> ReleaseRecord:  # type: ignore[type-arg]
    rid, version, path, formats, dpi, sha, prev, by, at = row
    return ReleaseRecord(rid, version, path, json.loads(formats), dpi, sha, prev, by, at)


def release(
    project: Project,
    version_name: str,
    dest_dir: Path | str,
    formats: tuple[str, ...] | str = ("coco", "yolo", "jsonl", "parquet"),
    dpi: float = 144.0,
    include_pdfs: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> ReleaseRecord:
    """Write a version's release (leads only) and return its record."""
    from ..export.release import write_release

    project.require_lead("release a dataset version")
    _refuse_unknown_classes(project, version_name)
    path = write_release(project, version_name, dest_dir, formats, dpi, include_pdfs,
                         progress, cancelled, workers)
    found = [r for r in list_releases(project, version_name) if r.path == str(path)]
    return found[-1]


def _refuse_unknown_classes(project: Project, version_name: str) -> None:
    """A version whose regions use a class its schema lacks (a schema published by an older
    version dropped it) cannot be written: say so, instead of a KeyError mid-release."""
    from collections import Counter

    from . import schemas, versions

    info = versions.get_version(project, version_name)
    schema = schemas.get(project, info.schema_version)
    counts = Counter(r.class_key for r in versions.version_regions(project, version_name))
    missing = schemas.classes_missing(schema, dict(counts))
    if missing:
        listed = ", ".join(f"{k} ({n} regions)" for k, n in missing.items())
        raise ValidationFailed(
            f"version {version_name} has regions of classes its schema version "
            f"{info.schema_version} does not have: {listed}; migrate them to classes of the "
            "schema (`aal schema migrate FILE`) and cut a new version"
        )


def record(project: Project, version: str, path: Path, formats: tuple[str, ...], dpi: float,
           manifest_sha256: str, previous_manifest_sha256: str | None,
           created_at: str | None = None) -> ReleaseRecord:
    """Note a written release; the next release names this manifest as its predecessor."""
    project.require_lead("record a release")
    at = created_at or now_iso()
    with transaction(project.db):
        cur = project.db.execute(
            "INSERT INTO releases (version, path, formats, dpi, manifest_sha256, "
            "previous_manifest_sha256, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
            [version, str(path), json.dumps(list(formats)), float(dpi), manifest_sha256,
             previous_manifest_sha256, project.user, at])
        rid = cur.lastrowid
        audit_rows.anchor(project.db, "release", str(rid), manifest_sha256, project.user)
    project.notify(Change("version", (version,), detail={"release": str(path)}))
    row = project.db.execute(f"SELECT {_COLUMNS} FROM releases WHERE id = ?", [rid]).fetchone()
    return _row(row)


def list_releases(project: Project, version: str | None = None) -> list[ReleaseRecord]:
    """Releases in the order they were written (oldest first)."""
    sql = f"SELECT {_COLUMNS} FROM releases"
    params: list[str] = []
    if version is not None:
        sql += " WHERE version = ?"
        params.append(version)
    return [_row(r) for r in project.db.execute(sql + " ORDER BY id", params).fetchall()]


def latest_manifest_sha256(project: Project) -> str | None:
    """The manifest hash of the most recent release: the link the next release chains to."""
    row = project.db.execute(
        "SELECT manifest_sha256 FROM releases ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None
