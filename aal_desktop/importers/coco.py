"""COCO detection JSON (PubLayNet, DocLayNet, model outputs, our own releases).

`bbox` is `[x, y, width, height]` in pixels of the image, origin top-left. `segmentation`
may hold polygons (`[[x0, y0, x1, y1, ...]]`) or a run-length mask: the box is `bbox` when
given, else the polygons' bounds. Page hints, where a variant carries them: DocLayNet's
`doc_name`/`original_filename` + `page_no` and `original_width/height` (points of the
original page, also under `metadata`), our releases' `document_sha256` + `page` (1-based)
+ `page_width_pt/page_height_pt`.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from . import shapes
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes


def _meta(image: dict[str, Any]) -> dict[str, Any]:
    nested = image.get("metadata")
    return {**(nested if isinstance(nested, dict) else {}), **image}


def _page(image: dict[str, Any], source: Path) -> ForeignPage:
    m = _meta(image)
    if "id" not in image:
        raise ValidationFailed(f"{source}: an entry of 'images' has no 'id'")
    width = m.get("width", m.get("coco_width"))
    height = m.get("height", m.get("coco_height"))
    size_pt = None
    for wk, hk in (("page_width_pt", "page_height_pt"), ("original_width", "original_height")):
        if m.get(wk) and m.get(hk):
            size_pt = (number(m[wk], wk, source), number(m[hk], hk, source))
            break
    page_hint, base = None, None
    if isinstance(m.get("document_sha256"), str) and isinstance(m.get("page"), int):
        page_hint, base = m["page"], 1  # our own release
    elif isinstance(m.get("page_no"), int):
        page_hint = m["page_no"]
    doc_name = m.get("doc_name") or m.get("original_filename") or m.get("document_filename")
    return ForeignPage(
        key=str(image["id"]),
        image_name=m.get("file_name"),
        width=number(width, "image width", source) if width else None,
        height=number(height, "image height", source) if height else None,
        page_hint=page_hint,
        page_base=base,
        document_name=doc_name if isinstance(doc_name, str) else None,
        document_sha256=m.get("document_sha256")
        if isinstance(m.get("document_sha256"), str)
        else None,
        page_size_pt=size_pt,
    )


def _uuid(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def _box(ann: dict[str, Any], index: int, labels: dict[Any, str], source: Path) -> ForeignBox:
    fid = str(ann.get("id", f"#{index}"))
    page_key = str(ann.get("image_id"))
    label = labels.get(ann.get("category_id"))
    if label is None:
        raise ValidationFailed(
            f"{source}: annotation {fid} names category_id "
            f"{ann.get('category_id')!r}, which 'categories' does not list"
        )
    score = ann.get("score", ann.get("confidence"))
    attrs = ann.get("attributes")
    common: dict[str, Any] = {
        "foreign_id": fid,
        "page_key": page_key,
        "label": label,
        "score": float(score) if isinstance(score, int | float) else None,
        "annotator": ann.get("annotator") if isinstance(ann.get("annotator"), str) else None,
        "attributes": tuple(sorted(attrs.items())) if isinstance(attrs, dict) else (),
        "region_id": _uuid(ann.get("region_id")),
    }
    seg = ann.get("segmentation")
    polygons = (
        [p for p in seg if isinstance(p, list) and len(p) >= 6] if isinstance(seg, list) else []
    )
    points = [pt for p in polygons for pt in shapes.flat_pairs(p)]
    reduced = None
    if isinstance(seg, dict):
        reduced = "mask → box"
    elif points and not (len(polygons) == 1 and shapes.is_axis_aligned_rectangle(points)):
        reduced = shapes.POLYGON
    bbox = ann.get("bbox")
    if isinstance(bbox, list) and len(bbox) == 4:
        x, y, w, h = (number(v, f"bbox of annotation {fid}", source) for v in bbox)
        if w <= 0 or h <= 0:
            return ForeignBox(box=None, skip="empty", **common)
        return ForeignBox(box=(x, y, x + w, y + h), reduced=reduced, **common)
    box = shapes.bounds(points)
    if box is None:
        return ForeignBox(box=None, skip="empty", **common)
    return ForeignBox(box=box, reduced=reduced or shapes.POLYGON, **common)


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: not valid JSON ({exc})") from None
    if isinstance(doc, list):
        raise ValidationFailed(
            f"{path}: a COCO results list names no images; import the "
            "dataset file that has 'images', 'annotations' and 'categories'"
        )
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise ValidationFailed(f"{path}: not a COCO file (no 'images' list)")
    # our own releases add the class key beside the display name: the key is stable
    labels = {
        c.get("id"): str(c.get("key") or c.get("name"))
        for c in doc.get("categories") or []
        if isinstance(c, dict)
    }
    pages = tuple(_page(img, path) for img in doc["images"] if isinstance(img, dict))
    anns = [a for a in doc.get("annotations") or [] if isinstance(a, dict)]
    boxes = tuple(_box(a, i, labels, path) for i, a in enumerate(anns))
    return ForeignFile(
        "coco",
        Path(path),
        sha,
        pages,
        boxes,
        notes=(
            "segmentation polygons and masks are kept only as their box",
            "iscrowd and area are not carried over",
        ),
    )
