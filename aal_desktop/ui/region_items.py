"""Scene items for the page canvas: the page image and one item per region.

Scene coordinates are PDF points in the page's displayed space, so a region's box is its
item's scene rect. Lines, tags and handles are drawn at a constant size in screen pixels:
the scene keeps `unit` (scene points per device pixel), set by the view on every zoom.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..core.geometry import Box
from ..core.records import Region

HANDLE_PX = 7.0
TAG_FONT_PT = 8.0
FILL_ALPHA = 46
SELECTED_FILL_ALPHA = 80
PENDING_FILL_ALPHA = 18
PENDING_HATCH_ALPHA = 70  # light: the text under a pending pre-label stays readable
MIN_TAG_BOX_PX = (24.0, 10.0)  # no tag on boxes smaller than this on screen (unless selected)

# handle names: which edges a handle moves (left, top, right, bottom)
_HANDLES: dict[str, tuple[bool, bool, bool, bool]] = {
    "nw": (True, True, False, False),
    "n": (False, True, False, False),
    "ne": (False, True, True, False),
    "e": (False, False, True, False),
    "se": (False, False, True, True),
    "s": (False, False, False, True),
    "sw": (True, False, False, True),
    "w": (True, False, False, False),
}
_HANDLE_CURSORS: dict[str, Qt.CursorShape] = {
    "nw": Qt.CursorShape.SizeFDiagCursor,
    "se": Qt.CursorShape.SizeFDiagCursor,
    "ne": Qt.CursorShape.SizeBDiagCursor,
    "sw": Qt.CursorShape.SizeBDiagCursor,
    "n": Qt.CursorShape.SizeVerCursor,
    "s": Qt.CursorShape.SizeVerCursor,
    "e": Qt.CursorShape.SizeHorCursor,
    "w": Qt.CursorShape.SizeHorCursor,
}


class PageScene(QGraphicsScene):
    """The canvas's scene: knows the page rect (points) and the current pixel size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = 1.0  # scene points per device pixel (1 / zoom)
        self.page_rect = QRectF(0, 0, 612, 792)


def is_pending(region: Region) -> bool:
    """A model pre-label nobody has accepted or touched yet."""
    return region.origin == "model" and region.prelabel_state == "pending"


def region_tooltip(r: Region, name: str) -> str:
    """What hovering a region says: its class, a proposal's confidence, its text."""
    lines = [f"{name} ({r.class_key})"]
    if r.origin == "model":
        conf = f" {r.confidence:.2f}" if r.confidence is not None else ""
        lines.append(f"pre-label{conf}, {r.prelabel_state or 'pending'}")
    if r.text:
        lines.append(r.text[:200])
    return "\n".join(lines)


def hatch_transform(painter: QPainter, scene_origin: QPointF | None = None) -> QTransform:
    """A hatch brush's transform: its pattern in device pixels (visible at every zoom),
    anchored at the scene's origin, so a box shows the same stripes however the view is
    scrolled and whether it is painted to the view or into the layer's image.
    `scene_origin`: where the painter's coordinates have the scene's (0, 0), negated (an
    item's pos)."""
    device = painter.deviceTransform()  # the painter's coordinates to the device's pixels
    at = device.map(QPointF(0, 0) if scene_origin is None else -scene_origin)
    shift = QTransform.fromTranslate(math.floor(at.x()), math.floor(at.y()))
    return shift * device.inverted()[0]


def tag_inside(y0: float, tag_h: float) -> bool:
    """No room above the page top: the tag goes inside the box."""
    return y0 - tag_h < 0


def _scene_unit(item: QGraphicsItem) -> float:
    scene = item.scene()
    return scene.unit if isinstance(scene, PageScene) else 1.0


@lru_cache(maxsize=1)
def _tag_font() -> QFont:
    font = QFont()
    font.setPointSizeF(TAG_FONT_PT)
    return font


