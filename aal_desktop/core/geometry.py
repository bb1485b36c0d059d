"""Boxes in PDF points, in the page's displayed space (see DESIGN.md invariant 1)."""

from __future__ import annotations

from typing import NamedTuple


class Box(NamedTuple):
    """An axis-aligned box (x0, y0, x1, y1) in points, origin top-left of the displayed page."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def normalized(cls, x0: float, y0: float, x1: float, y1: float) -> Box:
        """Build a box from two corners given in any order (a drag can go any way)."""
        return cls(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def rounded(self, digits: int = 2) -> Box:
        """Round to 1/100 pt: finer than any screen, and stable in JSON and hashes."""
        return Box(*(round(v, digits) for v in self))

    def translated(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def within(self, width: float, height: float, tolerance: float = 0.01) -> bool:
        """True when the box lies on a page of that displayed size."""
        return (
            self.x0 >= -tolerance
            and self.y0 >= -tolerance
            and self.x1 <= width + tolerance
            and self.y1 <= height + tolerance
        )

    def clipped(self, width: float, height: float) -> Box:
        return Box(max(0.0, self.x0), max(0.0, self.y0), min(width, self.x1), min(height, self.y1))

    def scaled(self, factor: float) -> Box:
        """Points to pixels: factor = dpi / 72."""
        return Box(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)


def intersection_area(a: Box, b: Box) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def iou(a: Box, b: Box) -> float:
    """Intersection over union, the matching measure used by agreement and auto-label accuracy."""
    inter = intersection_area(a, b)
    if inter == 0.0:
        return 0.0
    return inter / (a.area + b.area - inter)
