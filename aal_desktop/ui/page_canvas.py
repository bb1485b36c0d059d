"""The page canvas view: a PDF page with its regions, drawn and edited with mouse and keyboard.

Scene coordinates are PDF points in the page's displayed space (rotation applied,
CropBox-relative), so a region's box is exactly its item's scene rect; the view's
transform is the zoom (1.0 = 72 dpi). The canvas is composed of parts, not mixins: the
Qt-free tool model (canvas_tool.py) holds the interaction state and decides what a gesture
means; this view maps Qt events onto it and keeps the region items (region_items.py) in
line with the store; the PageImageController (canvas_view.py) owns zoom and the page image
rendered in worker processes; CanvasEdits (canvas_editing.py) turns results into undo
commands; CanvasRegions (canvas_regions.py) keeps one layer item plus the lifted selection
(or a big one, painted by one item that BigSelectionGestures in canvas_big_selection.py
drags and nudges); CanvasKeys (canvas_keys.py) says what a key press does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QMenu, QToolTip, QWidget

from ..core.errors import AalError
from ..core.geometry import Box
from ..core.records import Document, Outline, PageRecord, Region
from ..services import documents
from ..services.project import Change
from .canvas_big_selection import BigSelectionGestures
from .canvas_editing import CanvasEdits
from .canvas_keys import CanvasKeys, canvas_owns, hotkey_class
from .canvas_regions import CanvasRegions
from .canvas_tool import CanvasTool, Point, Press
from .canvas_view import SCENE_MARGIN_PT, ZOOM_STEP, PageImageController
from .region_items import PageImageItem, PageScene, RegionItem, overlay_items
from .region_layer import RegionEntry
from .session import Session


def _xy(p: QPoint | QPointF) -> Point:
    return float(p.x()), float(p.y())


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
    clipboardChanged = Signal(bool)  # something to paste (Paste is enabled only then)
    message = Signal(str)  # feedback for the status bar (e.g. nothing to snap to)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._scene = PageScene(self)
        # few items (page, layer, selection): a BSP tree costs more than it saves
        self._scene.setItemIndexMethod(PageScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
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
        # the page's message, the box being drawn, the rubber band (selection by area)
        self._message, self._draft, self._band = overlay_items(self._scene)
        self._band_from: QPointF | None = None

        self._doc: Document | None = None
        self._page: PageRecord | None = None
        self._pdf_path: str | None = None
        self.regions = CanvasRegions(self)
        self._suppress_selection_signal = False
        self.tool = CanvasTool(self._default_class())
        self.image = PageImageController(self, self._page_item, self._message)
        self.edits = CanvasEdits(self, self.tool)
        self.big = BigSelectionGestures(self)
        self.keys = CanvasKeys(self)

        self._scene.selectionChanged.connect(self._on_scene_selection)
        session.regionsEdited.connect(self._on_regions_edited)
        session.stepReplayed.connect(lambda r: self._reselect.update(r.region_ids))
        self._reselect: set[str] = set()  # restored by an undo/redo: select when shown
        session.schemaChanged.connect(self._on_schema_changed)
        session.documentsChanged.connect(self._on_documents_changed)
        self.image.apply_zoom(1.0, emit=False)

    # --- public API ------------------------------------------------------------------------

    def show_page(self, document_id: int, page: int) -> None:
        """Show page `page` (0-based) of a document: regions at once, the image when ready."""
        project = self.session.project
        self.image.begin_page()
        doc = documents.resolve(project, document_id)
        record = documents.page(project, doc.id, page)
        self._doc, self._page = doc, record
        self.tool.set_page(doc.id, record.page, record.width, record.height)
        self._draft.setVisible(False)
        rect = QRectF(0, 0, record.width, record.height)
        self._scene.page_rect = rect
        m = SCENE_MARGIN_PT
        self._scene.setSceneRect(rect.adjusted(-m, -m, m, m))
        self._page_item.set_page(rect)
        self._clear_regions()
        self._load_regions()
        if self.image.fit_mode is not None:
            self.image.apply_fit(emit=True)
        try:
            self._pdf_path = str(project.pdf_path(doc.sha256))
        except AalError as exc:
            self._pdf_path = None
            self.image.show_failure(str(exc))
            return
        self.image.show_interim_image()
        self.image.request_image()

    def current(self) -> tuple[int, int] | None:
        if self._doc is None or self._page is None:
            return None
        return self._doc.id, self._page.page

    def document(self) -> Document | None:
        return self._doc

    def page_record(self) -> PageRecord | None:
        return self._page

    def pdf_path(self) -> str | None:
        return self._pdf_path

    def select_regions(self, ids: list[str]) -> None:
        """Select exactly these regions (those on the current page) and bring them into view."""
        wanted = set(ids)
        self._suppress_selection_signal = True
        try:
            self.regions.select(wanted)
        finally:
            self._suppress_selection_signal = False
        self._on_scene_selection()
        extent = self.regions.bulk.extent()
        if extent is not None:
            self.ensureVisible(QRectF(extent.x0, extent.y0, extent.width, extent.height), 20, 20)
        chosen = [self.regions.items[r] for r in ids if r in self.regions.items]
        if chosen:
            rect = chosen[0].sceneBoundingRect()
            for item in chosen[1:]:
                rect = rect.united(item.sceneBoundingRect())
            self.ensureVisible(rect, 20, 20)

    def clear_selection(self) -> None:
        self.select_regions([])

    def selected_ids(self) -> list[str]:
        return self.regions.selected_ids()

    def selected_items(self) -> list[RegionItem]:
        """Lifted selected items: none for a big selection (see selected_outlines)."""
        return self.regions.selected_items()

    def selected_outlines(self) -> list[Outline]:
        return self.regions.selected_outlines()

    def select_all(self) -> None:
        self.select_regions(list(self.regions.layer.regions))

    def set_current_class(self, key: str) -> None:
        self.session.schema.require(key)
        if key != self.tool.current_class:
            self.tool.current_class = key
            self.currentClassChanged.emit(key)

    def current_class(self) -> str:
        return self.tool.current_class

    def set_snap(self, on: bool) -> None:
        self.tool.snap = bool(on)

    def snap_enabled(self) -> bool:
        return self.tool.snap

    def region_item(self, region_id: str) -> RegionItem | RegionEntry | None:
        """A region on the current page: its own item when selected, else the layer's
        entry (the same read API: region_id, box(), pending, label())."""
        return self.regions.item_or_entry(region_id)

    def regions_on_page(self) -> list[Outline]:
        """What is drawn now: one outline per region (full regions: region_service.get)."""
        return self.regions.outlines()

    # edits (CanvasEdits) and view (PageImageController), called by the window's actions

    def add_box(self, box: Box, class_key: str | None = None) -> str | None:
        return self.edits.add_box(box, class_key)

    def relabel_selection(self, class_key: str) -> None:
        self.edits.relabel_selection(class_key)

    def delete_selection(self) -> None:
        self.edits.delete_selection()

    def accept_selection(self) -> None:
        self.edits.accept_selection()

    def nudge_selection(self, dx: float, dy: float) -> None:
        self.edits.nudge_selection(dx, dy)

    def copy_selection(self) -> int:
        return self.edits.copy_selection()

    def paste(self) -> list[str]:
        return self.edits.paste()

    def can_paste(self) -> bool:
        return bool(self.tool.clipboard)

    def build_context_menu(self, item: RegionItem | RegionEntry) -> QMenu:
        return self.edits.context_menu(item)

    def zoom_in(self) -> None:
        self.image.set_zoom(self.image.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.image.set_zoom(self.image.zoom / ZOOM_STEP)

    def fit_width(self) -> None:
        self.image.fit("width")

    def fit_page(self) -> None:
        self.image.fit("page")

    def set_zoom(self, z: float) -> None:
        self.image.set_zoom(z)

    def zoom(self) -> float:
        return self.image.zoom

    def is_ready(self) -> bool:
        return self.image.ready

    def failure(self) -> str | None:
        """Why the current page could not be shown, if it failed."""
        return self.image.failure

    def page_to_view(self, x: float, y: float) -> QPoint:
        """Viewport pixel of a point on the page (tests drive the mouse with this)."""
        return self.mapFromScene(QPointF(x, y))

    def scene_unit_changed(self, unit: float) -> None:
        """The zoom changed: items keep their tags and handles at a constant pixel size."""
        self._scene.unit = unit
        self.regions.unit_changed()

    # --- regions -------------------------------------------------------------------------

    def _clear_regions(self) -> None:
        self._suppress_selection_signal = True
        try:
            self.regions.clear()
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    def reload_regions(self) -> None:
        """Bring the items in line with the store (after an edit, or a refused one)."""
        self._load_regions(fresh=True)

    def _load_regions(self, fresh: bool = False) -> None:
        """Bring the items in line with the store: the page's regions as read (or as kept
        from an earlier visit when nothing was written since), the selection kept."""
        if self._doc is None or self._page is None:
            return
        keep_selected = self.tool.keep_selected(self.selected_ids())
        self._suppress_selection_signal = True
        try:
            self.regions.load_page(self._doc.id, self._page.page, keep_selected, fresh)
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    def show_regions(self, regions: list[Region], select: list[str] | None = None) -> None:
        """Update the items from the regions an edit of this canvas returned: no read of the
        page (the services said what they wrote), and the echo of the edit is skipped."""
        if self._doc is None or self._page is None:
            return
        self._suppress_selection_signal = True
        try:
            self.regions.apply(regions, self._doc.id, self._page.page)
            if select is not None:
                self.regions.select(set(select))
        finally:
            self._suppress_selection_signal = False
        self._emit_selection_if_changed()

    @Slot(object)
    def _on_regions_edited(self, change: Change) -> None:
        if change.initiator is self:
            return  # this canvas's own edit: already shown from what the services returned
        if (
            self._doc is not None
            and change.regions
            and len(change.regions) == len(change.ids)
            and not self.tool.gesture_in_progress
        ):
            self.show_regions(list(change.regions))  # the states it carries: no page read
        else:
            self._on_regions_changed(
                change.document_id if change.document_id is not None else -1,
                change.page if change.page is not None else -1,
            )
        chosen = {r for r in self._reselect & set(change.ids) if r in self.regions.layer.regions}
        if chosen:  # an undo/redo brought these back: show them selected
            self._reselect -= chosen
            self.select_regions(sorted(chosen))

    @Slot(int, int)
    def _on_regions_changed(self, document_id: int, page: int) -> None:
        if self._doc is None or self._page is None:
            return
        if document_id not in (-1, self._doc.id) or page not in (-1, self._page.page):
            return
        if self.tool.gesture_in_progress:
            QTimer.singleShot(50, lambda: self._on_regions_changed(document_id, page))
            return  # never pull items from under a gesture in progress
        self._load_regions(fresh=True)

    @Slot()
    def _on_schema_changed(self) -> None:
        schema = self.session.schema
        if schema.get(self.tool.current_class) is None:
            self.tool.current_class = self._default_class()
            self.currentClassChanged.emit(self.tool.current_class)
        self.regions.schema_changed()

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

    @Slot()
    def _on_scene_selection(self) -> None:
        self.regions.drop_unselected_later()
        if not self._suppress_selection_signal:
            self._emit_selection_if_changed()

    def _emit_selection_if_changed(self) -> None:
        ids = self.selected_ids()
        if self.tool.selection_changed(ids):
            self.selectionChangedIds.emit(ids)

    # --- mouse: mapped onto the tool model ---------------------------------------------------

    def _region_at(self, pos: QPoint) -> RegionItem | RegionEntry | None:
        """The region under a viewport pixel: a lifted item first (handles, tag), else the
        smallest box of the layer's index within two pixels."""
        for item in self.items(pos):
            if isinstance(item, RegionItem):
                return item
        p = self.mapToScene(pos)
        rid = self.regions.region_at(p.x(), p.y(), 2.0 * self._scene.unit)
        entry = None if rid is None else self.regions.item_or_entry(rid)
        return entry if isinstance(entry, RegionEntry) else None

    def cancel_gesture(self) -> None:
        self.tool.cancel()
        self._draft.setVisible(False)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        button, mods = event.button(), event.modifiers()
        under = self._region_at(pos)
        press = self.tool.press(
            _xy(pos),
            _xy(self.mapToScene(pos)),
            left=button == Qt.MouseButton.LeftButton,
            middle=button == Qt.MouseButton.MiddleButton,
            on_region=under is not None,
            force_draw=bool(mods & Qt.KeyboardModifier.AltModifier),
            extend=bool(
                mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
            ),
        )
        if press is Press.pan:
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
        elif press is Press.ignore:
            super().mousePressEvent(event)
        elif press is Press.edit:
            if isinstance(under, RegionEntry) and self.big.press(under, event):
                return
            if isinstance(under, RegionEntry):  # lift it out of the layer to take the press
                self.regions.lift(under.region_id)
            super().mousePressEvent(event)  # select / toggle / start a move or resize
            self.tool.begin_edit({i.region_id: i.box() for i in self.selected_items()})
        elif press is Press.rubber_band:
            self._band_from = self.mapToScene(pos)
            self._band.setRect(QRectF(self._band_from, self._band_from))
            self._band.setVisible(True)
            event.accept()
        else:
            start = self.tool.draw_from
            assert start is not None
            self._draft.setRect(QRectF(QPointF(*start), QPointF(*start)))
            self._draft.setVisible(True)
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        scene_pos = self.mapToScene(pos)
        self.cursorMoved.emit(scene_pos.x(), scene_pos.y())
        if self.tool.pan_from is not None:
            dx, dy = self.tool.pan_by(_xy(pos))
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(dx))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(dy))
            event.accept()
            return
        if self._band_from is not None:
            self._band.setRect(QRectF(self._band_from, scene_pos).normalized())
            event.accept()
            return
        if self.big.drag_to(scene_pos):
            event.accept()
            return
        if self.tool.draw_from is not None:
            b = self.tool.draft(_xy(scene_pos))
            self._draft.setRect(QRectF(b.x0, b.y0, b.width, b.height))
            if self._doc is not None:
                colour = self.regions.layer.look(self.tool.current_class)[0]
                pen = self._draft.pen()
                pen.setColor(QColor(colour))
                self._draft.setPen(pen)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        tool = self.tool
        if tool.pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            tool.end_pan()
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if tool.space_down else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if tool.draw_from is not None:
            self._draft.setVisible(False)
            event.accept()
            box = tool.release_draw(_xy(pos), _xy(self.mapToScene(pos)))
            if box is None:
                self.clear_selection()  # a click on empty page: deselect
            else:
                self.edits.add_box(box)
            return
        if tool.rubber_band:
            self._end_rubber_band(self.mapToScene(pos))
            event.accept()
            return
        if self.big.release(pos):
            event.accept()
            return
        resized = any(i.resizing for i in self.regions.items.values())
        super().mouseReleaseEvent(event)
        items = self.regions.items
        outcome = tool.release_edit(_xy(pos), {rid: item.box() for rid, item in items.items()})
        for rid, old in outcome.revert.items():  # a tiny drag is a click: put things back
            items[rid].set_box(old)
        if outcome.moves:
            self.edits.move(outcome.moves, resize=resized)
        self.regions.drop_unselected_later()

    def _end_rubber_band(self, end: QPointF) -> None:
        """Select the regions the band touches (added to the selection: Ctrl/Shift held)."""
        start, self._band_from = self._band_from, None
        self._band.setVisible(False)
        self.tool.end_rubber_band()
        if start is not None:
            r = QRectF(start, end).normalized()
            hits = self.regions.layer.index.in_rect(r.left(), r.top(), r.right(), r.bottom())
            self.select_regions(self.selected_ids() + sorted(hits - set(self.selected_ids())))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.image.set_zoom(self.image.zoom * (ZOOM_STEP**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.image.fit_mode is not None and not self.session.closed:
            self.image.apply_fit(emit=True)

    # --- keyboard ------------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        is_tip = event.type() == QEvent.Type.ToolTip
        if is_tip and isinstance(event, QHelpEvent) and self._layer_tooltip(event):
            return True
        return super().viewportEvent(event)

    def _layer_tooltip(self, event: QHelpEvent) -> bool:
        """A region drawn by the layer has no item to carry a tooltip: read it on hover."""
        under = self._region_at(event.pos())
        # a lifted item shows its own; nothing under the cursor: none
        text = self.regions.tooltip(under.region_id) if isinstance(under, RegionEntry) else None
        if text is not None:
            QToolTip.showText(event.globalPos(), text, self.viewport())
        return text is not None

    def event(self, event: QEvent) -> bool:
        # Keys the canvas owns win over window shortcuts while it has focus.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and canvas_owns(self.session.schema, event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.keys.press(event):
            event.accept()
        else:
            super().keyPressEvent(event)  # e.g. arrows with nothing selected scroll

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if self.keys.release(event):
            event.accept()
        else:
            super().keyReleaseEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Tab / Shift+Tab
        # walk through the page's regions in reading order
        rid = self.regions.cycle(self.selected_ids(), next)
        if rid is not None:
            self.select_regions([rid])
        return rid is not None or super().focusNextPrevChild(next)

    def take_key(self, event: QKeyEvent) -> bool:
        """A class hotkey typed elsewhere (the regions list) acts on the page."""
        cls = hotkey_class(self.session.schema, event)
        if cls is not None:
            (self.relabel_selection if self.selected_ids() else self.set_current_class)(cls)
        return cls is not None

    def focusOutEvent(self, event: Any) -> None:
        self.tool.space_down = False
        self.edits.end_nudge()
        super().focusOutEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self._region_at(event.pos())
        if item is None:
            super().contextMenuEvent(event)
            return
        menu = self.build_context_menu(item)
        menu.exec(event.globalPos())
        menu.deleteLater()
