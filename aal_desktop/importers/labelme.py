"""labelme JSON: one file per image, `shapes` with `label`, `points`, `shape_type`.

A rectangle is two corner points in the order they were dragged (any corner first,
labelme#507), so it is normalised here. Polygons and circles become their bounding box
(counted); lines and points have no area and are skipped. `imageWidth`/`imageHeight` give
the pixel frame; `imagePath` names the image, and `imageData` (base64) holds it when saved
with the image, so no --images folder is needed then. `group_id`, `flags` and `description`
are not carried over.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from . import shapes
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes

NOT_AN_AREA = "not an area (line or point)"


def _points(shape: dict[str, Any], fid: str, source: Path) -> list[tuple[float, float]]:
    pts = shape.get("points")
    if not isinstance(pts, list):
        raise ValidationFailed(f"{source}: shape {fid} has no points")
    out = []
    for p in pts:
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise ValidationFailed(f"{source}: shape {fid} has a point that is not [x, y]")
        out.append(
            (number(p[0], f"x of shape {fid}", source), number(p[1], f"y of shape {fid}", source))
        )
    return out


def _box(shape: dict[str, Any], i: int, source: Path) -> ForeignBox:
    fid = str(i)
    label = str(shape.get("label", ""))
    kind = shape.get("shape_type") or "polygon"
    pts = _points(shape, fid, source)
    base = ForeignBox(foreign_id=fid, page_key="0", label=label, box=None)
    if kind in ("line", "linestrip", "point", "points"):
        return replace(base, box=None, skip=NOT_AN_AREA)
    if kind == "circle" and len(pts) >= 2:
        (cx, cy), (ex, ey) = pts[0], pts[1]
        r = math.hypot(ex - cx, ey - cy)
        return replace(base, box=(cx - r, cy - r, cx + r, cy + r), reduced=shapes.CIRCLE)
    box = shapes.bounds(pts)
    if box is None:
        return replace(base, box=None, skip="empty")
    if kind == "rectangle":
        return replace(base, box=box)
    if kind == "mask":
        return replace(base, box=box, reduced="mask → box")
    rect = shapes.is_axis_aligned_rectangle(pts)
    return replace(base, box=box, reduced=None if rect else shapes.POLYGON)


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("shapes"), list):
        raise ValidationFailed(f"{path}: not a labelme file (no 'shapes' list)")
    embedded = None
    if isinstance(doc.get("imageData"), str) and doc["imageData"]:
        try:
            embedded = base64.b64decode(doc["imageData"], validate=False)
        except (binascii.Error, ValueError):
            embedded = None
    w, h = doc.get("imageWidth"), doc.get("imageHeight")
    page = ForeignPage(
        key="0",
        image_name=doc.get("imagePath") or f"{path.stem}.png",
        width=number(w, "imageWidth", path) if w else None,
        height=number(h, "imageHeight", path) if h else None,
        embedded_image=embedded,
    )
    boxes = tuple(_box(s, i, path) for i, s in enumerate(doc["shapes"]) if isinstance(s, dict))
    return ForeignFile(
        "labelme",
        Path(path),
        sha,
        (page,),
        boxes,
        notes=("labelme group_id, flags and descriptions are not carried over",),
    )
