"""COCO detection annotations per split, for pycocotools, detectron2, mmdetection and friends.

Layout (shared with YOLO so page images are written once):
`images/<split>/<sha256[:16]>_p<page>.png` and `annotations/instances_<split>.json`.
Boxes are scaled from PDF points (displayed page space) to pixels of those images.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..core.records import PageRecord
from .images import image_name, pixel_box, pixel_size
from .snapshot import ReleaseSnapshot, SnapshotDocument

Sizes = dict[tuple[str, int], tuple[int, int]]


def annotation_path(split: str) -> str:
    return f"annotations/instances_{split}.json"


def categories(snapshot: ReleaseSnapshot) -> list[dict[str, Any]]:
    """Schema classes in schema order; id = position + 1, so ids are stable per schema."""
    return [
        {"id": i + 1, "name": c.name, "supercategory": c.parent or "layout", "key": c.key}
        for i, c in enumerate(snapshot.classes)
    ]


def _info(snapshot: ReleaseSnapshot, split: str, dpi: float) -> dict[str, Any]:
    return {
        "description": f"{snapshot.dataset} {snapshot.name} ({split})",
        "version": snapshot.semantic_version(),
        "year": int(snapshot.created_at[:4]) if snapshot.created_at[:4].isdigit() else None,
        "contributor": snapshot.created_by,
        "date_created": snapshot.created_at,
        "schema_version": snapshot.schema_version,
        "dpi": dpi,
    }


def _pages(
    snapshot: ReleaseSnapshot, split: str, dpi: float, sizes: Sizes
) -> Iterator[tuple[int, SnapshotDocument, PageRecord, tuple[int, int]]]:
    for image_id, (doc, page) in enumerate(snapshot.pages_in(split), start=1):
        size = sizes.get((doc.document.sha256, page.page)) or pixel_size(
            page.width, page.height, dpi
        )
        yield image_id, doc, page, size


def coco_images(
    snapshot: ReleaseSnapshot, split: str, dpi: float, sizes: Sizes
) -> Iterator[dict[str, Any]]:
    """The split's `images` entries, one page at a time."""
    for image_id, doc, page, size in _pages(snapshot, split, dpi, sizes):
        sha = doc.document.sha256
        yield {
            "id": image_id,
            "file_name": image_name(sha, page.page),
            "width": size[0],
            "height": size[1],
            "document_sha256": sha,
            "document_filename": doc.document.filename,
            "page": page.page + 1,
            "page_width_pt": page.width,
            "page_height_pt": page.height,
            "rotation": page.rotation,
        }


def coco_annotations(
    snapshot: ReleaseSnapshot, split: str, dpi: float, sizes: Sizes
) -> Iterator[dict[str, Any]]:
    """The split's `annotations`, one region at a time (ids follow `coco_images`)."""
    index = snapshot.class_index()
    ann_id = 0
    for image_id, doc, page, size in _pages(snapshot, split, dpi, sizes):
        for region in snapshot.regions_on(doc.document.id, page.page):
            x0, y0, x1, y1 = pixel_box(region.box, dpi, size)
            w, h = round(x1 - x0, 2), round(y1 - y0, 2)
            ann_id += 1
            yield {
                "id": ann_id,
                "image_id": image_id,
                "category_id": index[region.class_key] + 1,
                "bbox": [x0, y0, w, h],
                "area": round(w * h, 2),
                "iscrowd": 0,
                "segmentation": [[x0, y0, x1, y0, x1, y1, x0, y1]],
                "region_id": region.id,
                "class_key": region.class_key,
                "attributes": dict(region.attrs),
                "text": region.text,
                **snapshot.provenance(region).to_json(),
                "model_name": region.model_name,
                "model_version": region.model_version,
                "confidence": region.confidence,
            }


def coco_split(
    snapshot: ReleaseSnapshot, split: str, dpi: float, sizes: Sizes | None = None
) -> dict[str, Any]:
    """The COCO dictionary for one split (images, annotations, categories)."""
    sizes = sizes or {}
    return {
        "info": _info(snapshot, split, dpi),
        "licenses": [],
        "images": list(coco_images(snapshot, split, dpi, sizes)),
        "annotations": list(coco_annotations(snapshot, split, dpi, sizes)),
        "categories": categories(snapshot),
    }


def _write_array(f: TextIO, items: Iterator[dict[str, Any]]) -> None:
    f.write("[")
    for i, item in enumerate(items):
        if i:
            f.write(",")
        f.write(json.dumps(item, ensure_ascii=False))
    f.write("]")


def write_coco(
    snapshot: ReleaseSnapshot, root: Path, dpi: float, sizes: Sizes | None = None
) -> list[Path]:
    """Write `annotations/instances_<split>.json` for every split that holds documents;
    return the files written.

    Streamed: the file is the same JSON as `coco_split` gives, written entry by entry in
    two passes over the pages (images, then annotations), so a split of any size never
    sits in memory as one dictionary.
    """
    sizes = sizes or {}
    written: list[Path] = []
    for split in snapshot.splits:
        path = root / annotation_path(split)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(
                '{"info": '
                + json.dumps(_info(snapshot, split, dpi), ensure_ascii=False)
                + ', "licenses": [], "images": '
            )
            _write_array(f, coco_images(snapshot, split, dpi, sizes))
            f.write(', "annotations": ')
            _write_array(f, coco_annotations(snapshot, split, dpi, sizes))
            f.write(', "categories": ' + json.dumps(categories(snapshot), ensure_ascii=False) + "}")
        written.append(path)
    return written
