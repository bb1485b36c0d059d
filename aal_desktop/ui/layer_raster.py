"""A dense page's regions drawn once into an image at the view's scale, then blitted.

Issuing 10,000 drawRects on every paint (the first one, a scroll, a drag's repaint) costs
tens of ms; a page with many regions is instead drawn into a QImage covering the scene rect
at the current zoom, and each paint copies the exposed part of it. What changes on the page
(an edit, a region lifted out for selection or dropped back) marks a rect dirty: only that
rect of the image is cleared and drawn again, clipped, on the next paint. A new zoom, device
pixel ratio, sub-pixel scroll offset or page rect draws the whole image again. Above
MAX_PIXELS (high zooms), the layer paints straight to the view as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

MIN_REGIONS = 300  # below this, painting straight to the view is as quick as a blit
MAX_PIXELS = 4_000_000  # ~16 MB: higher zooms paint the exposed part straight to the view
MAX_DIRTY = 64  # more dirty rects than this: draw the whole image again

Key = tuple[float, float, float, float, float, float, float, float]
Draw = Callable[[QPainter, QRectF], None]


class LayerRaster:
    """The image of one page's layer, with the rects (scene points) drawn since stale."""

    def __init__(self) -> None:
        self.image: QImage | None = None
        self.key: Key | None = None
        self.dirty: list[QRectF] = []
        self.size = QRect()  # the image in logical pixels

    def invalidate(self) -> None:
        self.image = None
        self.key = None
        self.dirty.clear()

    def touch(self, rect: QRectF) -> None:
        """What lies in `rect` changed: draw it again before the next blit."""
        if self.image is None:
            return
        if len(self.dirty) >= MAX_DIRTY:
            self.invalidate()
        else:
            self.dirty.append(QRectF(rect))

    def paint(self, painter: QPainter, area: QRectF, exposed: QRectF, draw: Draw) -> bool:
        """Blit the exposed part of the layer drawn over `area` (the scene rect); False when
        the layer should paint straight to the view instead (rotated, or too large)."""
        transform = painter.worldTransform()
        s = transform.m11()
        if transform.m12() or transform.m21() or transform.m13() or transform.m23():
            return False  # rotated or projected: not a plain zoom
        if transform.m22() != s:
            return False
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        origin = transform.map(area.topLeft())
        ox, oy = math.floor(origin.x()), math.floor(origin.y())
        w = math.ceil(area.width() * s) + 1
        h = math.ceil(area.height() * s) + 1
        if w <= 0 or h <= 0 or w * h * dpr * dpr > MAX_PIXELS:
            return False
        # the fraction of a pixel the scroll puts the scene at: drawn in, so the boxes land
        # on the same pixels as when painted straight to the view
        fx, fy = origin.x() - ox, origin.y() - oy
        key: Key = (s, dpr, fx, fy, area.left(), area.top(), area.width(), area.height())
        # image pixels (logical) from scene points
        inner = QTransform(s, 0, 0, s, fx - area.left() * s, fy - area.top() * s)
        if self.image is None or self.key != key:
            self._draw_all(key, w, h, dpr, inner, draw)
        elif self.dirty:
            self._redraw_dirty(inner, draw)
        assert self.image is not None
        target = transform.mapRect(exposed).toAlignedRect().intersected(QRect(ox, oy, w, h))
        if target.isEmpty():
            return True
        at = target.translated(-ox, -oy)
        source = QRectF(at.x() * dpr, at.y() * dpr, at.width() * dpr, at.height() * dpr)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QRectF(target), self.image, source)
        painter.restore()
        return True

    def _draw_all(
        self, key: Key, w: int, h: int, dpr: float, inner: QTransform, draw: Draw
    ) -> None:
        image = QImage(round(w * dpr), round(h * dpr), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        p = QPainter(image)
        p.setTransform(inner)
        draw(p, inner.inverted()[0].mapRect(QRectF(0, 0, w, h)))
        p.end()
        self.image, self.key, self.size = image, key, QRect(0, 0, w, h)
        self.dirty.clear()

    def _redraw_dirty(self, inner: QTransform, draw: Draw) -> None:
        assert self.image is not None
        bounds = self.size
        inverse = inner.inverted()[0]
        p = QPainter(self.image)
        for rect in self.dirty:
            pixels = inner.mapRect(rect).toAlignedRect().adjusted(-1, -1, 1, 1)
            pixels = pixels.intersected(bounds)
            if pixels.isEmpty():
                continue
            p.resetTransform()
            p.setClipRect(pixels)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
            p.fillRect(pixels, Qt.GlobalColor.transparent)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            p.setTransform(inner)
            draw(p, inverse.mapRect(QRectF(pixels)))
        p.end()
        self.dirty.clear()
