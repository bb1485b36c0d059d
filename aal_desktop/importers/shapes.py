"""Shapes that are not boxes, reduced to the axis-aligned box around them (pure math)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .model import Corners

POLYGON = "polygon → box"
ROTATED = "rotated box → bounding box"
CIRCLE = "circle → box"


def bounds(points: Sequence[tuple[float, float]]) -> Corners | None:
    """The box around some points; None for fewer than two distinct corners."""
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def is_axis_aligned_rectangle(points: Sequence[tuple[float, float]], tol: float = 0.01) -> bool:
    """True when a polygon is exactly its own bounding box (4 corners on its edges), as the
    rectangles many tools write as polygons (our own COCO segmentation, PAGE XML Coords)."""
    b = bounds(points)
    if b is None or len(points) not in (4, 5):
        return False
    pts = list(points[:4])
    corners = {(b[0], b[1]), (b[2], b[1]), (b[2], b[3]), (b[0], b[3])}
    return all(any(abs(x - cx) <= tol and abs(y - cy) <= tol for cx, cy in corners) for x, y in pts)


def rotated_rect(
    x: float, y: float, w: float, h: float, degrees: float, pivot: str
) -> list[tuple[float, float]]:
    """Corners of a w×h box at (x, y) turned `degrees` clockwise on screen (y down)
    around its centre (CVAT) or its top-left corner (Label Studio)."""
    if pivot == "center":
        cx, cy = x + w / 2, y + h / 2
    else:
        cx, cy = x, y
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    out = []
    for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h)):
        dx, dy = px - cx, py - cy
        out.append((cx + dx * cos - dy * sin, cy + dx * sin + dy * cos))
    return out


def flat_pairs(values: Sequence[float]) -> list[tuple[float, float]]:
    """[x0, y0, x1, y1, ...] → [(x0, y0), (x1, y1), ...] (COCO segmentation polygons)."""
    return [(float(values[i]), float(values[i + 1])) for i in range(0, len(values) - 1, 2)]


def parse_point_list(text: str) -> list[tuple[float, float]]:
    """ "x,y x,y …" (PAGE XML) or "x,y;x,y" (CVAT) → points; bad pairs raise ValueError."""
    out = []
    for part in text.replace(";", " ").split():
        x, y = part.split(",")
        out.append((float(x), float(y)))
    return out
