"""Queries on dataset versions and their frozen members (`dataset_versions`,
`version_documents`, `version_regions`): the one place their rows become records.

Every module that asks about a dataset version asks here, so the frozen tables have one
reader and one writer; the services decide what the answers mean.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.geometry import Box
from ..core.records import PageRecord, Region
from . import json_text
from .db import Database
from .json_text import field

_TABLE_COLUMNS = (
    "name",
    "dataset",
    "parent",
    "schema_version",
    "statuses",
    "split_ratios",
    "seed",
    "semver",
    "stats",
    "changelog",
    "quality",
    "last_event_id",
    "created_by",
    "created_at",
    "retired_at",
    "retired_by",
    "retired_reason",
    "successor",
    "archive",
)
_SELECT = (
    f"SELECT {', '.join('v.' + c for c in _TABLE_COLUMNS)}, "
    "(SELECT COUNT(*) FROM version_documents vd WHERE vd.version = v.name), "
    "(SELECT COUNT(*) FROM version_regions vr WHERE vr.version = v.name), "
    "(SELECT p.last_event_id FROM dataset_versions p WHERE p.name = v.parent) "
    "FROM dataset_versions v"
)
REGION_COLUMNS = (
    "region_id",
    "document_id",
    "page",
    "x0",
    "y0",
    "x1",
    "y1",
    "class_key",
    "attrs",
    "text",
    "origin",
    "model_name",
    "model_version",
    "confidence",
    "prelabel_state",
    "annotator",
    "parent_id",
    "reading_order",
    "continues_id",
    "schema_version",
)


@dataclass(frozen=True)
class VersionRow:
    """One `dataset_versions` row with its member counts; JSON columns stay text until a
    caller needs them (a changelog can be large and most readers never look at it)."""

    name: str
    dataset: str
    parent: str | None
    schema_version: int
    statuses: list[str]
    split_ratios: tuple[float, float, float]
    seed: int
    semver: str | None
    stats_json: str
    changelog_json: str
    quality_json: str
    last_event_id: int
    created_by: str
    created_at: str
    retired_at: str | None
    retired_by: str | None
    retired_reason: str | None
    successor: str | None
    archive: str | None
    documents: int
    regions: int
    parent_last_event_id: int  # 0 without a parent: the changes since the beginning


@dataclass(frozen=True)
class NewVersion:
    """What `insert_version` writes: the version row and its frozen members."""

    name: str
    dataset: str
    parent: str | None
    schema_version: int
    statuses: list[str]
    split_ratios: Sequence[float]
    seed: int
    semver: str | None
    stats: dict[str, Any]
    changelog: dict[str, Any]
    quality: dict[str, Any]
    last_event_id: int
    created_by: str
    created_at: str
    splits: dict[int, str]  # document id -> split
    regions: Sequence[Region]


def _version(row: Sequence[Any]) -> VersionRow:
    r = dict(zip((*_TABLE_COLUMNS, "documents", "regions", "parent_last"), row, strict=True))
    ratios = json.loads(r["split_ratios"])
    return VersionRow(
        name=r["name"],
        dataset=r["dataset"],
        parent=r["parent"],
        schema_version=int(r["schema_version"]),
        statuses=list(json.loads(r["statuses"])),
        split_ratios=(float(ratios[0]), float(ratios[1]), float(ratios[2])),
        seed=int(r["seed"]),
        semver=r["semver"],
        stats_json=r["stats"] or "{}",
        changelog_json=r["changelog"] or "{}",
        quality_json=r["quality"] or "{}",
        last_event_id=int(r["last_event_id"]),
        created_by=r["created_by"],
        created_at=r["created_at"],
        retired_at=r["retired_at"],
        retired_by=r["retired_by"],
        retired_reason=r["retired_reason"],
        successor=r["successor"],
        archive=r["archive"],
        documents=int(r["documents"]),
        regions=int(r["regions"]),
        parent_last_event_id=int(r["parent_last"] or 0),
    )


def _region(values: Sequence[Any]) -> Region:
    """A frozen region as a Region (creation fields come from the live row: they never
    change; update fields stay empty: they would describe later edits)."""
    r = dict(zip((*REGION_COLUMNS, "created_by", "created_at"), values, strict=True))
    return Region(
        id=r["region_id"],
        document_id=r["document_id"],
        page=r["page"],
        box=Box(r["x0"], r["y0"], r["x1"], r["y1"]),
        class_key=r["class_key"],
        attrs=json_text.loads(r["attrs"] or "{}"),
        schema_version=r["schema_version"],
        parent_id=r["parent_id"],
        reading_order=r["reading_order"],
        continues_id=r["continues_id"],
        origin=r["origin"],
        model_name=r["model_name"],
        model_version=r["model_version"],
        confidence=r["confidence"],
        prelabel_state=r["prelabel_state"],
        annotator=r["annotator"],
        text=r["text"],
        created_by=r["created_by"] or r["annotator"],
        created_at=r["created_at"] or "",
    )


# --- dataset_versions -------------------------------------------------------------------------


def get(db: Database, name: str) -> VersionRow | None:
    row = db.conn.execute(f"{_SELECT} WHERE v.name = ?", [name]).fetchone()
    return None if row is None else _version(row)


def list_versions(
    db: Database, *, parent: str | None = None, schema_version: int | None = None
) -> list[VersionRow]:
    """Versions oldest first (by creation, then insertion order), optionally filtered."""
    where: list[str] = []
    params: list[Any] = []
    if parent is not None:
        where.append("v.parent = ?")
        params.append(parent)
    if schema_version is not None:
        where.append("v.schema_version = ?")
        params.append(schema_version)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    return [
        _version(r)
        for r in db.conn.execute(sql + " ORDER BY v.created_at, v.rowid", params).fetchall()
    ]


def newest_name(db: Database, dataset: str | None = None) -> str | None:
    """The newest version (of `dataset` when given), preferring ones not retired."""
    sql = "SELECT name FROM dataset_versions"
    params: list[Any] = []
    if dataset is not None:
        sql += " WHERE dataset = ?"
        params.append(dataset)
    row = db.conn.execute(
        sql + " ORDER BY retired_at IS NOT NULL, created_at DESC, rowid DESC LIMIT 1", params
    ).fetchone()
    return row[0] if row else None


def semvers(db: Database, dataset: str) -> set[str]:
    return {
        r[0]
        for r in db.conn.execute(
            "SELECT semver FROM dataset_versions WHERE dataset = ? AND semver IS NOT NULL",
            [dataset],
        ).fetchall()
    }


def schema_versions_used(db: Database) -> set[int]:
    return {
        int(r[0])
        for r in db.conn.execute("SELECT DISTINCT schema_version FROM dataset_versions").fetchall()
    }


def insert_version(db: Database, v: NewVersion) -> None:
    """Write the version row and its frozen members (call inside a transaction)."""
    db.conn.execute(
        "INSERT INTO dataset_versions (name, dataset, parent, schema_version, statuses, "
        "split_ratios, seed, semver, stats, changelog, quality, last_event_id, created_by, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            v.name,
            v.dataset,
            v.parent,
            v.schema_version,
            json.dumps(v.statuses),
            json.dumps(list(v.split_ratios)),
            v.seed,
            v.semver,
            json.dumps(v.stats, sort_keys=True),
            json.dumps(v.changelog, sort_keys=True, ensure_ascii=False),
            json.dumps(v.quality, sort_keys=True),
            v.last_event_id,
            v.created_by,
            v.created_at,
        ],
    )
    db.conn.executemany(
        "INSERT INTO version_documents (version, document_id, split) VALUES (?,?,?)",
        [(v.name, i, split) for i, split in v.splits.items()],
    )
    db.conn.executemany(
        f"INSERT INTO version_regions (version, {', '.join(REGION_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in range(len(REGION_COLUMNS) + 1))})",
        [
            (
                v.name,
                r.id,
                r.document_id,
                r.page,
                *r.box,
                r.class_key,
                json.dumps(r.attrs, sort_keys=True),
                r.text,
                r.origin,
                r.model_name,
                r.model_version,
                r.confidence,
                r.prelabel_state,
                r.annotator,
                r.parent_id,
                r.reading_order,
                r.continues_id,
                r.schema_version,
            )
            for r in v.regions
        ],
    )


def mark_retired(
    db: Database,
    name: str,
    at: str,
    by: str,
    reason: str,
    successor: str | None,
    archive: str | None,
) -> None:
    """The one change a frozen version allows (its triggers refuse the rest)."""
    db.conn.execute(
        "UPDATE dataset_versions SET retired_at = ?, retired_by = ?, retired_reason = ?, "
        "successor = ?, archive = ? WHERE name = ?",
        [at, by, reason, successor, archive, name],
    )


# --- version_documents ------------------------------------------------------------------------


def splits(db: Database, name: str) -> dict[int, str]:
    """Document id -> split of a version's members."""
    return {
        int(i): s
        for i, s in db.conn.execute(
            "SELECT document_id, split FROM version_documents WHERE version = ?", [name]
        ).fetchall()
    }


