"""View concerns of the page canvas: zoom, fit, the page image and the failure message.

Split from page_canvas.py so the canvas reads as one job per module: this mixin shows the
page (rendered in worker processes by the RenderService, sharpened after a zoom settles);
canvas_editing.py turns gestures into edits; page_canvas.py assembles both with the regions.
The mixin relies on the state PageCanvas.__init__ sets up (`_page_item`, `_message`, `_doc`,
`_page`, `_zoom`, `_rerender`, ...) and on its signals.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QResizeEvent, QTransform, QWheelEvent

from .render_service import RenderKey, zoom_bucket

MIN_ZOOM = 0.1
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25
MAX_RENDER_SIDE_PX = 8000  # A0 posters: cap the render so the image stays below this
RERENDER_DELAY_MS = 150
SCENE_MARGIN_PT = 24.0


class CanvasViewMixin:
    """Zoom, fit and the page image of PageCanvas (mixed into a QGraphicsView)."""

    _zoom: float
    _fit_mode: str | None
    _doc: Any
    _page: Any
    _pdf_path: str | None

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def fit_width(self) -> None:
        self._fit_mode = "width"
        self._apply_fit(emit=True)

    def fit_page(self) -> None:
        self._fit_mode = "page"
        self._apply_fit(emit=True)

    def set_zoom(self, z: float) -> None:
        self._fit_mode = None
        self._apply_zoom(z)

    def zoom(self) -> float:
        return self._zoom

    def is_ready(self) -> bool:
        return self._ready

    def failure(self) -> str | None:
        """Why the current page could not be shown, if it failed."""
        return self._failure

    def page_to_view(self, x: float, y: float) -> QPoint:
        """Viewport pixel of a point on the page (tests drive the mouse with this)."""
        return self.mapFromScene(QPointF(x, y))

    # --- zoom ----------------------------------------------------------------------------

    def _apply_fit(self, emit: bool) -> None:
        if self._page is None:
            return
        vp = self.viewport().size()
        margin = 2 * SCENE_MARGIN_PT
        zw = max(vp.width() - 4, 50) / (self._page.width + margin)
        if self._fit_mode == "width":
            z = zw
        else:
            zh = max(vp.height() - 4, 50) / (self._page.height + margin)
            z = min(zw, zh)
        self._apply_zoom(z, emit=emit)

    def _apply_zoom(self, z: float, emit: bool = True) -> None:
        z = min(max(z, MIN_ZOOM), MAX_ZOOM)
        if math.isclose(z, self._zoom, rel_tol=1e-6) and not self.transform().isIdentity():
            return
        self._zoom = z
        self.setTransform(QTransform.fromScale(z, z))
        self._scene.unit = 1.0 / z
        for item in self._items.values():
            item.unit_changed()
        if emit:
            self.zoomChanged.emit(z)
        if self._doc is not None and self._pdf_path is not None and self._failure is None:
            self._show_interim_image()
            self._rerender.start()

    def _render_zoom(self) -> float:
        """The zoom to render at: the view's zoom in device pixels, capped for huge pages."""
        assert self._page is not None
        z = self._zoom * self.devicePixelRatioF()
        longest = max(self._page.width, self._page.height, 1.0)
        cap = (MAX_RENDER_SIDE_PX - 2) / longest
        return min(z, cap)

    # --- page image ----------------------------------------------------------------------

    def _show_interim_image(self) -> None:
        """Show the closest cached image of this page at once, scaled (sharpened later)."""
        if self._doc is None or self._page is None:
            return
        best = self.session.renderer.best_cached(self._doc.sha256, self._page.page,
                                                 self._render_zoom())
        if best is not None and best[0] != self._shown_key:
            self._page_item.set_image(best[1])
            self._shown_key = best[0]

    @Slot()
    def _request_image(self) -> None:
        if self._doc is None or self._page is None or self._pdf_path is None:
            return
        rz = self._render_zoom()
        key: RenderKey = (self._doc.sha256, self._page.page, zoom_bucket(rz))
        self._rerender.stop()
        renderer = self.session.renderer
        if self._wanted_key is not None and self._wanted_key != key:
            renderer.cancel(self._wanted_key)
        self._wanted_key = key
        if self._shown_key == key:
            self._mark_ready()
            self._prefetch_neighbours(key[2])
            return
        renderer.request(self._doc.sha256, self._pdf_path, self._page.page, rz)

    @Slot(object, QImage)
    def _on_rendered(self, key: RenderKey, image: QImage) -> None:
        if self._doc is None or self._page is None:
            return
        if key[0] != self._doc.sha256 or key[1] != self._page.page:
            return
        if key == self._wanted_key:
            self._page_item.set_image(image)
            self._shown_key = key
            self._mark_ready()
            self._prefetch_neighbours(key[2])
        elif self._shown_key is None:
            self._page_item.set_image(image)  # another zoom: better than a blank page
            self._shown_key = key

    @Slot(object, str)
    def _on_failed(self, key: RenderKey, reason: str) -> None:
        if self._doc is None or self._page is None:
            return
        if key[0] == self._doc.sha256 and key[1] == self._page.page and key == self._wanted_key:
            self._show_failure(reason)

    def _show_failure(self, reason: str) -> None:
        assert self._doc is not None and self._page is not None
        self._failure = reason
        self._ready = False
        self._page_item.set_image(None)
        self._message.setText(f"Page {self._page.page + 1} could not be shown:\n{reason}")
        font = QFont()
        font.setPointSizeF(max(10.0, min(self._page.width, self._page.height) / 30))
        font.setBold(True)
        self._message.setFont(font)
        self._message.setBrush(QBrush(QColor(180, 30, 30)))
        br = self._message.boundingRect()
        self._message.setPos(max(8.0, (self._page.width - br.width()) / 2),
                             max(8.0, (self._page.height - br.height()) / 3))
        self._message.setVisible(True)
        self.pageFailed.emit(self._doc.id, self._page.page, reason)

    def _mark_ready(self) -> None:
        """Image and regions are on the scene: tell listeners on the next loop turn (so a
        caller can connect after show_page() returns and still hear it)."""
        if self._ready or self._doc is None or self._page is None:
            return
        self._ready = True
        generation = self._generation
        doc_id, page = self._doc.id, self._page.page

        def emit() -> None:
            if generation == self._generation and self._ready:
                self.pageReady.emit(doc_id, page)

        QTimer.singleShot(0, emit)

    def _prefetch_neighbours(self, zoom: float) -> None:
        assert self._doc is not None and self._page is not None and self._pdf_path is not None
        for page in (self._page.page + 1, self._page.page - 1):
            if 0 <= page < self._doc.page_count:
                self.session.renderer.request(self._doc.sha256, self._pdf_path, page, zoom,
                                              prefetch=True)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self._zoom * (ZOOM_STEP ** steps))
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_mode is not None:
            self._apply_fit(emit=True)
