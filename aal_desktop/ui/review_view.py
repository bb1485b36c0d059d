"""The review window: filter the event log, see each change on its page, accept or revert.

Leads decide; annotators may open it to browse (the decision buttons are hidden). Every
decision is one service call (services.review); the table re-reads from what was
committed, and the selection moves on to the next change so a lead can review from the
keyboard: A accepts, R asks for a reason and reverts. The filter bar is review_filters.py,
the before/after page view review_before_after.py.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
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
from ..core.records import Event
from ..services import review
from ..services.audit import EventFilter
from .event_table_model import EventTableModel
from .history_dialog import HistoryTable
from .review_before_after import BeforeAfterView
from .review_filters import FilterBar

if TYPE_CHECKING:
    from .session import Session


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
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
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
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for col, width in enumerate((60, 140, 70, 100, 80, 40, 40, 100, 100, 200)):
            self.table.setColumnWidth(col, width)
        # Reason takes the slack; Review (the last column) fits its word and is shown right
        # after Kind, so it is never scrolled off a narrow table
        header.setSectionResizeMode(9, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(10, QHeaderView.ResizeMode.ResizeToContents)
        header.moveSection(10, 4)
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
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close the review window (Esc, Ctrl+W)")
        self.close_button.clicked.connect(self.close)
        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence("Ctrl+W")):
            QShortcut(keys, self, self.close, context=Qt.ShortcutContext.WindowShortcut)
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
        for b in (
            self.accept_button,
            self.revert_button,
            self.accept_all_button,
            self.close_button,
        ):
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
        self.count_label.setText(
            f"{total} event{'s' if total != 1 else ''} match ({self.model.rowCount()} listed)"
        )
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
            index,
            self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows,
        )
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
            self.history.show_events(
                review.history(self.project, event.region_id), highlight=event.id
            )
        else:
            self.history.show_events([])

    def _update_buttons(self) -> None:
        e = self._current
        reviewable = e is not None and review.is_reviewable(e)
        self.accept_button.setEnabled(
            self.is_lead and reviewable and (e.review if e else None) != "reverted"
        )
        self.revert_button.setEnabled(
            self.is_lead and reviewable and (e.review if e else None) != "reverted"
        )

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
        self._done(
            f"accepted {n} change{'s' if n != 1 else ''}"
            if len(done) > 1
            else f"accepted event {done[0].event_id}"
        )
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
            lambda d=self.revert_dialog: self.revert(d.review_event.id, d.reason.text())
        )
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
        pending = review.count_events(self.project, dataclasses.replace(flt, review="pending"))
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Accept all filtered",
            f"Accept all {pending} pending change{'s' if pending != 1 else ''} "
            "that the filters match?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda result: (
                self.accept_filtered(flt) if result == QMessageBox.StandardButton.Yes else None
            )
        )
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
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.is_lead
            and self._decision_key(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.is_lead and self._decision_key(event):
            return
        super().keyPressEvent(event)