def member_documents(
    db: Database, name: str, columns: Sequence[str], as_of: str
) -> list[tuple[Any, ...]]:
    """The members' `documents` rows (`columns`, in order), then their split, with the
    status each had at `as_of` (the status history is append-only, so this is exact)."""
    cols = ", ".join(
        "COALESCE((SELECT sc.new_status FROM document_status_changes sc "
        "WHERE sc.document_id = d.id AND sc.at <= ? ORDER BY sc.id DESC LIMIT 1), "
        "d.status)"
        if c == "status"
        else f"d.{c}"
        for c in columns
    )
    return [
        tuple(r)
        for r in db.conn.execute(
            f"SELECT {cols}, vd.split FROM documents d JOIN version_documents vd "
            "ON vd.document_id = d.id WHERE vd.version = ? ORDER BY d.id",
            [as_of, name] if "status" in columns else [name],
        ).fetchall()
    ]


def member_pages(db: Database, name: str) -> dict[int, list[PageRecord]]:
    """Every page of the version's documents, by document id, in page order."""
    out: dict[int, list[PageRecord]] = {}
    for d, p, w, h, r, m, c in db.conn.execute(
        "SELECT p.document_id, p.page, p.width, p.height, p.rotation, p.mediabox, p.cropbox "
        "FROM pages p JOIN version_documents vd ON vd.document_id = p.document_id "
        "WHERE vd.version = ? ORDER BY p.document_id, p.page",
        [name],
    ).fetchall():
        out.setdefault(int(d), []).append(
            PageRecord(
                document_id=d,
                page=p,
                width=w,
                height=h,
                rotation=r,
                mediabox=tuple(json.loads(m)),
                cropbox=tuple(json.loads(c)),
            )
        )
    return out


