"""JSONL: one line per region, everything a program needs without opening the PDF.

`jsonl/<split>.jsonl`; the same rows feed the Parquet tables (parquet.py), so the two
formats always carry the same columns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .images import image_relpath, pixel_box, pixel_size
from .snapshot import ReleaseSnapshot

REGION_COLUMNS: tuple[str, ...] = (
    "region_id",
    "split",
    "document_sha256",
    "document_filename",
    "page",
    "page_width_pt",
    "page_height_pt",
    "image",
    "image_width",
    "image_height",
    "box_pt",
    "box_px",
    "class_key",
    "class_name",
    "class_index",
    "attributes",
    "text",
    "origin",
    "origin_detail",
    "confirmation",
    "annotator",
    "model_name",
    "model_version",
    "confidence",
    "schema_version",
    "parent_id",
    "reading_order",
    "continues_id",
)
PAGE_COLUMNS: tuple[str, ...] = (
    "split",
    "document_sha256",
    "document_filename",
    "page",
    "page_width_pt",
    "page_height_pt",
    "rotation",
    "image",
    "image_width",
    "image_height",
    "regions",
    "document_source",
    "document_license",
)


def region_rows(snapshot: ReleaseSnapshot, split: str, dpi: float) -> Iterator[dict[str, Any]]:
    """One dict per region of the split, in document, page and reading order."""
    names = snapshot.class_names()
    index = snapshot.class_index()
    for doc, page in snapshot.pages_in(split):
        sha = doc.document.sha256
        size = pixel_size(page.width, page.height, dpi)
        for r in snapshot.regions_on(doc.document.id, page.page):
            yield {
                "region_id": r.id,
                "split": split,
                "document_sha256": sha,
                "document_filename": doc.document.filename,
                "page": page.page + 1,
                "page_width_pt": page.width,
                "page_height_pt": page.height,
                "image": image_relpath(split, sha, page.page),
                "image_width": size[0],
                "image_height": size[1],
                "box_pt": [round(v, 2) for v in r.box],
                "box_px": list(pixel_box(r.box, dpi, size)),
                "class_key": r.class_key,
                "class_name": names.get(r.class_key, r.class_key),
                "class_index": index.get(r.class_key, -1),
                "attributes": dict(r.attrs),
                "text": r.text,
                **snapshot.provenance(r).to_json(),
                "model_name": r.model_name,
                "model_version": r.model_version,
                "confidence": r.confidence,
                "schema_version": r.schema_version,
                "parent_id": r.parent_id,
                "reading_order": r.reading_order,
                "continues_id": r.continues_id,
            }


def page_rows(snapshot: ReleaseSnapshot, split: str, dpi: float) -> Iterator[dict[str, Any]]:
    """One dict per page of the split (pages without regions included)."""
    for doc, page in snapshot.pages_in(split):
        sha = doc.document.sha256
        size = pixel_size(page.width, page.height, dpi)
        yield {
            "split": split,
            "document_sha256": sha,
            "document_filename": doc.document.filename,
            "page": page.page + 1,
            "page_width_pt": page.width,
            "page_height_pt": page.height,
            "rotation": page.rotation,
            "image": image_relpath(split, sha, page.page),
            "image_width": size[0],
            "image_height": size[1],
            "regions": len(snapshot.regions_on(doc.document.id, page.page)),
            "document_source": doc.document.source,
            "document_license": doc.document.license,
        }


def jsonl_path(split: str) -> str:
    return f"jsonl/{split}.jsonl"


def write_jsonl(snapshot: ReleaseSnapshot, root: Path, dpi: float) -> list[Path]:
    """Write `jsonl/<split>.jsonl` for every split that holds documents; return them."""
    written: list[Path] = []
    for split in snapshot.splits:
        path = root / jsonl_path(split)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            for row in region_rows(snapshot, split, dpi):
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        written.append(path)
    return written
