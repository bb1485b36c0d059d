"""CVAT for images 1.1 XML: `<image name width height>` holding `<box label xtl ytl xbr ybr
rotation>` and `<polygon points="x,y;x,y">`, in pixels of that image.

`rotation` turns a box clockwise around its centre; it becomes the bounding box (counted):
CVAT itself loses it on re-import (cvat#4745). Polylines, points and tags have no area and
are skipped. `<attribute>` values go to the class's attributes of the same name (dropped,
and counted, where the class has no such attribute); `occluded`, `z_order` and `group_id` are
not carried over. CVAT for video (tracks) is refused: export as CVAT for images.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

from ..core.errors import ValidationFailed
from . import shapes
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes

NOT_AN_AREA = "not an area (line or point)"


def safe_xml(data: bytes, source: Path) -> ET.Element:
    """Parse XML refusing DTDs (entity expansion has no place in an annotation file)."""
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise ValidationFailed(f"{source}: XML with a DOCTYPE or entities is not accepted")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValidationFailed(f"{source}: not valid XML ({exc})") from None


def _shape(el: ET.Element, fid: str, page: str, source: Path) -> ForeignBox:
    label = el.get("label") or ""
    attrs = tuple((a.get("name") or "", a.text or "") for a in el.findall("attribute"))
    base = ForeignBox(foreign_id=fid, page_key=page, label=label, box=None, attributes=attrs)
    if el.tag == "box":
        x0, y0, x1, y1 = (
            number(el.get(k), f"{k} of box {fid}", source) for k in ("xtl", "ytl", "xbr", "ybr")
        )
        rot = number(el.get("rotation") or 0, "rotation", source) % 360
        if x1 <= x0 or y1 <= y0:
            return replace(base, box=None, skip="empty")
        if rot:
            pts = shapes.rotated_rect(x0, y0, x1 - x0, y1 - y0, rot, pivot="center")
            return replace(base, box=shapes.bounds(pts), reduced=shapes.ROTATED)
        return replace(base, box=(x0, y0, x1, y1))
    if el.tag == "polygon":
        try:
            pts = shapes.parse_point_list(el.get("points") or "")
        except ValueError:
            raise ValidationFailed(f"{source}: polygon {fid} has bad points") from None
        box = shapes.bounds(pts)
        if box is None:
            return replace(base, box=None, skip="empty")
        rect = shapes.is_axis_aligned_rectangle(pts)
        return replace(base, box=box, reduced=None if rect else shapes.POLYGON)
    if el.tag == "ellipse":
        cx, cy, rx, ry = (
            number(el.get(k), f"{k} of ellipse {fid}", source) for k in ("cx", "cy", "rx", "ry")
        )
        return replace(base, box=(cx - rx, cy - ry, cx + rx, cy + ry), reduced="ellipse → box")
    if el.tag == "mask":
        left, top = (number(el.get(k), k, source) for k in ("left", "top"))
        w, h = (number(el.get(k), k, source) for k in ("width", "height"))
        return replace(base, box=(left, top, left + w, top + h), reduced="mask → box")
    return replace(base, box=None, skip=NOT_AN_AREA)


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    root = safe_xml(data, path)
    if root.tag != "annotations":
        raise ValidationFailed(f"{path}: not a CVAT XML file (root <{root.tag}>)")
    images = root.findall("image")
    if not images and root.find("track") is not None:
        raise ValidationFailed(
            f"{path}: CVAT for video 1.1 (tracks) is not supported; "
            "export the task as 'CVAT for images 1.1'"
        )
    pages, boxes = [], []
    for n, img in enumerate(images):
        key = img.get("id") or str(n)
        w, h = img.get("width"), img.get("height")
        pages.append(
            ForeignPage(
                key=key,
                image_name=img.get("name"),
                width=number(w, "image width", path) if w else None,
                height=number(h, "image height", path) if h else None,
            )
        )
        for i, el in enumerate(img):
            if el.tag in (
                "box",
                "polygon",
                "polyline",
                "points",
                "ellipse",
                "mask",
                "skeleton",
                "cuboid",
            ):
                boxes.append(_shape(el, f"{key}/{i}", key, path))
    return ForeignFile(
        "cvat",
        Path(path),
        sha,
        tuple(pages),
        tuple(boxes),
        notes=("CVAT occluded, z_order and group_id are not carried over",),
    )