@dataclass(frozen=True)
class MemberUse:
    """A member document as lineage reports it: provenance, split, pages, frozen regions."""

    id: int
    sha256: str
    filename: str
    source: str | None
    license: str | None
    split: str
    pages: int
    regions: int


def member_uses(db: Database, name: str) -> list[MemberUse]:
    return [
        MemberUse(*r)
        for r in db.conn.execute(
            "SELECT d.id, d.sha256, d.filename, d.source, d.license, vd.split, d.page_count, "
            "(SELECT COUNT(*) FROM version_regions vr "
            " WHERE vr.version = vd.version AND vr.document_id = d.id) "
            "FROM version_documents vd JOIN documents d ON d.id = vd.document_id "
            "WHERE vd.version = ? ORDER BY d.id",
            [name],
        ).fetchall()
    ]


# --- version_regions --------------------------------------------------------------------------


def regions(db: Database, name: str, document_id: int | None = None) -> list[Region]:
    cols = ", ".join(f"vr.{c}" for c in REGION_COLUMNS)
    sql = (
        f"SELECT {cols}, r.created_by, r.created_at FROM version_regions vr "
        "LEFT JOIN regions r ON r.id = vr.region_id WHERE vr.version = ?"
    )
    params: list[Any] = [name]
    if document_id is not None:
        sql += " AND vr.document_id = ?"
        params.append(document_id)
    sql += " ORDER BY vr.document_id, vr.page, COALESCE(vr.reading_order, 1e9), vr.y0, vr.x0"
    return [_region(row) for row in db.conn.execute(sql, params).fetchall()]


