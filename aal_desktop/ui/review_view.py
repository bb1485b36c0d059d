"""The review window: filter the event log, see each change on its page, accept or revert.

Leads decide; annotators may open it to browse (the decision buttons are hidden). Every
decision is one service call (services.review); the table re-reads from what was
committed, and the selection moves on to the next change so a lead can review from the
keyboard: A accepts, R asks for a reason and reverts.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import ChangeType, Event, EventKind
from ..services import documents, review
from ..store.events import EventFilter
from .event_table_model import EventTableModel
from .history_dialog import HistoryTable

if TYPE_CHECKING:
    from .session import Session

ANY = "(any)"
BEFORE_PEN = QPen(QColor("#e65100"), 2, Qt.PenStyle.DashLine)
AFTER_PEN = QPen(QColor("#1565c0"), 2, Qt.PenStyle.SolidLine)
DELETED_PEN = QPen(QColor("#c62828"), 2, Qt.PenStyle.DotLine)
for _pen in (BEFORE_PEN, AFTER_PEN, DELETED_PEN):
    _pen.setCosmetic(True)
RENDER_ZOOM = 1.5


def _combo(items: list[tuple[str, Any]], parent: QWidget) -> QComboBox:
    c = QComboBox(parent)
    c.addItem(ANY, None)
    for text, value in items:
        c.addItem(text, value)
    return c


def _select_data(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(max(0, i))


class FilterBar(QWidget):
    """Annotator, kind, change type, class before/after, document, dates, review state."""

    changed = Signal(object)  # EventFilter

    def __init__(self, session: Session, default_review: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        project = session.project
        users = sorted(set(review.event_users(project)))
        self.user = _combo([(u, u) for u in users], self)
        self.kind = _combo([(k.value.removeprefix("region."), k.value) for k in EventKind]
                           + [("any region change", "region.")], self)
        self.change_type = _combo([(t.value, t.value) for t in ChangeType], self)
        classes = [(f"{c.name} ({c.key})", c.key) for c in session.schema.classes]
        self.class_before = _combo(classes, self)
        self.class_after = _combo(classes, self)
        docs = documents.list_documents(project)
        self.document = _combo([(f"{d.id}: {d.filename}", d.id) for d in docs], self)
        self.review = _combo([(s, s) for s in review.REVIEW_STATES], self)
        _select_data(self.review, default_review)
        today = QDate.currentDate()
        self.use_since = QCheckBox("from", self)
        self.since = QDateEdit(today, self)
        self.use_until = QCheckBox("to", self)
        self.until = QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.clear_button = QPushButton("Clear filters", self)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        cells: list[tuple[str, QWidget]] = [
            ("Annotator", self.user), ("Kind", self.kind), ("Change", self.change_type),
            ("Review", self.review), ("Class before", self.class_before),
            ("Class after", self.class_after), ("Document", self.document),
        ]
        for i, (label, w) in enumerate(cells):
            row, col = divmod(i, 4)
            grid.addWidget(QLabel(label, self), row * 2, col)
            grid.addWidget(w, row * 2 + 1, col)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Dates:", self))
        dates.addWidget(self.use_since)
        dates.addWidget(self.since)
        dates.addWidget(self.use_until)
        dates.addWidget(self.until)
        dates.addWidget(QLabel("(UTC days)", self))
        dates.addStretch(1)
        dates.addWidget(self.clear_button)
        grid.addLayout(dates, 4, 0, 1, 4)

        for combo in (self.user, self.kind, self.change_type, self.class_before,
                      self.class_after, self.document, self.review):
            combo.currentIndexChanged.connect(self._emit)
        for w in (self.use_since, self.use_until):
            w.toggled.connect(self._emit)
        for d in (self.since, self.until):
            d.dateChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    @staticmethod
    def _iso(date: QDate) -> str:
        """Midnight UTC of a day, spelled like the log's times so text comparison works."""
        return datetime(date.year(), date.month(), date.day(),
                        tzinfo=UTC).isoformat(timespec="microseconds")

    def current(self) -> EventFilter:
        until = None
        if self.use_until.isChecked():
            until = self._iso(self.until.date().addDays(1))  # the whole 'to' day
        return EventFilter(
            user=self.user.currentData(), kind=self.kind.currentData(),
            change_type=self.change_type.currentData(),
            document_id=self.document.currentData(),
            class_before=self.class_before.currentData(),
            class_after=self.class_after.currentData(),
            review=self.review.currentData(),
            since=self._iso(self.since.date()) if self.use_since.isChecked() else None,
            until=until,
        )

    def set_values(self, **values: Any) -> None:
        """Set several filters at once and emit ONE change (also used by tests/scripts)."""
        self.blockSignals(True)
        try:
            for name, value in values.items():
                _select_data(getattr(self, name), value)
        finally:
            self.blockSignals(False)
        self._emit()

    def clear(self) -> None:
        self.blockSignals(True)
        for combo in (self.user, self.kind, self.change_type, self.class_before,
                      self.class_after, self.document, self.review):
            combo.setCurrentIndex(0)
        self.use_since.setChecked(False)
        self.use_until.setChecked(False)
        self.blockSignals(False)
        self._emit()

    def _emit(self, *_: Any) -> None:
        self.changed.emit(self.current())


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
        session.renderer.rendered.connect(self._on_rendered)
        session.renderer.failed.connect(self._on_failed)

    def clear_page(self, message: str = "") -> None:
        self.scene().clear()
        self._pixmap_item = None
        self._key = None
        self.labels = []
        self._focus = QRectF()
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
        scene.setSceneRect(page_rect)
        paper = scene.addRect(page_rect, QPen(Qt.PenStyle.NoPen), QColor("white"))
        paper.setZValue(-2)
        boxes = self._draw_boxes(event)
        self._focus = page_rect
        if boxes:
            # show the change up close, with enough of the page around it for context
            area = boxes[0]
            for b in boxes[1:]:
                area = area.united(b)
            margin = max(120.0, area.width(), area.height())
            self._focus = area.adjusted(-margin, -margin, margin, margin).intersected(page_rect)
        self._fit()
        self.message = "rendering page…"
        zoom = max(RENDER_ZOOM, self.transform().m11() * self.devicePixelRatioF())
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
            self._label(f"before: {before.get('class_key')}", BEFORE_PEN, r.left(), r.top(),
                        above=True)
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
        self.message = ""

    def _on_failed(self, key: object, reason: str) -> None:
        if key != self._key:
            return
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

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()


