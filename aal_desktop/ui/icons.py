"""Icons Qt's style does not have: undo and redo (theme icons when the desktop has them).

QStyle has no undo/redo pixmap, and its back/forward arrows look like the page arrows beside
them on the tool bar; so: the theme's "edit-undo"/"edit-redo", else a drawn curved arrow.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget


def _drawn_arrow(colour: QColor, mirrored: bool, size: int = 64) -> QPixmap:
    """A hooked arrow turning back to the left (undo); mirrored, to the right (redo)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if mirrored:
        p.translate(size, 0)
        p.scale(-1, 1)
    s = size / 64
    pen = QPen(colour, 7 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    path = QPainterPath(QPointF(20 * s, 24 * s))
    path.lineTo(38 * s, 24 * s)
    path.arcTo(QRectF(22 * s, 24 * s, 32 * s, 28 * s), 90, -180)
    path.lineTo(24 * s, 52 * s)
    p.drawPath(path)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawPolygon(
        QPolygonF([QPointF(6 * s, 24 * s), QPointF(24 * s, 10 * s), QPointF(24 * s, 38 * s)])
    )
    p.end()
    return pixmap


def edit_icon(widget: QWidget, name: str) -> QIcon:
    """ "edit-undo" or "edit-redo": the desktop theme's icon, else a drawn one."""
    themed = QIcon.fromTheme(name)
    if not themed.isNull():
        return themed
    colour = widget.palette().color(widget.foregroundRole())
    return QIcon(_drawn_arrow(colour, mirrored=name == "edit-redo"))


def outlined_swatch(colour: str, size: int = 14) -> QIcon:
    """A class colour square with a light outer and a dark inner outline, so a dark class
    (Title is navy) shows on a dark theme and a pale one on a light theme."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setPen(QPen(QColor(255, 255, 255, 230), 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(0, 0, size - 1, size - 1)
    p.setPen(QPen(QColor(0, 0, 0, 200), 1))
    p.setBrush(QColor(colour))
    p.drawRect(1, 1, size - 3, size - 3)
    p.end()
    return QIcon(pixmap)


def contrasts(colour: str, background: QColor) -> bool:
    """True when a colour is far enough in lightness from the background to be seen."""
    return abs(QColor(colour).lightness() - background.lightness()) >= 60
