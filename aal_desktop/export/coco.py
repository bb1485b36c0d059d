"""COCO detection annotations per split, for pycocotools, detectron2, mmdetection and friends.

Layout (shared with YOLO so page images are written once):
`images/<split>/<sha256[:16]>_p<page>.png` and `annotations/instances_<split>.json`.
Boxes are scaled from PDF points (displayed page space) to pixels of those images.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .images import image_name, pixel_box, pixel_size
from .snapshot import ReleaseSnapshot

Sizes = dict[tuple[str, int], tuple[int, int]]


def annotation_path(split: str) -> str:
    return f"annotations/instances_{split}.json"


def categories(snapshot: ReleaseSnapshot) -> list[dict[str, Any]]:
    """Schema classes in schema order; id = position + 1, so ids are stable per schema."""
    return [
        {"id": i + 1, "name": c.name, "supercategory": c.parent or "layout", "key": c.key}
        for i, c in enumerate(snapshot.classes)
    ]


def coco_split(snapshot: ReleaseSnapshot, split: str, dpi: float,
               sizes: Sizes | None = None) -> dict[str, Any]:
    """The COCO dictionary for one split (images, annotations, categories)."""
    sizes = sizes or {}
    index = snapshot.class_index()
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for doc, page in snapshot.pages_in(split):
        sha = doc.document.sha256
        size = sizes.get((sha, page.page)) or pixel_size(page.width, page.height, dpi)
        image_id = len(images) + 1
        images.append({
            "id": image_id, "file_name": image_name(sha, page.page),
            "width": size[0], "height": size[1],
            "document_sha256": sha, "document_filename": doc.document.filename,
            "page": page.page + 1, "page_width_pt": page.width, "page_height_pt": page.height,
            "rotation": page.rotation,
        })
        for region in snapshot.regions_on(doc.document.id, page.page):
            x0, y0, x1, y1 = pixel_box(region.box, dpi, size)
            w, h = round(x1 - x0, 2), round(y1 - y0, 2)
            annotations.append({
                "id": len(annotations) + 1, "image_id": image_id,
                "category_id": index[region.class_key] + 1,
                "bbox": [x0, y0, w, h], "area": round(w * h, 2), "iscrowd": 0,
                "segmentation": [[x0, y0, x1, y0, x1, y1, x0, y1]],
                "region_id": region.id, "class_key": region.class_key,
                "attributes": dict(region.attrs), "text": region.text,
                **snapshot.provenance(region).to_json(),
                "model_name": region.model_name, "model_version": region.model_version,
                "confidence": region.confidence,
            })
    return {
        "info": {
            "description": f"{snapshot.dataset} {snapshot.name} ({split})",
            "version": snapshot.semantic_version(),
            "year": int(snapshot.created_at[:4]) if snapshot.created_at[:4].isdigit() else None,
            "contributor": snapshot.created_by,
            "date_created": snapshot.created_at,
            "schema_version": snapshot.schema_version,
            "dpi": dpi,
        },
        "licenses": [],
        "images": images,
        "annotations": annotations,
        "categories": categories(snapshot),
    }


def write_coco(snapshot: ReleaseSnapshot, root: Path, dpi: float,
               sizes: Sizes | None = None) -> list[Path]:
    """Write `annotations/instances_<split>.json` for every split that holds documents;
    return the files written."""
    written: list[Path] = []
    for split in snapshot.splits:
        path = root / annotation_path(split)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(coco_split(snapshot, split, dpi, sizes), f, ensure_ascii=False)
        written.append(path)
    return written
