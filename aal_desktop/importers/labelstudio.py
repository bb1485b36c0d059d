"""Label Studio JSON export: a list of tasks, each with `data` (the image) and `annotations`
whose `result` items hold `value` {x, y, width, height, rotation} in PERCENT of the image,
with `original_width/original_height` in pixels beside them.

`rotation` turns the box clockwise around its top-left corner (not its centre: where Label
Studio's own converters go wrong, label-studio-converter#131), so it is applied in pixels
before taking the bounding box. Polygons (`points` in percent) become their bounding box.
Predictions are imported only for tasks without annotations (with their score). Relations,
choices, text areas and cancelled annotations are not carried over.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from . import shapes
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes

BOX_TYPES = {"rectanglelabels", "rectangle", "labels"}
POLY_TYPES = {"polygonlabels", "polygon"}
IMAGE_KEYS = ("image", "img", "ocr", "page", "url")


def _image_ref(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for k in IMAGE_KEYS:
        if isinstance(data.get(k), str):
            return data[k]
    return next((v for v in data.values() if isinstance(v, str)), None)


def _label(value: dict[str, Any]) -> str | None:
    for k in ("rectanglelabels", "polygonlabels", "labels"):
        if isinstance(value.get(k), list) and value[k]:
            return str(value[k][0])
    return None


def _annotator(ann: dict[str, Any]) -> str | None:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if isinstance(who, int):
        return f"labelstudio user {who}"  # exports often give only the numeric id
    return None if who is None else str(who)


def _result(
    res: dict[str, Any],
    fid: str,
    page: str,
    score: float | None,
    annotator: str | None,
    source: Path,
) -> ForeignBox | None:
    kind = res.get("type")
    value = res.get("value")
    if kind not in BOX_TYPES | POLY_TYPES or not isinstance(value, dict):
        return None
    label = _label(value)
    if label is None:
        return None
    ow, oh = res.get("original_width"), res.get("original_height")
    # pixels when the export says how big the image was; else percent, both ways
    fx = number(ow, "original_width", source) / 100 if ow else 1.0
    fy = number(oh, "original_height", source) / 100 if oh else 1.0
    base = ForeignBox(
        foreign_id=fid, page_key=page, label=label, box=None, score=score, annotator=annotator
    )
    if kind in POLY_TYPES:
        pts = [
            (number(p[0], "point x", source) * fx, number(p[1], "point y", source) * fy)
            for p in value.get("points") or []
            if isinstance(p, list) and len(p) == 2
        ]
        box = shapes.bounds(pts)
        if box is None:
            return replace(base, box=None, skip="empty")
        rect = shapes.is_axis_aligned_rectangle(pts)
        return replace(base, box=box, reduced=None if rect else shapes.POLYGON)
    if "x" not in value or "width" not in value:
        return replace(base, box=None, skip="empty")
    x, y = number(value["x"], "x", source) * fx, number(value["y"], "y", source) * fy
    w = number(value["width"], "width", source) * fx
    h = number(value["height"], "height", source) * fy
    rot = number(value.get("rotation") or 0, "rotation", source) % 360
    if w <= 0 or h <= 0:
        return replace(base, box=None, skip="empty")
    if rot:
        box = shapes.bounds(shapes.rotated_rect(x, y, w, h, rot, pivot="top-left"))
        return replace(base, box=box, reduced=shapes.ROTATED)
    return replace(base, box=(x, y, x + w, y + h))


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: not valid JSON ({exc})") from None
    tasks = [doc] if isinstance(doc, dict) else doc
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise ValidationFailed(f"{path}: not a Label Studio JSON export (a list of tasks)")
    pages: list[ForeignPage] = []
    boxes: list[ForeignBox] = []
    for ti, task in enumerate(tasks):
        tid = str(task.get("id", ti))
        ref = _image_ref(task.get("data"))
        anns = [
            a
            for a in task.get("annotations") or []
            if isinstance(a, dict) and not a.get("was_cancelled")
        ]
        sources = anns or [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        size = None
        for ann in sources:
            aid = str(ann.get("id", "a"))
            score = ann.get("score") if not anns else None
            for ri, res in enumerate(ann.get("result") or []):
                if not isinstance(res, dict):
                    continue
                fid = f"{tid}/{aid}/{res.get('id', ri)}"
                box = _result(
                    res,
                    fid,
                    tid,
                    score if isinstance(score, int | float) else None,
                    _annotator(ann),
                    path,
                )
                if box is not None:
                    boxes.append(box)
                    if res.get("original_width") and res.get("original_height"):
                        size = (float(res["original_width"]), float(res["original_height"]))
        pages.append(
            ForeignPage(
                key=tid,
                image_name=ref,
                width=size[0] if size else 100.0,
                height=size[1] if size else 100.0,
            )
        )
    return ForeignFile(
        "labelstudio",
        Path(path),
        sha,
        tuple(pages),
        tuple(boxes),
        notes=("Label Studio relations, choices and text areas are not carried over",),
    )