def class_counts_by_split(db: Database, name: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for split, cls, n in db.conn.execute(
        "SELECT vd.split, vr.class_key, COUNT(*) FROM version_regions vr "
        "JOIN version_documents vd ON vd.version = vr.version "
        "AND vd.document_id = vr.document_id WHERE vr.version = ? "
        "GROUP BY vd.split, vr.class_key ORDER BY vd.split, vr.class_key",
        [name],
    ):
        out.setdefault(split, {})[cls] = int(n)
    return out


# --- the event log between two cuts -----------------------------------------------------------


def last_event_id(db: Database) -> int:
    """The id a version cut now records: every event up to it is in the version."""
    return int(db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


@dataclass(frozen=True)
class RegionEventRow:
    """A region event between two cuts, reduced to what a changelog's attribution needs."""

    id: int
    kind: str
    region_id: str
    user: str
    document_id: int | None
    old_class: str | None
    new_class: str | None
    review_revert: bool
    reason: str | None


def region_events(
    db: Database, after_id: int, upto_id: int, document_ids: Iterable[int]
) -> list[RegionEventRow]:
    lo, hi = min(after_id, upto_id), max(after_id, upto_id)
    wanted = set(document_ids)
    rows = db.conn.execute(
        f"SELECT id, kind, region_id, user, document_id, {field('original', '$.class_key')}, "
        f"{field('new', '$.class_key')}, id IN (SELECT revert_event_id FROM reviews "
        "WHERE revert_event_id IS NOT NULL), reason FROM events WHERE id > ? AND id <= ? "
        "AND kind LIKE 'region.%' AND region_id IS NOT NULL ORDER BY id",
        [lo, hi],
    ).fetchall()
    return [
        RegionEventRow(int(i), kind, rid, user, doc, old, new, bool(rev), why)
        for i, kind, rid, user, doc, old, new, rev, why in rows
        if doc in wanted
    ]


_CHANGE_KEYS = (
    "event_id",
    "region_id",
    "change_type",
    "kind",
    "original",
    "new",
    "user",
    "at",
    "reason",
    "schema_version",
    "guideline_version",
    "document_id",
    "document_sha256",
    "page",
    "reverts",
    "batch",
    "review",
    "review_revert",
)


def changes(db: Database, version: str, after_id: int, upto_id: int) -> list[dict[str, Any]]:
    """Region events with ids in (after_id, upto_id] on `version`'s documents, oldest first,
    one JSON-ready dict per event (the lines of a release's changes.jsonl)."""
    rows = db.conn.execute(
        "SELECT e.id, e.region_id, e.change_type, e.kind, e.original, e.new, e.user, e.at, "
        "e.reason, e.schema_version, e.guideline_version, e.document_id, d.sha256, e.page, "
        "e.reverts, e.batch, "
        "(SELECT decision FROM reviews rv WHERE rv.event_id = e.id ORDER BY rv.id DESC LIMIT 1), "
        "e.id IN (SELECT revert_event_id FROM reviews WHERE revert_event_id IS NOT NULL) "
        "FROM events e JOIN version_documents vd ON vd.document_id = e.document_id "
        "AND vd.version = ? LEFT JOIN documents d ON d.id = e.document_id "
        "WHERE e.id > ? AND e.id <= ? AND e.kind LIKE 'region.%' AND e.region_id IS NOT NULL "
        "ORDER BY e.id",
        [version, after_id, upto_id],
    ).fetchall()
    out = []
    for row in rows:
        c = dict(zip(_CHANGE_KEYS, row, strict=True))
        c["original"] = json_text.loads(c["original"]) if c["original"] else None
        c["new"] = json_text.loads(c["new"]) if c["new"] else None
        c["review"] = c["review"] or "pending"
        c["review_revert"] = bool(c["review_revert"])
        out.append(c)
    return out


# --- documents a new cut takes ----------------------------------------------------------------


def candidate_documents(
    db: Database, statuses: Sequence[str], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The `documents` rows (`columns`, in order) of live documents with one of `statuses`."""
    marks = ",".join("?" for _ in statuses)
    return [
        tuple(r)
        for r in db.conn.execute(
            f"SELECT {', '.join(columns)} FROM documents WHERE status IN ({marks}) "
            "AND retired_at IS NULL ORDER BY id",
            list(statuses),
        ).fetchall()
    ]
