"""The Help menu: keyboard shortcuts (read from the window's own actions), How to label, About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from .action_registry import ActionSpec
from .dialogs.help_dialogs import (
    AboutDialog,
    HowToLabelDialog,
    ShortcutRow,
    ShortcutsDialog,
    rows_from_actions,
)

if TYPE_CHECKING:
    from .action_registry import ActionRegistry
    from .main_window import MainWindow

# Keys the page handles itself (not menu actions), so the sheet lists them too.
CANVAS_KEYS = (
    ShortcutRow("Page", "Draw a box of the current class", "Left-drag on the page"),
    ShortcutRow("Page", "Pick a class, or relabel the selection", "the class's hotkey"),
    ShortcutRow("Page", "Select several boxes", "Shift+click"),
    ShortcutRow("Page", "Move or resize the selection", "drag inside / drag a handle"),
    ShortcutRow("Page", "Nudge the selection by 1 pt (10 pt)", "Arrow keys (Shift+Arrow)"),
    ShortcutRow("Page", "Pan the page", "Space+drag"),
    ShortcutRow("Page", "Cancel a drag, clear the selection", "Esc"),
    ShortcutRow("Page", "Select the next (previous) box in reading order", "Tab (Shift+Tab)"),
    ShortcutRow("Regions list", "Back to the page", "Esc or F6"),
    ShortcutRow("Page", "History of the selected box", "Ctrl+H"),
    ShortcutRow("Page", "Zoom", "Ctrl+wheel, + and -"),
)


def help_specs(w: MainWindow) -> list[ActionSpec]:
    """The Help menu's actions, for the window's action table."""
    return [
        ActionSpec(
            "shortcuts",
            "&Keyboard shortcuts",
            lambda: show_shortcuts(w),
            "Ctrl+/",
            None,
            "Every key the window knows",
        ),
        ActionSpec(
            "how_to_label",
            "&How to label",
            lambda: show_how_to(w),
            "F1",
            None,
            "A short guide: draw, correct, accept proposals, undo",
        ),
        ActionSpec(
            "about", "&About AAL Desktop", lambda: show_about(w), None, None, "Version and licences"
        ),
    ]


def shortcut_rows(
    registry: ActionRegistry, menus: list[tuple[str, list[str]]]
) -> list[ShortcutRow]:
    """The sheet's rows: every menu action with a key, in menu order, then the page's keys."""
    groups = [
        (title.replace("&", ""), [registry[e] for e in entries if e in registry])
        for title, entries in menus
    ]
    return rows_from_actions(groups, CANVAS_KEYS)


def show_shortcuts(w: MainWindow) -> ShortcutsDialog:
    from .window_actions import MENUS

    dialog = ShortcutsDialog(shortcut_rows(w.action_registry, MENUS), w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_how_to(w: MainWindow) -> HowToLabelDialog:
    dialog = HowToLabelDialog(w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_about(w: MainWindow) -> AboutDialog:
    dialog = AboutDialog(w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
