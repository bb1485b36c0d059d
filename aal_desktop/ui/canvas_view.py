"""The page image of the canvas: zoom, fit, rendering at the right resolution, failures.

Composed into the canvas view (page_canvas.py), not mixed in: a PageImageController owns
the zoom and the image state and drives the view's transform; the page is rendered in worker
processes by the RenderService and sharpened after a zoom settles. It emits the canvas's
zoomChanged / pageReady / pageFailed signals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QTransform
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from ..core.errors import AalError
from ..services import documents
from .region_items import PageImageItem
from .render_service import RenderKey, zoom_bucket

if TYPE_CHECKING:
    from .page_canvas import PageCanvas

MIN_ZOOM = 0.1
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25
MAX_RENDER_SIDE_PX = 8000  # A0 posters: cap the render so the image stays below this
RERENDER_DELAY_MS = 150
SCENE_MARGIN_PT = 24.0


class PageImageController(QObject):
    """Zoom, fit and the page image of one canvas."""

    def __init__(
        self, canvas: PageCanvas, page_item: PageImageItem, message: QGraphicsSimpleTextItem
    ) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.page_item = page_item
        self.message = message
        self.zoom = 1.0
        self.fit_mode: str | None = "page"
        self.wanted_key: RenderKey | None = None
        self.shown_key: RenderKey | None = None
        self.ready = False
        self.failure: str | None = None
        self.generation = 0
        self.rerender = QTimer(self)
        self.rerender.setSingleShot(True)
        self.rerender.setInterval(RERENDER_DELAY_MS)
        self.rerender.timeout.connect(self.request_image)
        # the page's own time limit, from when it is asked for: a page queued behind a
        # hanging one fails at the limit too, not at twice the limit
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._on_deadline)
        renderer = canvas.session.renderer
        renderer.rendered.connect(self._on_rendered)
        renderer.failed.connect(self._on_failed)

    # --- a new page ------------------------------------------------------------------------

    def begin_page(self) -> None:
        """A new page is about to be shown: forget the old image and readiness."""
        self.generation += 1
        self.ready = False
        self.failure = None
        self.rerender.stop()
        self.shown_key = None
        self.message.setVisible(False)
        self.deadline.stop()

    @Slot()
    def _on_deadline(self) -> None:
        renderer = self.canvas.session.renderer
        if (
            not self.ready
            and self.failure is None
            and self.shown_key is None
            and (self.canvas.page_record() is not None)
        ):
            if self.wanted_key is not None:
                renderer.cancel(self.wanted_key)
            self.show_failure(f"timed out after {self.canvas.session.renderer.timeout:g} s")

    # --- zoom ----------------------------------------------------------------------------

    def set_zoom(self, z: float) -> None:
        self.fit_mode = None
        self.apply_zoom(z)

    def fit(self, mode: str) -> None:
        self.fit_mode = mode
        self.apply_fit(emit=True)

    def apply_fit(self, emit: bool) -> None:
        page = self.canvas.page_record()
        if page is None:
            return
        vp = self.canvas.viewport().size()
        margin = 2 * SCENE_MARGIN_PT
        zw = max(vp.width() - 4, 50) / (page.width + margin)
        if self.fit_mode == "width":
            z = zw
        else:
            zh = max(vp.height() - 4, 50) / (page.height + margin)
            z = min(zw, zh)
        self.apply_zoom(z, emit=emit)

    def apply_zoom(self, z: float, emit: bool = True) -> None:
        z = min(max(z, MIN_ZOOM), MAX_ZOOM)
        canvas = self.canvas
        if math.isclose(z, self.zoom, rel_tol=1e-6) and not canvas.transform().isIdentity():
            return
        self.zoom = z
        canvas.setTransform(QTransform.fromScale(z, z))
        canvas.scene_unit_changed(1.0 / z)
        if emit:
            canvas.zoomChanged.emit(z)
        if canvas.document() is not None and canvas.pdf_path() is not None and self.failure is None:
            self.show_interim_image()
            self.rerender.start()

    def render_zoom(self) -> float:
        """The zoom to render at: the view's zoom in device pixels, capped for huge pages."""
        page = self.canvas.page_record()
        assert page is not None
        z = self.zoom * self.canvas.devicePixelRatioF()
        longest = max(page.width, page.height, 1.0)
        cap = (MAX_RENDER_SIDE_PX - 2) / longest
        return min(z, cap)

    # --- page image ----------------------------------------------------------------------

    def show_interim_image(self) -> None:
        """Show the closest cached image of this page at once, scaled (sharpened later)."""
        doc, page = self.canvas.document(), self.canvas.page_record()
        if doc is None or page is None:
            return
        best = self.canvas.session.renderer.best_cached(doc.sha256, page.page, self.render_zoom())
        if best is not None and best[0] != self.shown_key:
            self.page_item.set_image(best[1])
            self.shown_key = best[0]

    @Slot()
    def request_image(self) -> None:
        doc, page, pdf = self.canvas.document(), self.canvas.page_record(), self.canvas.pdf_path()
        if doc is None or page is None or pdf is None:
            return
        rz = self.render_zoom()
        key: RenderKey = (doc.sha256, page.page, zoom_bucket(rz))
        self.rerender.stop()
        renderer = self.canvas.session.renderer
        if self.wanted_key is not None and self.wanted_key != key:
            renderer.cancel(self.wanted_key)
        self.wanted_key = key
        if self.shown_key == key:
            self._mark_ready()
            self._prefetch_neighbours(key[2])
            return
        renderer.request(doc.sha256, pdf, page.page, rz)
        if renderer.is_queued(key) and not self.deadline.isActive():
            # queued behind another render (perhaps a hanging one): the page's own limit
            # counts from now; a render handed to a worker has the worker's limit
            self.deadline.start(int(renderer.timeout * 1000))

    @Slot(object, QImage)
    def _on_rendered(self, key: RenderKey, image: QImage) -> None:
        doc, page = self.canvas.document(), self.canvas.page_record()
        if doc is None or page is None:
            return
        if key[0] != doc.sha256 or key[1] != page.page:
            return
        if key == self.wanted_key:
            self.page_item.set_image(image)
            self.shown_key = key
            self._mark_ready()
            self._prefetch_neighbours(key[2])
        elif self.shown_key is None:
            self.page_item.set_image(image)  # another zoom: better than a blank page
            self.shown_key = key

    @Slot(object, str)
    def _on_failed(self, key: RenderKey, reason: str) -> None:
        doc, page = self.canvas.document(), self.canvas.page_record()
        if doc is None or page is None:
            return
        if key[0] == doc.sha256 and key[1] == page.page and key == self.wanted_key:
            self.show_failure(reason)

    def show_failure(self, reason: str) -> None:
        doc, page = self.canvas.document(), self.canvas.page_record()
        assert doc is not None and page is not None
        self.failure = reason
        self.ready = False
        self.deadline.stop()
        self.page_item.set_image(None)
        self.message.setText(f"Page {page.page + 1} could not be shown:\n{reason}")
        font = QFont()
        font.setPointSizeF(max(10.0, min(page.width, page.height) / 30))
        font.setBold(True)
        self.message.setFont(font)
        self.message.setBrush(QBrush(QColor(180, 30, 30)))
        br = self.message.boundingRect()
        self.message.setPos(
            max(8.0, (page.width - br.width()) / 2), max(8.0, (page.height - br.height()) / 3)
        )
        self.message.setVisible(True)
        self.canvas.pageFailed.emit(doc.id, page.page, reason)

    def _mark_ready(self) -> None:
        """Image and regions are on the scene: tell listeners on the next loop turn (so a
        caller can connect after show_page() returns and still hear it)."""
        doc, page = self.canvas.document(), self.canvas.page_record()
        if self.ready or doc is None or page is None:
            return
        self.ready = True
        self.deadline.stop()
        generation = self.generation
        doc_id, page_no = doc.id, page.page

        def emit() -> None:
            if generation == self.generation and self.ready:
                self.canvas.pageReady.emit(doc_id, page_no)

        QTimer.singleShot(0, emit)

    def _prefetch_neighbours(self, zoom: float) -> None:
        doc, page, pdf = self.canvas.document(), self.canvas.page_record(), self.canvas.pdf_path()
        assert doc is not None and page is not None and pdf is not None
        self.canvas.session.prefetch_words(doc, page.page)  # for the first box drawn here
        for p in (page.page + 1, page.page - 1):
            if 0 <= p < doc.page_count:
                self.canvas.session.renderer.request(doc.sha256, pdf, p, zoom, prefetch=True)
        if page.page + 1 >= doc.page_count - 1:  # near the end: the next document's first page
            self._prefetch_next_document(doc.id, zoom)

    def _prefetch_next_document(self, document_id: int, zoom: float) -> None:
        project = self.canvas.session.project
        try:
            later = [d for d in documents.list_documents(project) if d.id > document_id]
            if later:
                nxt = min(later, key=lambda d: d.id)
                self.canvas.session.renderer.request(
                    nxt.sha256, str(project.pdf_path(nxt.sha256)), 0, zoom, prefetch=True
                )
        except AalError:
            pass  # a missing file shows its failure when that document is opened
