"""What the mouse and the arrow keys do to a big selection (selection_layer.py).

Composed into the canvas view (page_canvas.py) like CanvasEdits: a selection of more than
BIG_SELECTION regions has no item per region to take Qt's presses and drags, so these
gestures are mapped here. A press on one of it starts moving them all (the one item that
paints them follows the mouse, stopped at the page edge as a group); the release writes one
move of every region (one command, one undo step). A click selects only the region clicked,
as a click on one of a few lifted items does; Ctrl or Shift toggles a region in or out. A
held arrow key moves the item the same way and is written when the key is released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from . import undo
from .canvas_tool import is_drag
from .region_layer import RegionEntry

if TYPE_CHECKING:
    from .page_canvas import PageCanvas


class BigSelectionGestures:
    """Drag and nudge of a big selection; each is idle (False) when there is none."""

    def __init__(self, canvas: PageCanvas) -> None:
        self.canvas = canvas
        self._press: tuple[QPointF, str] | None = None  # where a drag began, on which region
        self._nudge: tuple[float, float] | None = None  # an arrow key held: the shift so far

    def press(self, under: RegionEntry, event: QMouseEvent) -> bool:
        """A left press on a region: True when it was taken here; False when there is no
        big selection, or the press was on a region outside it (which is then selected
        alone, and the canvas lets its item take the press as usual)."""
        canvas = self.canvas
        bulk = canvas.regions.bulk
        if not bulk:
            return False
        rid = under.region_id
        mods = event.modifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            canvas.tool.cancel()
            ids = canvas.selected_ids()
            canvas.select_regions([r for r in ids if r != rid] if rid in bulk else [*ids, rid])
            event.accept()
            return True
        if rid not in bulk:
            canvas.select_regions([rid])
            return False
        self._press = (canvas.mapToScene(event.position().toPoint()), rid)
        canvas.tool.begin_edit(bulk.moved_boxes())
        event.accept()
        return True

    def drag_to(self, scene_pos: QPointF) -> bool:
        """The mouse moved during a drag of the selection: it follows, kept on the page."""
        if self._press is None:
            return False
        start = self._press[0]
        bulk = self.canvas.regions.bulk
        dx, dy = scene_pos.x() - start.x(), scene_pos.y() - start.y()
        bulk.setPos(*self.canvas.tool.group_shift(bulk.extent(), dx, dy))
        return True

    def release(self, pos: QPoint) -> bool:
        """The left button released: a drag is written as one move; a click selects only
        the region clicked."""
        if self._press is None:
            return False
        canvas = self.canvas
        rid, self._press = self._press[1], None
        press = canvas.tool.press_pos
        at = float(pos.x()), float(pos.y())
        outcome = canvas.tool.release_edit(at, canvas.regions.bulk.moved_boxes())
        if outcome.moves:
            canvas.edits.move(outcome.moves)
            return True
        canvas.regions.bulk.setPos(0.0, 0.0)
        if press is not None and not is_drag(press, at):
            canvas.select_regions([rid])
        return True

    def hold_nudge(self, dx: float, dy: float) -> bool:
        """An arrow press while the key is held: the selection moves on screen only,
        stopped at the page edge as a group; written on release (end_nudge)."""
        bulk = self.canvas.regions.bulk
        if not bulk:
            return False
        sx, sy = self._nudge or (0.0, 0.0)
        self._nudge = self.canvas.tool.group_shift(bulk.extent(), sx + dx, sy + dy)
        bulk.setPos(*self._nudge)
        return True

    def end_nudge(self) -> bool:
        """The arrow key released: one move of every region of the selection."""
        if self._nudge is None:
            return False
        self._nudge = None
        bulk = self.canvas.regions.bulk
        moves = [(rid, box.rounded()) for rid, box in bulk.moved_boxes().items()]
        if moves and bulk.shift() != (0.0, 0.0):
            self.canvas.edits.run(undo.nudge(self.canvas.session, moves))
        return True
