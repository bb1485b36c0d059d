"""The one-line hint over an empty page: how to draw the first box, and where help is.

An overlay label on top of the canvas (its child, not part of its scene), kept centred at
the top when the canvas is resized; it never takes the mouse, so drawing goes through it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

HINT = "Left-drag to draw a box; press a class's hotkey first. Help → How to label (F1)"


class PageHint(QLabel):
    """Shown while the page on screen has no regions."""

    def __init__(self, canvas: QWidget) -> None:
        super().__init__(HINT, canvas)
        self.setObjectName("page-hint")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel#page-hint { background: rgba(32, 32, 32, 200); color: white;"
            " border-radius: 6px; padding: 6px 12px; }"
        )
        self.adjustSize()
        canvas.installEventFilter(self)
        self.hide()

    def set_empty(self, empty: bool) -> None:
        self.setVisible(empty)
        if empty:
            self._place()
            self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.adjustSize()
            self.move(max((parent.width() - self.width()) // 2, 0), 12)
