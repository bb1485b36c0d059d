"""The page canvas: a PDF page with its regions, drawn and edited with mouse and keyboard.

Scene coordinates are PDF points in the page's displayed space (rotation applied,
CropBox-relative), so a region's box is exactly its item's scene rect; the view's
transform is the zoom (1.0 = 72 dpi). The page image comes from the RenderService (worker
processes); the canvas never writes to the database: every edit is one QUndoCommand
(ui/undo.py) pushed on the session's stack, and the canvas redraws from
`session.regionsChanged`, i.e. from what the services say happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QWidget,
)

from ..core.errors import AalError
from ..core.geometry import Box
from ..core.records import Document, PageRecord, Region
from ..core.schema import LabelSchema
from ..services import documents
from ..services import regions as region_service
from . import undo
from .region_items import PageImageItem, PageScene, RegionItem
from .render_service import RenderKey, zoom_bucket
from .session import Session

MIN_ZOOM = 0.1
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25
MAX_RENDER_SIDE_PX = 8000  # A0 posters: cap the render so the image stays below this
RERENDER_DELAY_MS = 150
MIN_DRAG_PX = 3.0
NUDGE_PT = 1.0
NUDGE_BIG_PT = 10.0
PASTE_OFFSET_PT = 10.0
SCENE_MARGIN_PT = 24.0


@dataclass(frozen=True)
class _Clip:
    """A copied region: enough to paste it on any page."""

    document_id: int
    page: int
    box: Box
    class_key: str
    attrs: dict[str, Any]


class PageCanvas(QGraphicsView):
    """Shows one page with its regions; drawing, selecting and editing regions."""

    selectionChangedIds = Signal(list)  # selected region ids
    cursorMoved = Signal(float, float)  # position in PDF points (displayed space)
    zoomChanged = Signal(float)  # zoom factor (1.0 = 72 dpi)
    pageReady = Signal(int, int)  # document_id, page: image AND regions drawn
    pageFailed = Signal(int, int, str)  # document_id, page, reason
    historyRequested = Signal(str)  # region id (context menu "History…" / Ctrl+H)
    currentClassChanged = Signal(str)  # extra: the class new boxes are drawn with
    editFailed = Signal(str)  # extra: a service refused an edit (shown in the status bar)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._scene = PageScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Mid))

        self._page_item = PageImageItem()
        self._scene.addItem(self._page_item)
        self._message = QGraphicsSimpleTextItem()
        self._message.setZValue(1e12)
        self._message.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._scene.addItem(self._message)
        self._draft = QGraphicsRectItem()
        pen = QPen(QColor(0, 0, 0), 1.5, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._draft.setPen(pen)
        self._draft.setZValue(1e11)
        self._draft.setVisible(False)
        self._scene.addItem(self._draft)

        self._doc: Document | None = None
        self._page: PageRecord | None = None
        self._pdf_path: str | None = None
        self._items: dict[str, RegionItem] = {}
        self._zoom = 1.0
        self._fit_mode: str | None = "page"
        self._wanted_key: RenderKey | None = None
        self._shown_key: RenderKey | None = None
        self._ready = False
        self._failure: str | None = None
        self._generation = 0
        self._current_class = self._default_class()
        self._snap = False
        self._space_down = False
        self._pan_from: QPoint | None = None
        self._draw_from: QPointF | None = None
        self._press_view_pos: QPoint | None = None
        self._press_boxes: dict[str, Box] = {}
        self._rubber_band = False
        self._pending_selection: list[str] | None = None
        self._suppress_selection_signal = False
        self._last_selection: list[str] = []
        self._clipboard: list[_Clip] = []
        self._paste_count = 0

        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(RERENDER_DELAY_MS)
        self._rerender.timeout.connect(self._request_image)

        self._scene.selectionChanged.connect(self._on_scene_selection)
        renderer = session.renderer
        renderer.rendered.connect(self._on_rendered)
        renderer.failed.connect(self._on_failed)
        session.regionsChanged.connect(self._on_regions_changed)
        session.schemaChanged.connect(self._on_schema_changed)
        session.documentsChanged.connect(self._on_documents_changed)
        self._apply_zoom(1.0, emit=False)

    # --- public API ------------------------------------------------------------------------

    def show_page(self, document_id: int, page: int) -> None:
        """Show page `page` (0-based) of a document: regions at once, the image when ready."""
        project = self.session.project
        self._generation += 1
        self._ready = False
        self._failure = None
        self._rerender.stop()
        self._cancel_gesture()
        doc = documents.resolve(project, document_id)
        record = documents.page(project, doc.id, page)
        changed_doc = self._doc is None or self._doc.id != doc.id
        self._doc, self._page = doc, record
        if changed_doc:
            self._paste_count = 0
        rect = QRectF(0, 0, record.width, record.height)
        self._scene.page_rect = rect
        m = SCENE_MARGIN_PT
        self._scene.setSceneRect(rect.adjusted(-m, -m, m, m))
        self._page_item.set_page(rect)
        self._shown_key = None
        self._message.setVisible(False)
        self._clear_regions()
        self._load_regions()
        if self._fit_mode is not None:
            self._apply_fit(emit=True)
        try:
            self._pdf_path = str(project.pdf_path(doc.sha256))
        except AalError as exc:
            self._pdf_path = None
            self._show_failure(str(exc))
            return
        self._show_interim_image()
        self._request_image()

    def current(self) -> tuple[int, int] | None:
        if self._doc is None or self._page is None:
            return None
        return self._doc.id, self._page.page

    def select_regions(self, ids: list[str]) -> None:
        """Select exactly these regions (those on the current page) and bring them into view."""
        wanted = set(ids)
        self._suppress_selection_signal = True
        try:
            for rid, item in self._items.items():
                item.setSelected(rid in wanted)
        finally:
            self._suppress_selection_signal = False
        self._on_scene_selection()
        chosen = [self._items[r] for r in ids if r in self._items]
        if chosen:
            rect = chosen[0].sceneBoundingRect()
            for item in chosen[1:]:
                rect = rect.united(item.sceneBoundingRect())
            self.ensureVisible(rect, 20, 20)

    def selected_ids(self) -> list[str]:
        return [i.region_id for i in self._selected_items()]

    def set_current_class(self, key: str) -> None:
        self.session.schema.require(key)
        if key != self._current_class:
            self._current_class = key
            self.currentClassChanged.emit(key)

    def current_class(self) -> str:
        return self._current_class

    def set_snap(self, on: bool) -> None:
        self._snap = bool(on)

    def snap_enabled(self) -> bool:
        return self._snap

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

    def region_item(self, region_id: str) -> RegionItem | None:
        """The scene item of a region on the current page (tests, panels)."""
        return self._items.get(region_id)

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

    # --- regions -------------------------------------------------------------------------

    def _clear_regions(self) -> None:
        self._suppress_selection_signal = True
        try:
            for item in self._items.values():
                self._scene.removeItem(item)
            self._items.clear()
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    def _class_look(self, schema: LabelSchema, key: str) -> tuple[str, str]:
        cls = schema.get(key)
        return (cls.color, cls.name) if cls is not None else ("#808080", key)

    def _load_regions(self) -> None:
        """Bring the items in line with the store: add, update and remove by id."""
        if self._doc is None or self._page is None:
            return
        schema = self.session.schema
        regions = region_service.list_regions(self.session.project, self._doc.id,
                                              self._page.page)
        keep_selected = (set(self._pending_selection) if self._pending_selection is not None
                         else set(self.selected_ids()))
        self._pending_selection = None
        self._suppress_selection_signal = True
        try:
            seen: set[str] = set()
            for region in regions:
                seen.add(region.id)
                colour, name = self._class_look(schema, region.class_key)
                item = self._items.get(region.id)
                if item is None:
                    item = RegionItem(region, colour, name)
                    self._items[region.id] = item
                    self._scene.addItem(item)
                elif item.region != region or item.box() != region.box:
                    item.update_region(region, colour, name)
                item.setSelected(region.id in keep_selected)
            for rid in [r for r in self._items if r not in seen]:
                self._scene.removeItem(self._items.pop(rid))
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    @Slot(int, int)
    def _on_regions_changed(self, document_id: int, page: int) -> None:
        if self._doc is None or self._page is None:
            return
        if document_id not in (-1, self._doc.id) or page not in (-1, self._page.page):
            return
        if self._press_view_pos is not None:
            QTimer.singleShot(50, lambda: self._on_regions_changed(document_id, page))
            return  # never pull items from under a gesture in progress
        self._load_regions()

    @Slot()
    def _on_schema_changed(self) -> None:
        schema = self.session.schema
        if schema.get(self._current_class) is None:
            self._current_class = self._default_class()
            self.currentClassChanged.emit(self._current_class)
        for item in self._items.values():
            colour, name = self._class_look(schema, item.region.class_key)
            item.update_region(item.region, colour, name)

    @Slot()
    def _on_documents_changed(self) -> None:
        if self._doc is not None:
            try:
                self._doc = documents.resolve(self.session.project, self._doc.id)
            except AalError:
                pass

    def _default_class(self) -> str:
        schema = self.session.schema
        usable = [c for c in schema.classes if not c.deprecated]
        if any(c.key == "text" for c in usable):
            return "text"
        return (usable or schema.classes)[0].key

    def _selected_items(self) -> list[RegionItem]:
        return [i for i in self._scene.selectedItems() if isinstance(i, RegionItem)]

    @Slot()
    def _on_scene_selection(self) -> None:
        if not self._suppress_selection_signal:
            self._emit_selection_if_changed()

    def _emit_selection_if_changed(self) -> None:
        ids = self.selected_ids()
        if ids != self._last_selection:
            self._last_selection = ids
            self.selectionChangedIds.emit(ids)

    # --- edits (each one QUndoCommand) ---------------------------------------------------

    def _run(self, command: undo.RegionCommand) -> list[region_service.Edit]:
        """Push one command; a refusal is shown (editFailed) and the items are redrawn."""
        try:
            return undo.execute(self.session, command)
        except AalError as exc:
            self.editFailed.emit(str(exc))
            self._load_regions()
            return []

    def add_box(self, box: Box, class_key: str | None = None) -> str | None:
        """Add a region on the current page with the current class; returns its id."""
        if self._doc is None or self._page is None:
            return None
        key = class_key or self._current_class
        edits = self._run(undo.AddRegionsCommand(self.session, self._doc.id, self._page.page,
                                                 [(box, key, {})], snap=self._snap))
        if not edits:
            return None
        self._pending_selection = [edits[0].after.id]
        self._load_regions()
        return edits[0].after.id

    def relabel_selection(self, class_key: str) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(undo.RelabelCommand(self.session, ids, class_key))

    def delete_selection(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._run(undo.DeleteCommand(self.session, ids))

    def accept_selection(self) -> None:
        ids = [i.region_id for i in self._selected_items() if i.pending]
        if ids:
            self._run(undo.AcceptPrelabelsCommand(self.session, ids))

    def nudge_selection(self, dx: float, dy: float) -> None:
        moves = []
        for item in self._selected_items():
            b = self._clamped(item.region.box.translated(dx, dy))
            if b != item.region.box:
                moves.append((item.region_id, b))
        if moves:
            n = len(moves)
            self._run(undo.MoveCommand(self.session, moves, snap=False,
                                       label=f"Nudge {n} region{'s' if n != 1 else ''}"))

    def copy_selection(self) -> int:
        """Remember the selected regions for pasting (on this page or another)."""
        self._clipboard = [
            _Clip(i.region.document_id, i.region.page, i.region.box, i.region.class_key,
                  dict(i.region.attrs))
            for i in self._selected_items()
        ]
        self._paste_count = 0
        return len(self._clipboard)

    def paste(self) -> list[str]:
        """Paste the copied regions: offset by 10 pt on their own page (cascading on each
        paste), at the same place on another page; kept inside the page."""
        if not self._clipboard or self._doc is None or self._page is None:
            return []
        same_page = all(c.document_id == self._doc.id and c.page == self._page.page
                        for c in self._clipboard)
        if same_page:
            self._paste_count += 1
        offset = PASTE_OFFSET_PT * self._paste_count if same_page else 0.0
        items = [(self._clamped(c.box.translated(offset, offset)), c.class_key, c.attrs)
                 for c in self._clipboard]
        edits = self._run(undo.AddRegionsCommand(self.session, self._doc.id, self._page.page,
                                                 items, snap=False))
        ids = [e.after.id for e in edits]
        if ids:
            self._pending_selection = ids
            self._load_regions()
        return ids

    def select_all(self) -> None:
        self.select_regions(list(self._items))

    def _clamped(self, box: Box) -> Box:
        """Shift a box back onto the page (and clip it if it is larger than the page)."""
        assert self._page is not None
        w, h = self._page.width, self._page.height
        dx = -box.x0 if box.x0 < 0 else min(0.0, w - box.x1)
        dy = -box.y0 if box.y0 < 0 else min(0.0, h - box.y1)
        return box.translated(dx, dy).clipped(w, h).rounded()

    # --- mouse -----------------------------------------------------------------------------

    def _region_at(self, pos: QPoint) -> RegionItem | None:
        for item in self.items(pos):
            if isinstance(item, RegionItem):
                return item
        return None

    def _cancel_gesture(self) -> None:
        self._draw_from = None
        self._draft.setVisible(False)
        self._pan_from = None
        self._press_view_pos = None
        self._press_boxes = {}

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
                button == Qt.MouseButton.LeftButton and self._space_down):
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton or self._page is None:
            super().mousePressEvent(event)
            return
        mods = event.modifiers()
        self._press_view_pos = pos
        on_region = self._region_at(pos)
        force_draw = bool(mods & Qt.KeyboardModifier.AltModifier)
        if on_region is not None and not force_draw:
            super().mousePressEvent(event)  # select / toggle / start a move or resize
            self._press_boxes = {i.region_id: i.box() for i in self._selected_items()}
            return
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self._rubber_band = True
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            super().mousePressEvent(event)
            return
        self._draw_from = self._page_point(self.mapToScene(pos))
        self._draft.setRect(QRectF(self._draw_from, self._draw_from))
        self._draft.setVisible(True)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        scene_pos = self.mapToScene(pos)
        self.cursorMoved.emit(scene_pos.x(), scene_pos.y())
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._draw_from is not None:
            p = self._page_point(scene_pos)
            self._draft.setRect(QRectF(self._draw_from, p).normalized())
            if self._doc is not None:
                colour = self._class_look(self.session.schema, self._current_class)[0]
                pen = self._draft.pen()
                pen.setColor(QColor(colour))
                self._draft.setPen(pen)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                              Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down
                                      else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        press = self._press_view_pos
        self._press_view_pos = None
        if self._draw_from is not None:
            start = self._draw_from
            self._draw_from = None
            self._draft.setVisible(False)
            event.accept()
            if press is None or not self._is_drag(press, pos):
                self._scene.clearSelection()  # a click on empty page: deselect
                return
            end = self._page_point(self.mapToScene(pos))
            self.add_box(Box.normalized(start.x(), start.y(), end.x(), end.y()).rounded())
            return
        if self._rubber_band:
            super().mouseReleaseEvent(event)
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self._rubber_band = False
            return
        super().mouseReleaseEvent(event)
        self._commit_geometry(press, pos)

    def _commit_geometry(self, press: QPoint | None, pos: QPoint) -> None:
        """After a move or resize gesture: one MoveCommand for every item that changed."""
        before = self._press_boxes
        self._press_boxes = {}
        if not before:
            return
        moved: list[tuple[str, Box]] = []
        for rid, old in before.items():
            item = self._items.get(rid)
            if item is None:
                continue
            new = item.box().rounded()
            if new != old.rounded():
                moved.append((rid, new))
        if not moved:
            return
        if press is None or not self._is_drag(press, pos):
            for rid, old in before.items():  # a tiny drag is a click: put things back
                if rid in self._items:
                    self._items[rid].set_box(old)
            return
        moves = [(rid, self._clamped(box)) for rid, box in moved]
        self._run(undo.MoveCommand(self.session, moves, snap=self._snap))

    def _is_drag(self, a: QPoint, b: QPoint) -> bool:
        return max(abs(a.x() - b.x()), abs(a.y() - b.y())) >= MIN_DRAG_PX

    def _page_point(self, p: QPointF) -> QPointF:
        r = self._scene.page_rect
        return QPointF(min(max(p.x(), r.left()), r.right()), min(max(p.y(), r.top()), r.bottom()))

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

    # --- keyboard --------------------------------------------------------------------------

    def _hotkey_class(self, event: QKeyEvent) -> str | None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier,):
            return None
        key = event.key()
        if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F12:
            name = f"F{key - Qt.Key.Key_F1 + 1}"
        else:
            name = event.text()
            if len(name) != 1 or not name.isalnum():
                return None
        cls = self.session.schema.by_hotkey(name)
        return cls.key if cls is not None and not cls.deprecated else None

    def _handles_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl:
            return key in (Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_A, Qt.Key.Key_H)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape, Qt.Key.Key_Left,
                   Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Plus,
                   Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_Space):
            return True
        return self._hotkey_class(event) is not None

    def event(self, event: QEvent) -> bool:
        # Keys the canvas owns win over window shortcuts while it has focus.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and self._handles_key(event)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_down = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if ctrl and key == Qt.Key.Key_C:
            self.copy_selection()
        elif ctrl and key == Qt.Key.Key_V:
            self.paste()
        elif ctrl and key == Qt.Key.Key_A:
            self.select_all()
        elif ctrl and key == Qt.Key.Key_H:
            ids = self.selected_ids()
            if ids:
                self.historyRequested.emit(ids[0])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif key == Qt.Key.Key_Escape:
            self._cancel_gesture()
            self._scene.clearSelection()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = NUDGE_BIG_PT if shift else NUDGE_PT
            dx = {Qt.Key.Key_Left: -step, Qt.Key.Key_Right: step}.get(key, 0.0)
            dy = {Qt.Key.Key_Up: -step, Qt.Key.Key_Down: step}.get(key, 0.0)
            if self.selected_ids():
                self.nudge_selection(dx, dy)
            else:
                super().keyPressEvent(event)  # scroll
                return
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        else:
            cls = self._hotkey_class(event)
            if cls is None:
                super().keyPressEvent(event)
                return
            if self.selected_ids():
                self.relabel_selection(cls)
            else:
                self.set_current_class(cls)
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        self._space_down = False
        super().focusOutEvent(event)

    # --- context menu ----------------------------------------------------------------------

    def build_context_menu(self, item: RegionItem) -> QMenu:
        """The menu of a region: relabel, delete, history, accept pre-label."""
        if not item.isSelected():
            self.select_regions([item.region_id])
        menu = QMenu(self)
        relabel = menu.addMenu("Relabel")
        for cls in self.session.schema.classes:
            if cls.deprecated:
                continue
            pix = QPixmap(12, 12)
            pix.fill(QColor(cls.color))
            text = f"{cls.name}\t{cls.hotkey}" if cls.hotkey else cls.name
            action = QAction(QIcon(pix), text, relabel)
            action.setData(cls.key)
            action.triggered.connect(lambda _=False, k=cls.key: self.relabel_selection(k))
            relabel.addAction(action)
        delete = menu.addAction("Delete")
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(self.delete_selection)
        history = menu.addAction("History…")
        history.setShortcut(QKeySequence("Ctrl+H"))
        history.triggered.connect(lambda: self.historyRequested.emit(item.region_id))
        accept = menu.addAction("Accept pre-label")
        accept.setEnabled(any(i.pending for i in self._selected_items()))
        accept.triggered.connect(self.accept_selection)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self._region_at(event.pos())
        if item is None:
            super().contextMenuEvent(event)
            return
        menu = self.build_context_menu(item)
        menu.exec(event.globalPos())
        menu.deleteLater()

    # --- lifetime --------------------------------------------------------------------------

    def regions_on_page(self) -> list[Region]:
        """The regions currently drawn (tests, panels)."""
        return [i.region for i in self._items.values()]

