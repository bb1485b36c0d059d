"""A region's whole history: every event with before/after, who, when, why and its review.

For anyone (annotators too): it only reads. The review window embeds the same table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import Event
from ..services import review

if TYPE_CHECKING:
    from .session import Session

HEADERS = ("#", "When (UTC)", "Who", "Change", "Before", "After", "Why", "Review")
HIGHLIGHT = QColor("#fff3c4")


class HistoryTable(QTableWidget):
    """Events of one region, oldest first; a region has tens of events, so a plain table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.events: list[Event] = []

    def show_events(self, events: list[Event], highlight: int | None = None) -> None:
        self.events = list(events)
        self.setRowCount(len(events))
        for row, e in enumerate(events):
            before, after = review.describe_change(e)
            change = e.kind.removeprefix("region.")
            if e.change_type:
                change += f" ({e.change_type.value})"
            if e.reverts:
                change += f", reverts #{e.reverts}"
            cells = (
                str(e.id),
                e.at[:19].replace("T", " "),
                e.user,
                change,
                before,
                after,
                e.reason or "",
                e.review or "pending",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if e.id == highlight:
                    item.setBackground(QBrush(HIGHLIGHT))
                self.setItem(row, col, item)
        self.resizeRowsToContents()
        if highlight is not None:
            for row, e in enumerate(events):
                first = self.item(row, 0)
                if e.id == highlight and first is not None:
                    self.scrollToItem(first)

    def row_texts(self, row: int) -> list[str]:
        items = (self.item(row, c) for c in range(self.columnCount()))
        return [item.text() if item is not None else "" for item in items]


class RegionHistoryDialog(QDialog):
    """Every event of a region; refreshes when the log changes while it is open."""

    def __init__(self, session: Session, region_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.region_id = region_id
        self.setWindowTitle(f"History of region {region_id[:8]}")
        self.resize(960, 360)
        self.summary = QLabel(self)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = HistoryTable(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        session.eventsChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        try:
            events = review.history(self.session.project, self.region_id)
        except AalError as exc:
            self.summary.setText(str(exc))
            self.table.show_events([])
            return
        self.table.show_events(events)
        last = events[-1].new if events else None
        if isinstance(last, dict):
            state = "deleted" if last.get("deleted") else "current"
            self.summary.setText(
                f"Region {self.region_id} — {state} class <b>{last.get('class_key')}</b> "
                f"on document {last.get('document_id')} page {int(last.get('page', 0)) + 1}; "
                f"{len(events)} event{'s' if len(events) != 1 else ''}"
            )
