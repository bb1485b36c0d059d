"""The page canvas's keyboard: which keys it owns, and what each press does.

Kept apart from the view (page_canvas.py) so the same rules decide whether a key typed in
the regions list belongs to the page (class hotkeys act on the page, never as type-ahead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from ..core.schema import LabelSchema
from .canvas_tool import nudge_step

if TYPE_CHECKING:
    from .page_canvas import PageCanvas

ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}

_EDIT_KEYS = (
    Qt.Key.Key_Delete,
    Qt.Key.Key_Backspace,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Plus,
    Qt.Key.Key_Equal,
    Qt.Key.Key_Minus,
    Qt.Key.Key_Space,
)


def hotkey_class(schema: LabelSchema, event: QKeyEvent) -> str | None:
    """The class whose hotkey this is (a letter, digit or F-key without modifiers)."""
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
    cls = schema.by_hotkey(name)
    return cls.key if cls is not None and not cls.deprecated else None


def canvas_owns(schema: LabelSchema, event: QKeyEvent) -> bool:
    """Keys the canvas handles itself, winning over the window's shortcuts."""
    key = event.key()
    if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
        return key in (Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_A, Qt.Key.Key_H)
    if key in _EDIT_KEYS or key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
        return True
    return hotkey_class(schema, event) is not None


class CanvasKeys:
    """Key presses on the canvas mapped onto its edits, tool state and view."""

    def __init__(self, canvas: PageCanvas) -> None:
        self.canvas = canvas

    def press(self, event: QKeyEvent) -> bool:
        """Handle a press; False leaves it to the view (scrolling, focus)."""
        canvas = self.canvas
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key not in ARROWS:
            canvas.edits.end_nudge()  # another key ends a held nudge (written as one move)
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                canvas.tool.space_down = True
                canvas.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ctrl and key == Qt.Key.Key_C:
            canvas.copy_selection()
        elif ctrl and key == Qt.Key.Key_V:
            canvas.paste()
        elif ctrl and key == Qt.Key.Key_A:
            canvas.select_all()
        elif ctrl and key == Qt.Key.Key_H:
            ids = canvas.selected_ids()
            if ids:
                canvas.historyRequested.emit(ids[0])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            canvas.delete_selection()
        elif key == Qt.Key.Key_Escape:
            canvas.cancel_gesture()
            canvas.clear_selection()
        elif key in ARROWS:
            if not canvas.selected_ids():
                return False  # scroll
            # held: one gesture, written on release
            canvas.edits.hold_nudge(*nudge_step(*ARROWS[Qt.Key(key)], big=shift))
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            canvas.zoom_in()
        elif key == Qt.Key.Key_Minus:
            canvas.zoom_out()
        else:
            cls = hotkey_class(canvas.session.schema, event)
            if cls is None:
                return False
            if canvas.selected_ids():
                canvas.relabel_selection(cls)
            else:
                canvas.set_current_class(cls)
        return True

    def release(self, event: QKeyEvent) -> bool:
        """A held arrow ends its nudge (one move event); Space ends panning."""
        canvas = self.canvas
        if event.key() in ARROWS and not event.isAutoRepeat():
            canvas.edits.end_nudge()
            return True
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            canvas.tool.space_down = False
            if canvas.tool.pan_from is None:
                canvas.viewport().unsetCursor()
            return True
        return False
