"""Editing gestures of the page canvas: draw, move/resize, rubber band, keys, clipboard, menu.

Split from page_canvas.py (one module, one job): this mixin turns mouse, keyboard and menu
gestures into edits. The canvas never writes to the database: every edit is one QUndoCommand
(ui/undo.py) pushed on the session's stack, and the items are redrawn from what the services
say happened. Panning (middle button, or Space + drag) rides on the same mouse handlers. The
mixin relies on the state and signals PageCanvas.__init__ sets up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPixmap,
)
from PySide6.QtWidgets import QGraphicsView, QMenu

from ..core.errors import AalError
from ..core.geometry import Box
from ..services import regions as region_service
from . import undo
from .region_items import RegionItem

MIN_DRAG_PX = 3.0
NUDGE_PT = 1.0
NUDGE_BIG_PT = 10.0
PASTE_OFFSET_PT = 10.0


@dataclass(frozen=True)
class _Clip:
    """A copied region: enough to paste it on any page."""

    document_id: int
    page: int
    box: Box
    class_key: str
    attrs: dict[str, Any]


class CanvasEditingMixin:
    """Gestures and edits of PageCanvas (mixed into a QGraphicsView)."""

    _clipboard: list[_Clip]
    _paste_count: int
    _pending_selection: list[str] | None

    # --- edits (each one QUndoCommand) ---------------------------------------------------

    def _run(self, command: undo.RegionCommand) -> list[region_service.Edit]:
        """Push one command; a refusal is shown (editFailed) and the items are redrawn.
        The canvas is the initiator: it shows what the services returned, skips the echo."""
        command.initiator = self
        try:
            edits = undo.execute(self.session, command)
        except AalError as exc:
            self.editFailed.emit(str(exc))
            self._load_regions()
            return []
        self._show_regions([e.after for e in edits])
        return edits

    def add_box(self, box: Box, class_key: str | None = None) -> str | None:
        """Add a region on the current page with the current class; returns its id."""
        if self._doc is None or self._page is None:
            return None
        key = class_key or self._current_class
        edits = self._run(undo.AddRegionsCommand(self.session, self._doc.id, self._page.page,
                                                 [(box, key, {})], snap=self._snap))
        if not edits:
            return None
        self._show_regions([], select=[edits[0].after.id])
        return edits[0].after.id

    def relabel_selection(self, class_key: str) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(undo.RelabelCommand(self.session, ids, class_key))

    def delete_selection(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(undo.DeleteCommand(self.session, ids))

    def accept_selection(self) -> None:
        ids = [i.region_id for i in self._selected_items() if i.pending]
        if ids:
            self._run(undo.AcceptPrelabelsCommand(self.session, ids))

    def nudge_selection(self, dx: float, dy: float) -> None:
        moves = []
        for item in self._selected_items():
            b = self._clamped(item.region.box.translated(dx, dy))
            if b != item.region.box:
                moves.append((item.region_id, b))
        if moves:
            n = len(moves)
            self._run(undo.MoveCommand(self.session, moves, snap=False,
                                       label=f"Nudge {n} region{'s' if n != 1 else ''}"))

    def copy_selection(self) -> int:
        """Remember the selected regions for pasting (on this page or another)."""
        self._clipboard = [
            _Clip(i.region.document_id, i.region.page, i.region.box, i.region.class_key,
                  dict(i.region.attrs))
            for i in self._selected_items()
        ]
        self._paste_count = 0
        return len(self._clipboard)

    def paste(self) -> list[str]:
        """Paste the copied regions: offset by 10 pt on their own page (cascading on each
        paste), at the same place on another page; kept inside the page."""
        if not self._clipboard or self._doc is None or self._page is None:
            return []
        same_page = all(c.document_id == self._doc.id and c.page == self._page.page
                        for c in self._clipboard)
        if same_page:
            self._paste_count += 1
        offset = PASTE_OFFSET_PT * self._paste_count if same_page else 0.0
        items = [(self._clamped(c.box.translated(offset, offset)), c.class_key, c.attrs)
                 for c in self._clipboard]
        edits = self._run(undo.AddRegionsCommand(self.session, self._doc.id, self._page.page,
                                                 items, snap=False))
        ids = [e.after.id for e in edits]
        if ids:
            self._show_regions([], select=ids)
        return ids

    def select_all(self) -> None:
        self.select_regions(list(self._items))

    def _clamped(self, box: Box) -> Box:
        """Shift a box back onto the page (and clip it if it is larger than the page)."""
        assert self._page is not None
        w, h = self._page.width, self._page.height
        dx = -box.x0 if box.x0 < 0 else min(0.0, w - box.x1)
        dy = -box.y0 if box.y0 < 0 else min(0.0, h - box.y1)
        return box.translated(dx, dy).clipped(w, h).rounded()

    # --- mouse -----------------------------------------------------------------------------

    def _region_at(self, pos: QPoint) -> RegionItem | None:
        for item in self.items(pos):
            if isinstance(item, RegionItem):
                return item
        return None

    def _cancel_gesture(self) -> None:
        self._draw_from = None
        self._draft.setVisible(False)
        self._pan_from = None
        self._press_view_pos = None
        self._press_boxes = {}

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
                button == Qt.MouseButton.LeftButton and self._space_down):
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton or self._page is None:
            super().mousePressEvent(event)
            return
        mods = event.modifiers()
        self._press_view_pos = pos
        on_region = self._region_at(pos)
        force_draw = bool(mods & Qt.KeyboardModifier.AltModifier)
        if on_region is not None and not force_draw:
            super().mousePressEvent(event)  # select / toggle / start a move or resize
            self._press_boxes = {i.region_id: i.box() for i in self._selected_items()}
            return
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self._rubber_band = True
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            super().mousePressEvent(event)
            return
        self._draw_from = self._page_point(self.mapToScene(pos))
        self._draft.setRect(QRectF(self._draw_from, self._draw_from))
        self._draft.setVisible(True)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        scene_pos = self.mapToScene(pos)
        self.cursorMoved.emit(scene_pos.x(), scene_pos.y())
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._draw_from is not None:
            p = self._page_point(scene_pos)
            self._draft.setRect(QRectF(self._draw_from, p).normalized())
            if self._doc is not None:
                colour = self._class_look(self.session.schema, self._current_class)[0]
                pen = self._draft.pen()
                pen.setColor(QColor(colour))
                self._draft.setPen(pen)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                              Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down
                                      else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        press = self._press_view_pos
        self._press_view_pos = None
        if self._draw_from is not None:
            start = self._draw_from
            self._draw_from = None
            self._draft.setVisible(False)
            event.accept()
            if press is None or not self._is_drag(press, pos):
                self._scene.clearSelection()  # a click on empty page: deselect
                return
            end = self._page_point(self.mapToScene(pos))
            self.add_box(Box.normalized(start.x(), start.y(), end.x(), end.y()).rounded())
            return
        if self._rubber_band:
            super().mouseReleaseEvent(event)
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self._rubber_band = False
            return
        super().mouseReleaseEvent(event)
        self._commit_geometry(press, pos)

    def _commit_geometry(self, press: QPoint | None, pos: QPoint) -> None:
        """After a move or resize gesture: one MoveCommand for every item that changed."""
        before = self._press_boxes
        self._press_boxes = {}
        if not before:
            return
        moved: list[tuple[str, Box]] = []
        for rid, old in before.items():
            item = self._items.get(rid)
            if item is None:
                continue
            new = item.box().rounded()
            if new != old.rounded():
                moved.append((rid, new))
        if not moved:
            return
        if press is None or not self._is_drag(press, pos):
            for rid, old in before.items():  # a tiny drag is a click: put things back
                if rid in self._items:
                    self._items[rid].set_box(old)
            return
        moves = [(rid, self._clamped(box)) for rid, box in moved]
        self._run(undo.MoveCommand(self.session, moves, snap=self._snap))

    def _is_drag(self, a: QPoint, b: QPoint) -> bool:
        return max(abs(a.x() - b.x()), abs(a.y() - b.y())) >= MIN_DRAG_PX

    def _page_point(self, p: QPointF) -> QPointF:
        r = self._scene.page_rect
        return QPointF(min(max(p.x(), r.left()), r.right()), min(max(p.y(), r.top()), r.bottom()))

    # --- keyboard --------------------------------------------------------------------------

    def _hotkey_class(self, event: QKeyEvent) -> str | None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier,):
            return None
        key = event.key()
        if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F12:
            name = f"F{key - Qt.Key.Key_F1 + 1}"
        else:
            name = event.text()
            if len(name) != 1 or not name.isalnum():
                return None
        cls = self.session.schema.by_hotkey(name)
        return cls.key if cls is not None and not cls.deprecated else None

    def _handles_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl:
            return key in (Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_A, Qt.Key.Key_H)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape, Qt.Key.Key_Left,
                   Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Plus,
                   Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_Space):
            return True
        return self._hotkey_class(event) is not None

    def event(self, event: QEvent) -> bool:
        # Keys the canvas owns win over window shortcuts while it has focus.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and self._handles_key(event)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_down = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if ctrl and key == Qt.Key.Key_C:
            self.copy_selection()
        elif ctrl and key == Qt.Key.Key_V:
            self.paste()
        elif ctrl and key == Qt.Key.Key_A:
            self.select_all()
        elif ctrl and key == Qt.Key.Key_H:
            ids = self.selected_ids()
            if ids:
                self.historyRequested.emit(ids[0])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif key == Qt.Key.Key_Escape:
            self._cancel_gesture()
            self._scene.clearSelection()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = NUDGE_BIG_PT if shift else NUDGE_PT
            dx = {Qt.Key.Key_Left: -step, Qt.Key.Key_Right: step}.get(key, 0.0)
            dy = {Qt.Key.Key_Up: -step, Qt.Key.Key_Down: step}.get(key, 0.0)
            if self.selected_ids():
                self.nudge_selection(dx, dy)
            else:
                super().keyPressEvent(event)  # scroll
                return
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        else:
            cls = self._hotkey_class(event)
            if cls is None:
                super().keyPressEvent(event)
                return
            if self.selected_ids():
                self.relabel_selection(cls)
            else:
                self.set_current_class(cls)
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        self._space_down = False
        super().focusOutEvent(event)

    # --- context menu ----------------------------------------------------------------------

    def build_context_menu(self, item: RegionItem) -> QMenu:
        """The menu of a region: relabel, delete, history, accept pre-label."""
        if not item.isSelected():
            self.select_regions([item.region_id])
        menu = QMenu(self)
        relabel = menu.addMenu("Relabel")
        for cls in self.session.schema.classes:
            if cls.deprecated:
                continue
            pix = QPixmap(12, 12)
            pix.fill(QColor(cls.color))
            text = f"{cls.name}\t{cls.hotkey}" if cls.hotkey else cls.name
            action = QAction(QIcon(pix), text, relabel)
            action.setData(cls.key)
            action.triggered.connect(lambda _=False, k=cls.key: self.relabel_selection(k))
            relabel.addAction(action)
        delete = menu.addAction("Delete")
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(self.delete_selection)
        history = menu.addAction("History…")
        history.setShortcut(QKeySequence("Ctrl+H"))
        history.triggered.connect(lambda: self.historyRequested.emit(item.region_id))
        accept = menu.addAction("Accept pre-label")
        accept.setEnabled(any(i.pending for i in self._selected_items()))
        accept.triggered.connect(self.accept_selection)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self._region_at(event.pos())
        if item is None:
            super().contextMenuEvent(event)
            return
        menu = self.build_context_menu(item)
        menu.exec(event.globalPos())
        menu.deleteLater()
