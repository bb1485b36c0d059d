"""A big selection painted by one item, moved as one: Select all on a dense page.

Lifting every selected region into its own item (region_items.RegionItem: handles, tag,
drag) costs about a millisecond of Python a region to make and again to paint: Select all
on a page of 10,000 regions froze the window for ~4 s. Above BIG_SELECTION regions the
selection stays data instead: the page's layer hides those regions and this item paints
their boxes in the selected look (a thicker outline, a stronger fill; no handles, no
tags). A drag or a held arrow key moves the item as a whole (setPos; Qt keeps its picture
in device pixels, so a move is a blit), and canvas turns the gesture into one move of
every selected region on release.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ..core.geometry import Box
from ..core.records import Outline
from .region_items import PENDING_FILL_ALPHA, SELECTED_FILL_ALPHA, PageScene

BIG_SELECTION = 200  # more selected regions than this: painted here, not lifted one by one
SELECTION_Z = -1e6 + 1  # above the region layer, below lifted region items
PEN_PX = 2.0


class SelectionLayer(QGraphicsItem):
    """The boxes of a big selection, in page order; empty when the selection is small."""

    def __init__(self) -> None:
        super().__init__()
        self.outlines: dict[str, Outline] = {}
        self._groups: dict[tuple[str, bool], list[QRectF]] = {}
        self._extent: Box | None = None
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(SELECTION_Z)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set(self, outlines: list[Outline], colour_of: Callable[[str], str]) -> None:
        """Show these regions selected, where they are now (any move shown is dropped)."""
        self.prepareGeometryChange()
        self.outlines = {o.id: o for o in outlines}
        groups: dict[tuple[str, bool], list[QRectF]] = {}
        colours: dict[str, str] = {}
        for o in outlines:
            colour = colours.get(o.class_key)
            if colour is None:
                colour = colours[o.class_key] = colour_of(o.class_key)
            groups.setdefault((colour, o.pending), []).append(
                QRectF(o.x0, o.y0, o.x1 - o.x0, o.y1 - o.y0)
            )
        self._groups = groups
        self._extent = (
            Box(
                min(o.x0 for o in outlines),
                min(o.y0 for o in outlines),
                max(o.x1 for o in outlines),
                max(o.y1 for o in outlines),
            )
            if outlines
            else None
        )
        self._bounds = QRectF()
        self.setPos(0.0, 0.0)
        self.update()

    def clear(self) -> None:
        if self.outlines:
            self.set([], str)

    def __contains__(self, rid: object) -> bool:
        return rid in self.outlines

    def __bool__(self) -> bool:
        return bool(self.outlines)

    def extent(self) -> Box | None:
        """The box around every selected region (where they are stored, not as dragged)."""
        return self._extent

    def shift(self) -> tuple[float, float]:
        """How far a gesture in progress has moved the selection on screen (points)."""
        p = self.pos()
        return p.x(), p.y()

    def moved_boxes(self) -> dict[str, Box]:
        """Every selected region's box as shown now (moved by the gesture in progress)."""
        dx, dy = self.shift()
        return {rid: o.box.translated(dx, dy) for rid, o in self.outlines.items()}

    def unit_changed(self) -> None:
        """The zoom changed: the outline keeps its pixel width, so the bounds change."""
        self.prepareGeometryChange()
        self._bounds = QRectF()

    # --- painting -------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        if self._extent is None:
            return QRectF()
        if self._bounds.isNull():
            scene = self.scene()
            pad = (PEN_PX + 2) * (scene.unit if isinstance(scene, PageScene) else 1.0)
            e = self._extent
            self._bounds = QRectF(e.x0, e.y0, e.width, e.height).adjusted(-pad, -pad, pad, pad)
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for (colour, pending), rects in self._groups.items():
            c = QColor(colour)
            pen = QPen(c, PEN_PX)
            pen.setCosmetic(True)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            fill = QColor(c)
            if pending:
                pen.setStyle(Qt.PenStyle.DashLine)
                fill.setAlpha(PENDING_FILL_ALPHA)
            else:
                fill.setAlpha(SELECTED_FILL_ALPHA)
            painter.setPen(pen)
            painter.setBrush(QBrush(fill))
            painter.drawRects(rects)
