"""The before/after page view of the review window: a region's old box (dashed) and new (solid).

Split from review_view.py (one module, one job): it shows one event on its page image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import Event
from ..services import documents
from .render_service import zoom_bucket

if TYPE_CHECKING:
    from .session import Session


BEFORE_PEN = QPen(QColor("#e65100"), 2, Qt.PenStyle.DashLine)
AFTER_PEN = QPen(QColor("#1565c0"), 2, Qt.PenStyle.SolidLine)
DELETED_PEN = QPen(QColor("#c62828"), 2, Qt.PenStyle.DotLine)
for _pen in (BEFORE_PEN, AFTER_PEN, DELETED_PEN):
    _pen.setCosmetic(True)
MAX_RENDER_ZOOM = 4.0  # a close-up of a small box needs no more than this


class BeforeAfterView(QGraphicsView):
    """The page with the region's original box and class (dashed) and its new ones (solid)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#5f6368"))
        self.setMinimumSize(320, 320)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)  # pan around the change
        self._key: object = None
        self._pixmap_item: Any = None
        self.message = ""
        self.labels: list[str] = []
        self._focus = QRectF()
        self._waiting: list[Any] = []  # paper and boxes, shown when the page image arrives
        self._notice: Any = None
        session.renderer.rendered.connect(self._on_rendered)
        session.renderer.failed.connect(self._on_failed)

    def clear_page(self, message: str = "") -> None:
        self.scene().clear()
        self._pixmap_item = None
        self._key = None
        self.labels = []
        self._focus = QRectF()
        self._waiting = []
        self._notice = None
        self.message = message
        if message:
            t = self.scene().addSimpleText(message)
            t.setBrush(QColor("white"))

    def show_event(self, event: Event) -> None:
        """Draw the page of an event's region with both boxes; the image follows."""
        if event.document_id is None or event.page is None:
            self.clear_page("this event is not about a region on a page")
            return
        project = self.session.project
        try:
            doc = documents.resolve(project, event.document_id)
            page = documents.page(project, event.document_id, event.page)
            pdf_path = str(project.pdf_path(doc.sha256))
        except AalError as exc:
            self.clear_page(str(exc))
            return
        self.clear_page()
        scene = self.scene()
        page_rect = QRectF(0, 0, page.width, page.height)
        paper = scene.addRect(page_rect, QPen(Qt.PenStyle.NoPen), QColor("white"))
        paper.setZValue(-2)
        before = set(scene.items())
        boxes = self._draw_boxes(event)
        self._focus = page_rect
        if boxes:
            # the change up close and in the middle, with some of the page around it
            area = boxes[0]
            for b in boxes[1:]:
                area = area.united(b)
            margin = max(120.0, area.width(), area.height())
            self._focus = area.adjusted(-margin, -margin, margin, margin)
        # the scene reaches a page past each edge, so a box at the edge can still be centred
        scene.setSceneRect(page_rect.adjusted(-page.width, -page.height, page.width, page.height))
        # boxes on blank paper read as "the page is empty": show them with the page image
        self._waiting = [paper, *(i for i in scene.items() if i not in before)]
        for item in self._waiting:
            item.setVisible(False)
        self.message = "rendering page…"
        self._notice = scene.addSimpleText(self.message)
        self._notice.setBrush(QColor("white"))
        self._notice.setFlag(self._notice.GraphicsItemFlag.ItemIgnoresTransformations)
        self._notice.setPos(self._focus.center())
        self._fit()
        # at the size it is shown (not a fixed page zoom): a smaller image arrives sooner
        zoom = min(self.transform().m11() * self.devicePixelRatioF(), MAX_RENDER_ZOOM)
        zoom = zoom_bucket(max(zoom, 0.25))
        # the key first: a cached image is emitted from inside request()
        self._key = (doc.sha256, event.page, zoom)
        self._key = self.session.renderer.request(doc.sha256, pdf_path, event.page, zoom)

    def _label(self, text: str, pen: QPen, x: float, y: float, above: bool) -> None:
        """A readable label at a box corner; it keeps its screen size at any zoom."""
        item = QGraphicsSimpleTextItem(text)
        font = QFont()
        font.setPointSize(9)
        font.setBold(True)
        item.setFont(font)
        item.setBrush(pen.color())
        item.setFlag(item.GraphicsItemFlag.ItemIgnoresTransformations)
        back = QGraphicsRectItem(item.boundingRect().adjusted(-2, -1, 2, 1), item)
        back.setBrush(QColor(255, 255, 255, 220))
        back.setPen(QPen(Qt.PenStyle.NoPen))
        back.setFlag(back.GraphicsItemFlag.ItemStacksBehindParent)
        item.setPos(x, y)
        if above:  # offset in screen pixels, since the item ignores the view's zoom
            item.setTransform(QTransform.fromTranslate(0, -item.boundingRect().height() - 2))
        item.setZValue(3)
        self.scene().addItem(item)
        self.labels.append(text)

    def _box(self, snap: dict[str, Any], pen: QPen, z: float) -> QRectF:
        x0, y0, x1, y1 = (float(v) for v in snap["box"])
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        self.scene().addRect(rect, pen).setZValue(z)
        return rect

    def _draw_boxes(self, event: Event) -> list[QRectF]:
        """Original dashed (drawn on top, so a relabel's identical box shows both colours),
        new solid, a deletion dotted red; each labelled with its class."""
        before, after = event.original, event.new
        rects = []
        if isinstance(after, dict):
            deleted = bool(after.get("deleted"))
            pen = DELETED_PEN if deleted else AFTER_PEN
            r = self._box(after, pen, 2)
            word = "created" if before is None else "after"
            text = f"{word}: {after.get('class_key')}" + (" (deleted)" if deleted else "")
            self._label(text, pen, r.left(), r.bottom() + 1, above=False)
            rects.append(r)
        if isinstance(before, dict):
            r = self._box(before, BEFORE_PEN, 2.5)
            self._label(
                f"before: {before.get('class_key')}", BEFORE_PEN, r.left(), r.top(), above=True
            )
            self.labels.insert(0, self.labels.pop())
            rects.append(r)
        return rects

    def _on_rendered(self, key: object, image: QImage) -> None:
        if key != self._key:
            return
        zoom = float(key[2])  # type: ignore[index]
        item = self.scene().addPixmap(QPixmap.fromImage(image))
        item.setScale(1.0 / zoom)
        item.setZValue(-1)
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._pixmap_item = item
        self._reveal()
        self.message = ""

    def _reveal(self) -> None:
        for waiting in self._waiting:
            waiting.setVisible(True)
        self._waiting = []
        if self._notice is not None:
            self.scene().removeItem(self._notice)
            self._notice = None

    def _on_failed(self, key: object, reason: str) -> None:
        if key != self._key:
            return
        self._reveal()  # the boxes on blank paper are better than nothing
        self.message = f"page could not be rendered: {reason}"
        t = self.scene().addSimpleText(self.message)
        t.setBrush(QColor("#c62828"))
        t.setPos(10, 10)

    def has_image(self) -> bool:
        return self._pixmap_item is not None

    def _fit(self) -> None:
        rect = self._focus
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            self.centerOn(rect.center())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()
