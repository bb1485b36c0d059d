"""Queries on the regions table; the one place region rows become `Region` records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from ..core.geometry import Box
from ..core.records import Outline, Region, RegionListing
from . import json_text
from .db import Database, in_chunks

COLUMNS = (
    "id",
    "document_id",
    "page",
    "x0",
    "y0",
    "x1",
    "y1",
    "class_key",
    "attrs",
    "schema_version",
    "parent_id",
    "reading_order",
    "continues_id",
    "origin",
    "model_name",
    "model_version",
    "confidence",
    "prelabel_state",
    "annotator",
    "text",
    "attention",
    "deleted",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)
SELECT = f"SELECT {', '.join(COLUMNS)} FROM regions"


_ALL_FIELDS = frozenset(Region.model_fields)
_set = object.__setattr__


def _trusted(values: dict[str, Any]) -> Region:
    """A Region from every one of its field values, not validated again: what
    `Region.model_construct` makes, without its per-field lookups of aliases and defaults
    (a third of an edit's Python time). tests/test_regions_rows.py holds it equal to a
    validated Region, field by field, so a pydantic change that breaks it fails there."""
    region = Region.__new__(Region)
    _set(region, "__dict__", values)
    _set(region, "__pydantic_fields_set__", set(_ALL_FIELDS))
    _set(region, "__pydantic_extra__", None)
    _set(region, "__pydantic_private__", None)
    return region


def from_row(values: Sequence[Any]) -> Region:
    """A row as a Region, built without re-validating what was validated when it was written
    (a page of 10,000 regions is read in a fraction of the time). Attribute JSON an older
    version stored with NaN reads as null."""
    (
        rid,
        document_id,
        page,
        x0,
        y0,
        x1,
        y1,
        class_key,
        attrs,
        schema_version,
        parent_id,
        reading_order,
        continues_id,
        origin,
        model_name,
        model_version,
        confidence,
        prelabel_state,
        annotator,
        text,
        attention,
        deleted,
        created_by,
        created_at,
        updated_by,
        updated_at,
    ) = values
    return _trusted(
        dict(
            id=rid,
            document_id=document_id,
            page=page,
            box=Box(x0, y0, x1, y1),
            class_key=class_key,
            attrs=json_text.loads(attrs) if attrs and attrs != "{}" else {},
            schema_version=schema_version,
            parent_id=parent_id,
            reading_order=reading_order,
            continues_id=continues_id,
            origin=origin,
            model_name=model_name,
            model_version=model_version,
            confidence=confidence,
            prelabel_state=prelabel_state,
            annotator=annotator,
            text=text,
            attention=attention,
            deleted=bool(deleted),
            created_by=created_by,
            created_at=created_at,
            updated_by=updated_by,
            updated_at=updated_at,
        )
    )


def to_row(region: Region) -> dict[str, Any]:
    x0, y0, x1, y1 = region.box
    return {
        "id": region.id,
        "document_id": region.document_id,
        "page": region.page,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "class_key": region.class_key,
        "attrs": json_text.dumps(region.attrs, sort_keys=True),
        "schema_version": region.schema_version,
        "parent_id": region.parent_id,
        "reading_order": region.reading_order,
        "continues_id": region.continues_id,
        "origin": region.origin,
        "model_name": region.model_name,
        "model_version": region.model_version,
        "confidence": region.confidence,
        "prelabel_state": region.prelabel_state,
        "annotator": region.annotator,
        "text": region.text,
        "attention": region.attention,
        "deleted": int(region.deleted),
        "created_by": region.created_by,
        "created_at": region.created_at,
        "updated_by": region.updated_by,
        "updated_at": region.updated_at,
    }


def get(db: Database, region_id: str) -> Region | None:
    row = db.conn.execute(f"{SELECT} WHERE id = ?", [region_id]).fetchone()
    return None if row is None else from_row(row)


def get_many(db: Database, region_ids: Sequence[str]) -> dict[str, Region]:
    """The regions of these ids that exist, by id: one read a chunk of 500, not one a region
    (a selection of thousands is lifted out of the page's layer at once)."""
    out: dict[str, Region] = {}
    for chunk, marks in in_chunks(list(dict.fromkeys(region_ids))):
        for row in db.conn.execute(f"{SELECT} WHERE id IN ({marks})", chunk):
            region = from_row(row)
            out[region.id] = region
    return out


def insert(db: Database, region: Region) -> None:
    row = to_row(region)
    db.conn.execute(
        f"INSERT INTO regions ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )


def replace(db: Database, region: Region, before: Region | None = None) -> None:
    """Write the new state of an existing region (its event is written beside it).

    Given the state before, only the changed columns are set: SQLite then leaves the
    indexes on untouched columns alone, which is most of the cost of an edit's commit.
    """
    if before is None:
        row = to_row(region)
        del row["id"]
    else:
        row = _changed_columns(region, before)
        if not row:
            return
    sets = ", ".join(f"{k} = ?" for k in row)
    db.conn.execute(f"UPDATE regions SET {sets} WHERE id = ?", [*row.values(), region.id])


# the columns that hold a Region field of the same name, as they are
_SAME_NAMED = tuple(c for c in COLUMNS if c not in ("id", "x0", "y0", "x1", "y1", "attrs"))


def _changed_columns(region: Region, before: Region) -> dict[str, Any]:
    """The columns whose value differs, compared field by field (an edit changes one or two
    of 26; the attribute JSON is written only when the dict is another one and spells
    differently, so 1 and True, equal in Python, stay apart)."""
    row: dict[str, Any] = {}
    for name in _SAME_NAMED:
        value = getattr(region, name)
        if value != getattr(before, name) or type(value) is not type(getattr(before, name)):
            row[name] = int(value) if name == "deleted" else value
    if region.box != before.box:
        row.update(zip(("x0", "y0", "x1", "y1"), region.box, strict=True))
    if region.attrs is not before.attrs:
        attrs = json_text.dumps(region.attrs, sort_keys=True)
        if attrs != json_text.dumps(before.attrs, sort_keys=True):
            row["attrs"] = attrs
    return row


def list_regions(
    db: Database,
    document_id: int | None = None,
    page: int | None = None,
    include_deleted: bool = False,
    annotator: str | None = None,
    attention_only: bool = False,
) -> list[Region]:
    where: list[str] = []
    params: list[object] = []
    if document_id is not None:
        where.append("document_id = ?")
        params.append(document_id)
    if page is not None:
        where.append("page = ?")
        params.append(page)
    if not include_deleted:
        # `+deleted`: not an index column here, so a page is found by (document, page)
        # rather than by scanning the whole document's live regions (regions_doc_class)
        where.append("+deleted = 0" if page is not None else "deleted = 0")
    if annotator is not None:
        where.append("annotator = ?")
        params.append(annotator)
    if attention_only:
        where.append("attention IS NOT NULL")
    sql = SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY document_id, page, COALESCE(reading_order, 1e9), y0, x0"
    return [from_row(r) for r in db.conn.execute(sql, params).fetchall()]


def page_outlines(db: Database, document_id: int, page: int) -> list[Outline]:
    """The live regions of one page as drawing data: seven columns, no row objects."""
    rows = db.conn.execute(
        "SELECT id, x0, y0, x1, y1, class_key, "
        "origin = 'model' AND prelabel_state IS 'pending' FROM regions "
        "WHERE document_id = ? AND page = ? AND +deleted = 0",  # by (document, page)
        [document_id, page],
    )
    # tuple.__new__ straight from each row (no Python call per region); `pending` is
    # SQLite's 0/1, which compares and hashes as False/True
    return list(map(partial(tuple.__new__, Outline), rows))


def page_listing(db: Database, document_id: int, page: int) -> list[RegionListing]:
    """The live regions of one page as a list shows them: sixteen columns, a tuple each."""
    rows = db.conn.execute(
        f"SELECT {', '.join(RegionListing._fields)} FROM regions "
        "WHERE document_id = ? AND page = ? AND +deleted = 0",  # by (document, page)
        [document_id, page],
    )
    return list(map(partial(tuple.__new__, RegionListing), rows))


def data_stamp(db: Database) -> tuple[int, int, int]:
    """A value that differs once anything may have changed in the database: a commit by any
    other connection (`PRAGMA data_version`), a row written by this one (`total_changes`),
    and the connection itself (a reopened database never matches an older stamp). What a
    page view read under one stamp is still the page while the stamp is the same."""
    (version,) = db.conn.execute("PRAGMA data_version").fetchone()
    return id(db.conn), int(version), db.conn.total_changes


def page_has_regions(db: Database, document_id: int, page: int) -> bool:
    """Whether the page has a live region (one index probe, not a read of them all)."""
    row = db.conn.execute(
        "SELECT 1 FROM regions WHERE document_id = ? AND page = ? AND +deleted = 0 LIMIT 1",
        [document_id, page],
    ).fetchone()
    return row is not None


def class_counts(db: Database, document_id: int | None = None) -> dict[str, int]:
    """Live regions per class, for a document or the whole project (served by an index)."""
    if document_id is None:
        rows = db.conn.execute(
            "SELECT class_key, COUNT(*) FROM regions WHERE deleted = 0 GROUP BY class_key"
        ).fetchall()
    else:
        rows = db.conn.execute(
            "SELECT class_key, COUNT(*) FROM regions WHERE document_id = ? AND deleted = 0 "
            "GROUP BY class_key",
            [document_id],
        ).fetchall()
    return {k: int(n) for k, n in rows}


def with_classes(
    db: Database, class_keys: Iterable[str], below_schema_version: int | None = None
) -> list[Region]:
    """Regions (deleted ones too) of these classes, optionally made under an older schema."""
    keys = sorted(class_keys)
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    sql = f"{SELECT} WHERE class_key IN ({marks})"
    params: list[object] = list(keys)
    if below_schema_version is not None:
        sql += " AND schema_version < ?"
        params.append(below_schema_version)
    sql += " ORDER BY document_id, page, id"
    return [from_row(r) for r in db.conn.execute(sql, params).fetchall()]


def live_regions_of(db: Database, document_ids: Sequence[int]) -> list[Region]:
    """The live regions of these documents, by document, page and id (chunked: SQLite
    limits the number of parameters of one statement)."""
    out: list[Region] = []
    for chunk, marks in in_chunks(document_ids):
        out.extend(
            from_row(r)
            for r in db.conn.execute(
                f"{SELECT} WHERE deleted = 0 AND document_id IN ({marks}) "
                "ORDER BY document_id, page, id",
                chunk,
            ).fetchall()
        )
    return out


def pages_of(db: Database, region_ids: Sequence[str]) -> set[tuple[int, int, str]]:
    """The pages these regions lie on, as (document id, page, the document's SHA-256): one
    light read for a gesture over many regions (ids not found are left out; chunked)."""
    out: set[tuple[int, int, str]] = set()
    for chunk, marks in in_chunks(list(dict.fromkeys(region_ids))):
        out.update(
            (int(d), int(p), str(sha))
            for d, p, sha in db.conn.execute(
                "SELECT DISTINCT r.document_id, r.page, d.sha256 FROM regions r "
                f"JOIN documents d ON d.id = r.document_id WHERE r.id IN ({marks})",
                chunk,
            )
        )
    return out