@lru_cache(maxsize=512)
def _tag_size(text: str) -> tuple[float, float]:
    """Width and height of a tag in pixels (cached: 2,000 regions share a few labels)."""
    fm = QFontMetricsF(_tag_font())
    return fm.horizontalAdvance(text) + 6.0, fm.height() + 2.0


def _text_colour(colour: QColor) -> QColor:
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor(Qt.GlobalColor.black) if luminance > 150 else QColor(Qt.GlobalColor.white)


@lru_cache(maxsize=256)
def _tag_image(text: str, colour: str, pending: bool, dpr: float) -> QImage:
    """A tag drawn once per (label, colour): a coloured plate with the class name."""
    tw, th = _tag_size(text)
    image = QImage(
        max(1, round(tw * dpr)), max(1, round(th * dpr)), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    background = QColor(colour)
    background.setAlpha(150 if pending else 215)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.fillRect(QRectF(0, 0, tw, th), background)
    painter.setFont(_tag_font())
    painter.setPen(_text_colour(QColor(colour)))
    painter.drawText(QRectF(0, 0, tw, th), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return image


def overlay_items(
    scene: QGraphicsScene,
) -> tuple[QGraphicsSimpleTextItem, QGraphicsRectItem, QGraphicsRectItem]:
    """The canvas's overlays: a message over the page, the draft box, the rubber band."""
    message = QGraphicsSimpleTextItem()
    message.setZValue(1e12)
    message.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    pen = QPen(QColor(0, 0, 0), 1.5, Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    rects = []
    for _ in range(2):
        rect = QGraphicsRectItem()
        rect.setPen(pen)
        rect.setZValue(1e11)
        rect.setVisible(False)
        rects.append(rect)
    for item in (message, *rects):
        scene.addItem(item)
    return message, rects[0], rects[1]


class PageImageItem(QGraphicsItem):
    """The rendered page, drawn into the page rect whatever the image's resolution.

    Drawing a QImage straight into the rect means a cached image at another zoom is shown
    scaled at once, and the sharp one is swapped in when it arrives.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._image: QImage | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(-1e12)

    def set_page(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._image = None
        self.update()

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        image = self._image
        transform = painter.worldTransform()
        if image is None or image.isNull():
            painter.fillRect(self._rect, QColor(Qt.GlobalColor.white))
        else:
            device = transform.mapRect(self._rect)
            dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
            exact = (
                not transform.isRotating()
                and abs(image.width() - device.width() * dpr) <= 1.0
                and abs(image.height() - device.height() * dpr) <= 1.0
            )
            if exact:  # rendered for this zoom: a plain copy, no resampling
                image.setDevicePixelRatio(dpr)
                painter.save()
                painter.resetTransform()
                painter.drawImage(QPointF(round(device.left()), round(device.top())), image)
                painter.restore()
            else:  # another zoom's image, shown until the sharp one arrives
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(self._rect, image)
        pen = QPen(QColor(0, 0, 0, 90))
        pen.setCosmetic(True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self._rect)


class RegionItem(QGraphicsItem):
    """One region: coloured by its class, a name tag, resize handles when selected.

    Pending model pre-labels are drawn dashed and hatched until a person touches or
    accepts them. The item only changes its own geometry while the mouse is down; the
    canvas turns the gesture into one command on release.
    """

    def __init__(self, region: Region, colour: str, name: str) -> None:
        super().__init__()
        self.region = region
        self._rect = QRectF()
        self._colour = QColor(colour)
        self._name = name
        self._resizing: str | None = None
        self._resize_anchor = QRectF()
        self._toggled = False
        self._bounds: QRectF | None = None  # cached: asked for far more often than it changes
        # the handles as painted, for the unit they were made at (made anew with the box)
        self._handles: tuple[float, list[QRectF]] | None = None
        self._look: dict[bool, tuple[QPen, QColor]] = {}
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        )
        self.setAcceptHoverEvents(True)
        self.update_region(region, colour, name)

    # --- data -----------------------------------------------------------------------------

    @property
    def region_id(self) -> str:
        return self.region.id

    @property
    def pending(self) -> bool:
        return is_pending(self.region)

    def update_region(self, region: Region, colour: str, name: str) -> None:
        """Show a new state of the region (after an edit or undo)."""
        self.region = region
        self._colour = QColor(colour)
        self._name = name
        self._look = {}
        self.set_box(region.box)
        area = max(region.box.width * region.box.height, 0.0)
        self.setZValue(-area / 1e6)  # smaller boxes above larger ones, so both stay clickable
        self.setToolTip(self._tooltip())
        self.update()

    def _make_look(self, selected: bool) -> tuple[QPen, QColor]:
        pen = QPen(self._colour, 2.5 if selected else 1.5)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        fill = QColor(self._colour)
        if self.pending:
            pen.setStyle(Qt.PenStyle.DashLine)
            fill.setAlpha(PENDING_FILL_ALPHA)
        else:
            fill.setAlpha(SELECTED_FILL_ALPHA if selected else FILL_ALPHA)
        return pen, fill

    def _tooltip(self) -> str:
        return region_tooltip(self.region, self._name)

    def box(self) -> Box:
        """The item's current box in points (scene = displayed page space)."""
        p = self.pos()
        return Box(
            p.x() + self._rect.left(),
            p.y() + self._rect.top(),
            p.x() + self._rect.right(),
            p.y() + self._rect.bottom(),
        )

    def set_box(self, box: Box | tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = box
        self.prepareGeometryChange()
        self._bounds = self._handles = None
        self._rect = QRectF(0, 0, max(x1 - x0, 0.0), max(y1 - y0, 0.0))
        self.setPos(x0, y0)

    def unit_changed(self) -> None:
        """The zoom changed: tags and handles keep their pixel size, so the bounds change."""
        self.prepareGeometryChange()
        self._bounds = self._handles = None

    def label(self) -> str:
        return f"{self._name} ?" if self.pending else self._name

    # --- geometry -------------------------------------------------------------------------

    def _tag_rect(self, unit: float) -> QRectF:
        tw, th = _tag_size(self.label())
        w, h = tw * unit, th * unit
        top = self._rect.top() - h
        # pending pre-labels keep their tag inside, off the line of text above them
        if self.pending or tag_inside(self.pos().y() + self._rect.top(), h):
            top = self._rect.top()
        return QRectF(self._rect.left(), top, w, h)

    def _handle_rects(self, unit: float) -> dict[str, QRectF]:
        s = HANDLE_PX * unit
        r = self._rect
        # a box thinner than three handles: the handles sit outside it, so they never hide it
        ox = s / 2 if r.width() < 3 * s else 0.0
        oy = s / 2 if r.height() < 3 * s else 0.0
        xs = {"w": r.left() - ox, "c": r.center().x(), "e": r.right() + ox}
        ys = {"n": r.top() - oy, "m": r.center().y(), "s": r.bottom() + oy}
        spots = {
            "nw": ("w", "n"),
            "n": ("c", "n"),
            "ne": ("e", "n"),
            "e": ("e", "m"),
            "se": ("e", "s"),
            "s": ("c", "s"),
            "sw": ("w", "s"),
            "w": ("w", "m"),
        }
        return {name: QRectF(xs[x] - s / 2, ys[y] - s / 2, s, s) for name, (x, y) in spots.items()}

    def boundingRect(self) -> QRectF:
        """Box, handle margin and tag: also the clickable area (a tag selects its region)."""
        if self._bounds is None:
            unit = _scene_unit(self)
            margin = (HANDLE_PX + 2) * unit
            self._bounds = self._rect.adjusted(-margin, -margin, margin, margin).united(
                self._tag_rect(unit)
            )
        return self._bounds

    def handle_at(self, pos: QPointF) -> str | None:
        """The resize handle under `pos` (item coordinates), if selected."""
        if not self.isSelected():
            return None
        unit = _scene_unit(self)
        for name, rect in self._handle_rects(unit).items():
            if rect.adjusted(-unit, -unit, unit, unit).contains(pos):
                return name
        return None

    # --- painting -------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        unit = _scene_unit(self)
        selected = self.isSelected()
        look = self._look.get(selected)
        if look is None:
            look = self._look[selected] = self._make_look(selected)
        pen, fill = look
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRect(self._rect)
        if self.pending:
            hatch = QColor(self._colour)
            hatch.setAlpha(PENDING_HATCH_ALPHA)
            brush = QBrush(hatch, Qt.BrushStyle.BDiagPattern)
            # the pattern is in device pixels, so it stays visible at every zoom
            brush.setTransform(hatch_transform(painter, self.pos()))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(brush)
            painter.drawRect(self._rect)
        w_px, h_px = self._rect.width() / unit, self._rect.height() / unit
        if selected or (w_px >= MIN_TAG_BOX_PX[0] and h_px >= MIN_TAG_BOX_PX[1]):
            self._paint_tag(painter, unit)
        if selected:
            handle_pen = QPen(self._colour.darker(130), 1.0)
            handle_pen.setCosmetic(True)
            painter.setPen(handle_pen)
            painter.setBrush(QColor(Qt.GlobalColor.white))
            handles = self._handles
            if handles is None or handles[0] != unit:  # one call, not eight, per paint
                handles = self._handles = (unit, list(self._handle_rects(unit).values()))
            painter.drawRects(handles[1])

    def _paint_tag(self, painter: QPainter, unit: float) -> None:
        """Blit the tag's cached picture at its device position (drawText per paint is slow
        with thousands of regions)."""
        image = _tag_image(
            self.label(),
            self._colour.name(),
            self.pending,
            painter.device().devicePixelRatioF() if painter.device() else 1.0,
        )
        origin = painter.worldTransform().map(self._tag_rect(unit).topLeft())
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(round(origin.x()), round(origin.y())), image)
        painter.restore()

    # --- mouse: resize by handles, Shift+click toggles ------------------------------------

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        handle = self.handle_at(event.pos())
        if handle is not None:
            self.setCursor(_HANDLE_CURSORS[handle])
        else:
            self.setCursor(
                Qt.CursorShape.SizeAllCursor
                if self.isSelected()
                else Qt.CursorShape.PointingHandCursor
            )
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.unsetCursor()
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._toggled = False
        if event.button() == Qt.MouseButton.LeftButton:
            handle = self.handle_at(event.pos())
            if handle is not None:
                self._resizing = handle
                b = self.box()
                self._resize_anchor = QRectF(QPointF(b.x0, b.y0), QPointF(b.x1, b.y1))
                event.accept()
                return
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.setSelected(not self.isSelected())
                self._toggled = True
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resizing is not None:
            self._resize_to(event.scenePos())
            event.accept()
            return
        if self._toggled:
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resizing is not None:
            self._resize_to(event.scenePos())
            self._resizing = None
            event.accept()
            return
        if self._toggled:
            self._toggled = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _resize_to(self, pos: QPointF) -> None:
        left, top, right, bottom = _HANDLES[self._resizing or "se"]
        a = self._resize_anchor
        scene = self.scene()
        page = scene.page_rect if isinstance(scene, PageScene) else QRectF(a)
        x = min(max(pos.x(), page.left()), page.right())
        y = min(max(pos.y(), page.top()), page.bottom())
        x0 = x if left else a.left()
        x1 = x if right else a.right()
        y0 = y if top else a.top()
        y1 = y if bottom else a.bottom()
        self.set_box(Box.normalized(x0, y0, x1, y1))

    @property
    def resizing(self) -> bool:
        return self._resizing is not None
