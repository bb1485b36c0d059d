"""The drawing/selection tool of the page canvas as plain Python (imports no Qt).

The canvas view (page_canvas.py) maps Qt mouse and key events onto this model and paints
what it says; the model holds the interaction state (current class, snap, the gesture in
progress, the clipboard, the selection last announced) and makes the decisions (is this a
click or a drag, where does a drawn box end, what does a paste or a nudge produce), so they
can be tested without a display. Points are (x, y) tuples: view pixels for gestures, PDF
points (the page's displayed space) for boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..core.geometry import Box

MIN_DRAG_PX = 3.0
NUDGE_PT = 1.0
NUDGE_BIG_PT = 10.0
PASTE_OFFSET_PT = 10.0

Point = tuple[float, float]


class Press(Enum):
    """What a mouse press starts."""

    pan = "pan"  # middle button, or Space + left button: scroll the view
    edit = "edit"  # on a region: the items select, move or resize themselves
    rubber_band = "rubber_band"  # Ctrl/Shift on empty page: select by area
    draw = "draw"  # empty page: draw a new box
    ignore = "ignore"  # not ours (right button, no page)


@dataclass(frozen=True)
class Clip:
    """A copied region: enough to paste it on any page."""

    document_id: int
    page: int
    box: Box
    class_key: str
    attrs: dict[str, Any]


@dataclass(frozen=True)
class EditOutcome:
    """The end of a move/resize gesture: one move command, or put the boxes back (a tiny
    drag is a click), or nothing changed."""

    moves: list[tuple[str, Box]] = field(default_factory=list)
    revert: dict[str, Box] = field(default_factory=dict)


def is_drag(a: Point, b: Point) -> bool:
    """A press and release this far apart (view pixels) is a drag, not a click."""
    return max(abs(a[0] - b[0]), abs(a[1] - b[1])) >= MIN_DRAG_PX


def nudge_step(dx_sign: int, dy_sign: int, big: bool) -> tuple[float, float]:
    """How far an arrow key moves the selection (Shift: ten times further)."""
    step = NUDGE_BIG_PT if big else NUDGE_PT
    return dx_sign * step, dy_sign * step


class CanvasTool:
    """Interaction state and decisions of the page canvas."""

    def __init__(self, current_class: str) -> None:
        self.current_class = current_class
        self.snap = False
        self.space_down = False
        self.page_size: tuple[float, float] | None = None  # points; None: no page shown
        self.document_id: int | None = None
        self.page: int | None = None
        self.press_pos: Point | None = None  # a left-button gesture is in progress
        self.pan_from: Point | None = None
        self.draw_from: Point | None = None  # page point where the drawn box starts
        self.press_boxes: dict[str, Box] = {}  # selected boxes when a move/resize began
        self.rubber_band = False
        self.clipboard: list[Clip] = []
        self.paste_count = 0
        self.pending_selection: list[str] | None = None  # select these after the next load
        self.last_selection: list[str] = []

    # --- page and gestures -------------------------------------------------------------

    def set_page(self, document_id: int, page: int, width: float, height: float) -> None:
        """A page is shown: gestures stop; pasting cascades again on a new document."""
        if self.document_id != document_id:
            self.paste_count = 0
        self.document_id, self.page = document_id, page
        self.page_size = (width, height)
        self.cancel()

    def cancel(self) -> None:
        self.draw_from = None
        self.pan_from = None
        self.press_pos = None
        self.press_boxes = {}

    @property
    def gesture_in_progress(self) -> bool:
        return self.press_pos is not None

    def press(
        self,
        pos: Point,
        page_point: Point,
        *,
        left: bool,
        middle: bool,
        on_region: bool,
        force_draw: bool,
        extend: bool,
    ) -> Press:
        """A mouse press at view pixel `pos` (page point `page_point`): what it starts."""
        if middle or (left and self.space_down):
            self.pan_from = pos
            return Press.pan
        if not left or self.page_size is None:
            return Press.ignore
        self.press_pos = pos
        if on_region and not force_draw:
            return Press.edit
        if extend:
            self.rubber_band = True
            return Press.rubber_band
        self.draw_from = self.clamp_point(page_point)
        return Press.draw

    def begin_edit(self, boxes: dict[str, Box]) -> None:
        """The selected regions' boxes when a move or resize begins."""
        self.press_boxes = dict(boxes)

    def pan_by(self, pos: Point) -> tuple[float, float]:
        """How far the view scrolls for a pan step to `pos`."""
        assert self.pan_from is not None
        dx, dy = pos[0] - self.pan_from[0], pos[1] - self.pan_from[1]
        self.pan_from = pos
        return dx, dy

    def end_pan(self) -> None:
        self.pan_from = None

    def draft(self, page_point: Point) -> Box:
        """The box being drawn, from its start to `page_point` (kept on the page)."""
        assert self.draw_from is not None
        x0, y0 = self.draw_from
        x1, y1 = self.clamp_point(page_point)
        return Box.normalized(x0, y0, x1, y1)

    def release_draw(self, pos: Point, page_point: Point) -> Box | None:
        """The drawn box to add, or None for a click on the empty page (deselect)."""
        press, start = self.press_pos, self.draw_from
        self.press_pos, self.draw_from = None, None
        if press is None or start is None or not is_drag(press, pos):
            return None
        x1, y1 = self.clamp_point(page_point)
        return Box.normalized(start[0], start[1], x1, y1).rounded()

    def end_rubber_band(self) -> None:
        self.press_pos = None
        self.rubber_band = False

    def release_edit(self, pos: Point, now: dict[str, Box]) -> EditOutcome:
        """After a move or resize: the boxes that changed as one move, or a revert when the
        gesture was too small to be a drag."""
        press, before = self.press_pos, self.press_boxes
        self.press_pos, self.press_boxes = None, {}
        moved = [
            (rid, now[rid].rounded())
            for rid, old in before.items()
            if rid in now and now[rid].rounded() != old.rounded()
        ]
        if not moved:
            return EditOutcome()
        if press is None or not is_drag(press, pos):
            return EditOutcome(revert={rid: old for rid, old in before.items() if rid in now})
        return EditOutcome(moves=self.group_clamped(moved))

    # --- geometry ------------------------------------------------------------------------

    def clamp_point(self, p: Point) -> Point:
        if self.page_size is None:
            return p
        w, h = self.page_size
        return min(max(p[0], 0.0), w), min(max(p[1], 0.0), h)

    def clamped(self, box: Box) -> Box:
        """Shift a box back onto the page (and clip it if it is larger than the page)."""
        assert self.page_size is not None
        w, h = self.page_size
        dx = -box.x0 if box.x0 < 0 else min(0.0, w - box.x1)
        dy = -box.y0 if box.y0 < 0 else min(0.0, h - box.y1)
        return box.translated(dx, dy).clipped(w, h).rounded()

    def group_clamped(self, boxes: list[tuple[str, Box]]) -> list[tuple[str, Box]]:
        """Boxes dragged together, shifted back onto the page together: the group keeps
        its shape at the page edge (as labelme does); one box clamps on its own."""
        assert self.page_size is not None
        w, h = self.page_size
        x0, y0 = min(b.x0 for _, b in boxes), min(b.y0 for _, b in boxes)
        x1, y1 = max(b.x1 for _, b in boxes), max(b.y1 for _, b in boxes)
        if len(boxes) < 2 or x1 - x0 > w or y1 - y0 > h:
            return [(rid, self.clamped(b)) for rid, b in boxes]
        dx = -x0 if x0 < 0 else min(0.0, w - x1)
        dy = -y0 if y0 < 0 else min(0.0, h - y1)
        return [(rid, b.translated(dx, dy).clipped(w, h).rounded()) for rid, b in boxes]

    def group_shift(self, extent: Box | None, dx: float, dy: float) -> tuple[float, float]:
        """How far a group (the box around it: `extent`) can move by (dx, dy) and stay on
        the page: stopped at the edge as one, keeping its shape."""
        if extent is None or self.page_size is None:
            return dx, dy
        w, h = self.page_size
        if extent.width <= w:
            dx = min(max(dx, -extent.x0), w - extent.x1)
        if extent.height <= h:
            dy = min(max(dy, -extent.y0), h - extent.y1)
        return dx, dy

    def nudged(self, boxes: dict[str, Box], dx: float, dy: float) -> list[tuple[str, Box]]:
        """The moves of a nudge (regions already against the page edge stay)."""
        moves = []
        for rid, box in boxes.items():
            b = self.clamped(box.translated(dx, dy))
            if b != box:
                moves.append((rid, b))
        return moves

    # --- clipboard -----------------------------------------------------------------------

    def copy(self, clips: list[Clip]) -> int:
        self.clipboard = list(clips)
        self.paste_count = 0
        return len(self.clipboard)

    def paste_items(self) -> list[tuple[Box, str, dict[str, Any]]]:
        """What a paste adds: offset by 10 pt on the copied regions' own page (cascading on
        each paste), at the same place on another page; kept inside the page."""
        if not self.clipboard or self.page_size is None:
            return []
        same_page = all(
            c.document_id == self.document_id and c.page == self.page for c in self.clipboard
        )
        if same_page:
            self.paste_count += 1
        offset = PASTE_OFFSET_PT * self.paste_count if same_page else 0.0
        return [
            (self.clamped(c.box.translated(offset, offset)), c.class_key, c.attrs)
            for c in self.clipboard
        ]

    # --- selection -----------------------------------------------------------------------

    def keep_selected(self, selected_now: list[str]) -> set[str]:
        """Which regions stay selected after a reload: those just created, else the same."""
        chosen = self.pending_selection if self.pending_selection is not None else selected_now
        self.pending_selection = None
        return set(chosen)

    def selection_changed(self, ids: list[str]) -> bool:
        """True (and remembered) when the selection differs from the one last announced."""
        if ids == self.last_selection:
            return False
        self.last_selection = list(ids)
        return True
