"""The page canvas: a PDF page with its regions, drawn and edited with mouse and keyboard.

Scene coordinates are PDF points in the page's displayed space (rotation applied,
CropBox-relative), so a region's box is exactly its item's scene rect; the view's
transform is the zoom (1.0 = 72 dpi). The page image comes from the RenderService (worker
processes); the canvas never writes to the database: every edit is one QUndoCommand
(ui/undo.py) pushed on the session's stack, and the canvas redraws from
`session.regionsChanged`, i.e. from what the services say happened. This module assembles
the canvas and keeps its regions in line with the store; the view concerns (zoom, fit, page
image, failure message) are in canvas_view.py, the editing gestures in canvas_editing.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem, QGraphicsView, QWidget

from ..core.errors import AalError
from ..core.geometry import Box
from ..core.records import Document, PageRecord, Region
from ..core.schema import LabelSchema
from ..services import documents
from ..services import regions as region_service
from ..services.project import Change
from .canvas_editing import (
    MIN_DRAG_PX,
    NUDGE_BIG_PT,
    NUDGE_PT,
    PASTE_OFFSET_PT,
    CanvasEditingMixin,
    _Clip,
)
from .canvas_view import (
    MAX_RENDER_SIDE_PX,
    MAX_ZOOM,
    MIN_ZOOM,
    RERENDER_DELAY_MS,
    SCENE_MARGIN_PT,
    ZOOM_STEP,
    CanvasViewMixin,
)
from .region_items import PageImageItem, PageScene, RegionItem
from .render_service import RenderKey
from .session import Session

__all__ = [
    "MAX_RENDER_SIDE_PX", "MAX_ZOOM", "MIN_DRAG_PX", "MIN_ZOOM", "NUDGE_BIG_PT", "NUDGE_PT",
    "PASTE_OFFSET_PT", "RERENDER_DELAY_MS", "SCENE_MARGIN_PT", "ZOOM_STEP", "PageCanvas",
    "_Clip",
]


class PageCanvas(CanvasEditingMixin, CanvasViewMixin, QGraphicsView):
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
        session.regionsEdited.connect(self._on_regions_edited)
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

    def region_item(self, region_id: str) -> RegionItem | None:
        """The scene item of a region on the current page (tests, panels)."""
        return self._items.get(region_id)

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

    def _show_regions(self, regions: list[Region], select: list[str] | None = None) -> None:
        """Update the items from the regions an edit of this canvas returned: no read of the
        page (the services said what they wrote), and the echo of the edit is skipped."""
        if self._doc is None or self._page is None:
            return
        schema = self.session.schema
        self._suppress_selection_signal = True
        try:
            for region in regions:
                item = self._items.get(region.id)
                if (region.deleted or region.document_id != self._doc.id
                        or region.page != self._page.page):
                    if item is not None:
                        self._scene.removeItem(self._items.pop(region.id))
                    continue
                colour, name = self._class_look(schema, region.class_key)
                if item is None:
                    item = RegionItem(region, colour, name)
                    self._items[region.id] = item
                    self._scene.addItem(item)
                elif item.region != region or item.box() != region.box:
                    item.update_region(region, colour, name)
            if select is not None:
                for rid, it in self._items.items():
                    it.setSelected(rid in select)
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    @Slot(object)
    def _on_regions_edited(self, change: Change) -> None:
        if change.initiator is self:
            return  # this canvas's own edit: already shown from what the services returned
        self._on_regions_changed(change.document_id if change.document_id is not None else -1,
                                 change.page if change.page is not None else -1)

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

    # --- lifetime --------------------------------------------------------------------------

    def regions_on_page(self) -> list[Region]:
        """The regions currently drawn (tests, panels)."""
        return [i.region for i in self._items.values()]
