"""Which keys the page canvas owns: class hotkeys, edit keys, Tab through the regions.

Kept apart from the view (page_canvas.py) so the same rules decide whether a key typed in
the regions list belongs to the page (class hotkeys act on the page, never as type-ahead).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from ..core.schema import LabelSchema

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
