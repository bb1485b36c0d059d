"""A strip of page thumbnails for the open document; click one to go there.

Thumbnails come from the session's RenderService (worker processes) at a small zoom, and
only for the items on screen: a 1,000-page document costs nothing until it is scrolled.
Requests are low priority (prefetch) so the page being labelled always renders first.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from ...core.errors import AalError
from ...core.records import Document, PageRecord
from ...services import documents
from ..render_service import RenderKey, zoom_bucket
from ..session import Session

THUMB_WIDTH = 110
MAX_IN_FLIGHT = 4
PAGE_ROLE = Qt.ItemDataRole.UserRole + 1


class ThumbnailStrip(QListWidget):
    """Page thumbnails, rendered lazily for the visible items."""

    pageActivated = Signal(int)  # 0-based page

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.doc: Document | None = None
        self._pages: list[PageRecord] = []
        self._pdf_path: str | None = None
        self._keys: dict[RenderKey, int] = {}  # requested key -> row
        self._done: set[int] = set()
        self._failed: set[int] = set()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setSpacing(6)
        self.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * 1.42)))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(THUMB_WIDTH + 40)
        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(40)
        self._visible_timer.timeout.connect(self.request_visible)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_timer.start())
        self.itemClicked.connect(self._on_clicked)
        self.itemActivated.connect(self._on_clicked)
        session.renderer.rendered.connect(self._on_rendered)
        session.renderer.failed.connect(self._on_failed)

    def set_document(self, document_id: int | None) -> None:
        """Show the pages of a document (placeholders first, images as they come)."""
        if document_id is not None and self.doc is not None and self.doc.id == document_id:
            return
        self.clear()
        self._keys.clear()
        self._done.clear()
        self._failed.clear()
        self.doc = None
        self._pages = []
        self._pdf_path = None
        if document_id is None:
            return
        project = self.session.project
        self.doc = documents.resolve(project, document_id)
        self._pages = documents.pages(project, document_id)
        try:
            self._pdf_path = str(project.pdf_path(self.doc.sha256))
        except AalError:
            self._pdf_path = None
        for record in self._pages:
            item = QListWidgetItem(self._placeholder(record), str(record.page + 1))
            item.setData(PAGE_ROLE, record.page)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setSizeHint(QSize(THUMB_WIDTH + 16, self._thumb_size(record).height() + 28))
            self.addItem(item)
        self._visible_timer.start()

    def set_current_page(self, page: int) -> None:
        item = self.item(page)
        if item is not None:
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)
            self.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)
            self._visible_timer.start()

    def pending(self) -> int:
        """Visible thumbnails still waiting for their image (screenshots wait for these)."""
        return sum(
            1 for row in self._visible_rows() if row not in self._done and row not in self._failed
        )

    def has_image(self, page: int) -> bool:
        return page in self._done

    # --- rendering ---------------------------------------------------------------------

    def _thumb_size(self, record: PageRecord) -> QSize:
        w = max(record.width, 1.0)
        scale = THUMB_WIDTH / w
        return QSize(THUMB_WIDTH, max(20, min(int(record.height * scale), THUMB_WIDTH * 3)))

    def _zoom(self, record: PageRecord) -> float:
        return THUMB_WIDTH * self.devicePixelRatioF() / max(record.width, 1.0)

    def _placeholder(self, record: PageRecord) -> QIcon:
        size = self._thumb_size(record)
        pix = QPixmap(size)
        pix.fill(QColor("#ffffff"))
        painter = QPainter(pix)
        painter.setPen(QColor("#c8ccd1"))
        painter.drawRect(0, 0, size.width() - 1, size.height() - 1)
        painter.end()
        return QIcon(pix)

    def _visible_rows(self) -> list[int]:
        viewport = self.viewport().rect()
        rows = []
        for row in range(self.count()):
            rect = self.visualItemRect(self.item(row))
            if rect.isValid() and rect.intersects(viewport):
                rows.append(row)
            elif rows:
                break
        return rows

    @Slot()
    def request_visible(self) -> None:
        """Ask for the visible thumbnails not rendered yet, a few at a time."""
        if self.doc is None or self._pdf_path is None:
            return
        renderer = self.session.renderer
        asked = 0
        for row in self._visible_rows():
            if row in self._done or row in self._failed:
                continue
            record = self._pages[row]
            zoom = self._zoom(record)
            key: RenderKey = (self.doc.sha256, record.page, zoom_bucket(zoom))
            self._keys[key] = row
            cached = renderer.cached(self.doc.sha256, record.page, zoom)
            if cached is not None:
                self._set_image(row, cached)
                continue
            if asked >= MAX_IN_FLIGHT:
                break
            # the service dedups: a job already queued or running is not asked twice
            renderer.request(self.doc.sha256, self._pdf_path, record.page, zoom, prefetch=True)
            asked += 1

    def _set_image(self, row: int, image: QImage) -> None:
        item = self.item(row)
        if item is None:
            return
        pix = QPixmap.fromImage(image)
        pix.setDevicePixelRatio(self.devicePixelRatioF())
        framed = QPixmap(pix.size())
        framed.setDevicePixelRatio(pix.devicePixelRatio())
        framed.fill(QColor("#ffffff"))
        painter = QPainter(framed)
        painter.drawPixmap(0, 0, pix)
        painter.setPen(QColor("#9aa0a6"))
        logical = QRect(
            0,
            0,
            int(pix.width() / pix.devicePixelRatio()) - 1,
            int(pix.height() / pix.devicePixelRatio()) - 1,
        )
        painter.drawRect(logical)
        painter.end()
        icon = QIcon(framed)
        icon.addPixmap(framed, QIcon.Mode.Selected)  # no selection tint over the page
        item.setIcon(icon)
        self._done.add(row)

    @Slot(object, QImage)
    def _on_rendered(self, key: RenderKey, image: QImage) -> None:
        if self.doc is None or key[0] != self.doc.sha256:
            return
        row = self._keys.get(key)
        if row is not None:
            self._set_image(row, image)
        self._visible_timer.start()  # a worker is free: ask for the next visible ones

    @Slot(object, str)
    def _on_failed(self, key: RenderKey, reason: str) -> None:
        row = self._keys.get(key)
        if row is None or self.doc is None or key[0] != self.doc.sha256:
            return
        self._failed.add(row)
        item = self.item(row)
        if item is not None:
            item.setToolTip(f"Page {row + 1} could not be rendered: {reason}")
            item.setText(f"{row + 1} ⚠")
        self._visible_timer.start()

    @Slot(QListWidgetItem)
    def _on_clicked(self, item: QListWidgetItem) -> None:
        page = item.data(PAGE_ROLE)
        if page is not None:
            self.pageActivated.emit(int(page))

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        self._visible_timer.start()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        self._visible_timer.start()
