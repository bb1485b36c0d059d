"""Queries on region_imports and image_documents (provenance of imported annotations)."""

from __future__ import annotations

from dataclasses import dataclass

from .db import Database


@dataclass(frozen=True)
class RegionImport:
    """Where one imported region came from."""

    region_id: str
    format: str
    file_sha256: str
    file_name: str
    foreign_id: str
    foreign_page: str | None
    foreign_label: str
    foreign_annotator: str | None
    reduced: str | None
    batch: str
    imported_by: str
    imported_at: str


@dataclass(frozen=True)
class ImageDocument:
    """A document made from a page image, and that image."""

    document_id: int
    image_sha256: str
    image_name: str
    image_path: str | None
    image_width: int
    image_height: int
    created_by: str
    created_at: str


_RI = ", ".join(RegionImport.__dataclass_fields__)
_ID = ", ".join(ImageDocument.__dataclass_fields__)


def imported_foreign_ids(db: Database, file_sha256: str) -> set[str]:
    rows = db.conn.execute(
        "SELECT foreign_id FROM region_imports WHERE file_sha256 = ?", [file_sha256]
    ).fetchall()
    return {r[0] for r in rows}


def region_for(db: Database, file_sha256: str, foreign_id: str) -> str | None:
    row = db.conn.execute(
        "SELECT region_id FROM region_imports WHERE file_sha256 = ? AND foreign_id = ?",
        [file_sha256, foreign_id],
    ).fetchone()
    return None if row is None else str(row[0])


def insert(db: Database, rec: RegionImport) -> None:
    values = [getattr(rec, k) for k in RegionImport.__dataclass_fields__]
    db.conn.execute(
        f"INSERT INTO region_imports ({_RI}) VALUES ({', '.join('?' for _ in values)})", values
    )


def get(db: Database, region_id: str) -> RegionImport | None:
    row = db.conn.execute(
        f"SELECT {_RI} FROM region_imports WHERE region_id = ?", [region_id]
    ).fetchone()
    return None if row is None else RegionImport(*row)


def for_batch(db: Database, batch: str) -> list[RegionImport]:
    rows = db.conn.execute(
        f"SELECT {_RI} FROM region_imports WHERE batch = ? ORDER BY rowid", [batch]
    ).fetchall()
    return [RegionImport(*r) for r in rows]


def image_document(db: Database, image_sha256: str) -> ImageDocument | None:
    row = db.conn.execute(
        f"SELECT {_ID} FROM image_documents WHERE image_sha256 = ?", [image_sha256]
    ).fetchone()
    return None if row is None else ImageDocument(*row)


def image_of(db: Database, document_id: int) -> ImageDocument | None:
    row = db.conn.execute(
        f"SELECT {_ID} FROM image_documents WHERE document_id = ?", [document_id]
    ).fetchone()
    return None if row is None else ImageDocument(*row)


def insert_image_document(db: Database, rec: ImageDocument) -> None:
    values = [getattr(rec, k) for k in ImageDocument.__dataclass_fields__]
    db.conn.execute(
        f"INSERT OR IGNORE INTO image_documents ({_ID}) VALUES ({', '.join('?' for _ in values)})",
        values,
    )


def find_document_by_filename(db: Database, filename: str) -> list[int]:
    """Documents whose file name is this one (case-insensitive), oldest first."""
    rows = db.conn.execute(
        "SELECT id FROM documents WHERE lower(filename) = lower(?) "
        "AND retired_at IS NULL ORDER BY id",
        [filename],
    ).fetchall()
    return [int(r[0]) for r in rows]