class RevertDialog(QDialog):
    """Asks for the reason of a revert; OK only once a reason is typed."""

    def __init__(self, event: Event, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.review_event = event
        self.setWindowTitle(f"Revert event {event.id}")
        before, after = review.describe_change(event)
        layout = QFormLayout(self)
        layout.addRow("Change", QLabel(f"{event.kind} by {event.user}", self))
        layout.addRow("Puts back", QLabel(before, self))
        layout.addRow("Instead of", QLabel(after, self))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why this change is wrong (kept in the log)")
        layout.addRow("Reason", self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Revert")
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addRow(self.buttons)


class ReviewWindow(QMainWindow):
    """Leads review corrections here; annotators can browse the log read-only."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.project = session.project
        self.is_lead = self.project.is_lead
        self.setWindowTitle("Review corrections" if self.is_lead else "Event log (read-only)")
        self.resize(1400, 860)
        self.revert_dialog: RevertDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._advance_from: tuple[int, int] | None = None
        self._current: Event | None = None

        self.filters = FilterBar(session, "pending" if self.is_lead else None, self)
        self.model = EventTableModel(self.project, self.filters.current(), parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((60, 140, 70, 70, 80, 40, 40, 100, 100, 200)):
            self.table.setColumnWidth(col, width)
        self.table.installEventFilter(self)
        self.count_label = QLabel(self)

        self.accept_button = QPushButton("Accept (A)", self)
        self.revert_button = QPushButton("Revert… (R)", self)
        self.accept_all_button = QPushButton("Accept all filtered…", self)
        self.accept_button.setToolTip("Mark the selected change(s) as reviewed and kept")
        self.revert_button.setToolTip("Put back the original value, with your reason")
        self.accept_all_button.setToolTip("Accept every pending change the filters match")
        self.accept_button.clicked.connect(self.accept_selected)
        self.revert_button.clicked.connect(self.ask_revert)
        self.accept_all_button.clicked.connect(self.confirm_accept_filtered)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        if not self.is_lead:
            for b in (self.accept_button, self.revert_button, self.accept_all_button):
                b.hide()
            self.status.setText("Only leads review changes; you can browse the log here.")

        self.page_view = BeforeAfterView(session, self)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history = HistoryTable(self)

        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.addWidget(self.filters)
        lv.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for b in (self.accept_button, self.revert_button, self.accept_all_button):
            buttons.addWidget(b)
        lv.addLayout(buttons)
        lv.addWidget(self.status)
        right = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(right)
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(self.title)
        tv.addWidget(self.page_view, 1)
        tv.addWidget(self.reason)
        right.addWidget(top)
        right.addWidget(self.history)
        right.setSizes([620, 220])
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([780, 620])
        self.setCentralWidget(split)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)
        self.filters.changed.connect(self._on_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        session.eventsChanged.connect(self._reload_timer.start)
        self._update_count()
        self._show_event(None)
        self._update_buttons()

    # --- table state ---------------------------------------------------------------------

    def _update_count(self, *_: Any) -> None:
        total = self.model.total()
        self.count_label.setText(f"{total} event{'s' if total != 1 else ''} match "
                                 f"({self.model.rowCount()} listed)")
        self.accept_all_button.setEnabled(self.is_lead and total > 0)

    def _on_filter(self, flt: EventFilter) -> None:
        self.model.set_filter(flt)
        self.select_row(0)

    def select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            self._show_event(None)
            return
        row = max(0, min(row, self.model.total() - 1))
        self.model.fetch_to(row)
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows)
        self.table.scrollTo(index)

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_events(self) -> list[Event]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.current_row() >= 0:
            rows = [self.current_row()]
        found = [self.model.event_at(r) for r in rows]
        return [e for e in found if e is not None]

    def reload(self) -> None:
        """Re-read the table after a commit, keeping (or advancing) the position."""
        row = self.current_row()
        current_id = self._current.id if self._current else None
        advance = self._advance_from
        self._advance_from = None
        self.model.refresh()
        if advance is not None:
            arow, aid = advance
            e = self.model.event_at(arow)
            self.select_row(arow + 1 if e is not None and e.id == aid else arow)
        elif row >= 0:
            e = self.model.event_at(row)
            if e is not None and e.id == current_id:
                self.select_row(row)
            else:
                found = self.model.row_of(current_id) if current_id is not None else None
                self.select_row(found if found is not None else row)
        self._update_count()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_event(self.model.event_at(current.row()) if current.isValid() else None)

    def _show_event(self, event: Event | None) -> None:
        self._current = event
        self._update_buttons()
        if event is None:
            self.title.setText("<i>Select a change to see it on its page.</i>")
            self.reason.setText("")
            self.page_view.clear_page("no change selected")
            self.history.show_events([])
            return
        before, after = review.describe_change(event)
        page = f", page {event.page + 1}" if event.page is not None else ""
        self.title.setText(
            f"<b>#{event.id} {event.kind}</b> by <b>{event.user}</b> at {event.at[:19]} UTC "
            f"— document {event.document_id}{page} — review: <b>{event.review}</b><br>"
            f"<span style='color:#e65100'>before: {before}</span><br>"
            f"<span style='color:#1565c0'>after: {after}</span>"
        )
        self.reason.setText(f"Reason: {event.reason}" if event.reason else "Reason: (none given)")
        self.page_view.show_event(event)
        if event.region_id:
            self.history.show_events(review.history(self.project, event.region_id),
                                     highlight=event.id)
        else:
            self.history.show_events([])

    def _update_buttons(self) -> None:
        e = self._current
        reviewable = e is not None and review.is_reviewable(e)
        self.accept_button.setEnabled(self.is_lead and reviewable
                                      and (e.review if e else None) != "reverted")
        self.revert_button.setEnabled(self.is_lead and reviewable
                                      and (e.review if e else None) != "reverted")

    # --- decisions -----------------------------------------------------------------------

    def _failed(self, exc: AalError) -> None:
        self.status.setStyleSheet("color: #c62828")
        self.status.setText(str(exc))

    def _done(self, text: str) -> None:
        self.status.setStyleSheet("color: #2e7d32")
        self.status.setText(text)

    def accept_selected(self) -> None:
        """Accept the selected change(s), then move on to the next one."""
        if not self.is_lead:
            return
        events = self.selected_events()
        if not events:
            return
        try:
            done = review.accept_many(self.project, [e.id for e in events])
        except AalError as exc:
            self._failed(exc)
            return
        n = sum(1 for d in done if not d.already)
        self._done(f"accepted {n} change{'s' if n != 1 else ''}" if len(done) > 1
                   else f"accepted event {done[0].event_id}")
        self._advance_from = (self.current_row(), events[-1].id if len(events) == 1 else -1)
        self.reload()

    def ask_revert(self) -> None:
        """Open the reason dialog (non-blocking); the revert happens when it is confirmed."""
        if not self.is_lead or self._current is None:
            return
        event = self._current
        try:
            review.revert_target(self.project, event)  # refuse now rather than after typing
        except AalError as exc:
            self._failed(exc)
            return
        self.revert_dialog = RevertDialog(event, self)
        self.revert_dialog.accepted.connect(
            lambda d=self.revert_dialog: self.revert(d.review_event.id, d.reason.text()))
        self.revert_dialog.open()

    def revert(self, event_id: int, reason: str) -> None:
        row = self.current_row()
        try:
            d = review.revert(self.project, event_id, reason)
        except AalError as exc:
            self._failed(exc)
            return
        self._done(f"reverted event {event_id}: new event {d.revert_event_id}")
        self._advance_from = (row, event_id)
        self.reload()

    def confirm_accept_filtered(self) -> None:
        if not self.is_lead:
            return
        flt = self.model.filter()
        pending = review.count_events(self.project,
                                      dataclasses.replace(flt, review="pending"))
        box = QMessageBox(QMessageBox.Icon.Question, "Accept all filtered",
                          f"Accept all {pending} pending change{'s' if pending != 1 else ''} "
                          "that the filters match?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result: self.accept_filtered(flt)
            if result == QMessageBox.StandardButton.Yes else None)
        self.confirm_box = box
        box.open()

    def accept_filtered(self, flt: EventFilter) -> None:
        try:
            n = review.accept_filtered(self.project, flt)
        except AalError as exc:
            self._failed(exc)
            return
        self._done(f"accepted {n} change{'s' if n != 1 else ''}")
        self.reload()

    # --- keys ----------------------------------------------------------------------------

    def _decision_key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() == Qt.Key.Key_A and self.accept_button.isEnabled():
            self.accept_selected()
            return True
        if event.key() == Qt.Key.Key_R and self.revert_button.isEnabled():
            self.ask_revert()
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A and R on the table decide (instead of the table's type-to-search)."""
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and self.is_lead
                and self._decision_key(event)):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.is_lead and self._decision_key(event):
            return
        super().keyPressEvent(event)

