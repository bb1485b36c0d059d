"""A grid index of a page's region boxes (imports no Qt), for hit-testing and painting.

One layer item paints every region of a page, so "which region is under the mouse" and
"which regions does this exposed rect touch" are answered here instead of by thousands of
QGraphicsItems: a uniform grid of cells (page points) maps to the ids whose box touches it.
Under a point the smallest box wins, as smaller boxes are drawn above larger ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.geometry import Box

CELL_PT = 48.0


class RegionIndex:
    """Boxes by id, bucketed in a grid of CELL_PT cells."""

    def __init__(self, cell: float = CELL_PT) -> None:
        self.cell = cell
        self._boxes: dict[str, Box] = {}
        self._cells: dict[tuple[int, int], set[str]] = {}

    def __len__(self) -> int:
        return len(self._boxes)

    def __contains__(self, rid: object) -> bool:
        return rid in self._boxes

    def _span(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for cx in range(int(box.x0 // c), int(box.x1 // c) + 1):
            for cy in range(int(box.y0 // c), int(box.y1 // c) + 1):
                yield cx, cy

    def clear(self) -> None:
        self._boxes.clear()
        self._cells.clear()

    def put(self, rid: str, box: Box) -> None:
        """Add a box, or move it when the id is already indexed."""
        if rid in self._boxes:
            self.remove(rid)
        self._boxes[rid] = box
        for key in self._span(box):
            self._cells.setdefault(key, set()).add(rid)

    def remove(self, rid: str) -> None:
        box = self._boxes.pop(rid, None)
        if box is None:
            return
        for key in self._span(box):
            bucket = self._cells.get(key)
            if bucket is not None:
                bucket.discard(rid)
                if not bucket:
                    del self._cells[key]

    def box(self, rid: str) -> Box | None:
        return self._boxes.get(rid)

    def ids(self) -> list[str]:
        return list(self._boxes)

    def in_rect(self, x0: float, y0: float, x1: float, y1: float) -> set[str]:
        """Ids of the boxes that intersect the rect (edges touching count)."""
        if len(self._boxes) <= 64:
            candidates: Iterable[str] = self._boxes
        else:
            found: set[str] = set()
            for key in self._span(Box.normalized(x0, y0, x1, y1)):
                bucket = self._cells.get(key)
                if bucket:
                    found |= bucket
            candidates = found
        out = set()
        for rid in candidates:
            b = self._boxes[rid]
            if b.x0 <= x1 and b.x1 >= x0 and b.y0 <= y1 and b.y1 >= y0:
                out.add(rid)
        return out

    def at(self, x: float, y: float, slack: float = 0.0) -> list[str]:
        """Ids of the boxes within `slack` of the point: those containing it first, then
        the smallest box first."""
        hits = self.in_rect(x - slack, y - slack, x + slack, y + slack)
        boxes = self._boxes

        def rank(r: str) -> tuple[bool, float, str]:
            b = boxes[r]
            inside = b.x0 <= x <= b.x1 and b.y0 <= y <= b.y1
            return not inside, b.width * b.height, r

        return sorted(hits, key=rank)

    def inside(self, x0: float, y0: float, x1: float, y1: float) -> set[str]:
        """Ids of the boxes wholly inside the rect."""
        return {
            rid
            for rid in self.in_rect(x0, y0, x1, y1)
            if (b := self._boxes[rid]).x0 >= x0 and b.x1 <= x1 and b.y0 >= y0 and b.y1 <= y1
        }
