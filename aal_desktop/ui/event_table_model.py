"""The event log as a lazily loaded table model (review table, 100,000 events and more).

Two kinds of laziness keep it responsive on a big log:
- the row count grows a page at a time (`canFetchMore`/`fetchMore`, as a view scrolls to
  the bottom, or `fetch_to(row)` to jump), so a fresh model has one page of rows, not all;
- row data is read a page at a time (LIMIT/OFFSET in the filter's order) only when the
  view asks for a row of that page, and only a bounded number of pages stay in memory, so
  jumping to the middle reads one page, not everything before it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..core.records import Event
from ..services import review
from ..services.audit import EventFilter
from ..services.project import Project

Index = QModelIndex | QPersistentModelIndex

# (header, order key used by services.review.query_events)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("#", "id"),
    ("When (UTC)", "at"),
    ("Who", "user"),
    ("Kind", "kind"),
    ("Type", "change_type"),
    ("Doc", "document_id"),
    ("Page", "page"),
    ("Class before", "class_before"),
    ("Class after", "class_after"),
    ("Reason", "reason"),
    ("Review", "review"),
)
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
EVENT_ROLE = Qt.ItemDataRole.UserRole + 2
REVIEW_COLOURS = {
    "accepted": QColor("#2e7d32"),
    "reverted": QColor("#c62828"),
    "pending": QColor("#8d6e00"),
}


def _class(snapshot: Any) -> str:
    return str(snapshot.get("class_key") or "") if isinstance(snapshot, dict) else ""


def cell_text(event: Event, column: int) -> str:
    """What a column shows for an event (also used for tooltips and tests)."""
    key = COLUMNS[column][1]
    if key == "id":
        return str(event.id)
    if key == "at":
        return event.at[:19].replace("T", " ")
    if key == "kind":
        return event.kind.removeprefix("region.")
    if key == "change_type":
        return event.change_type.value if event.change_type else ""
    if key == "document_id":
        return "" if event.document_id is None else str(event.document_id)
    if key == "page":
        return "" if event.page is None else str(event.page + 1)
    if key == "class_before":
        return _class(event.original)
    if key == "class_after":
        return _class(event.new)
    if key == "review":
        return event.review or "pending"
    value = getattr(event, key, None)
    return "" if value is None else str(value)


class EventTableModel(QAbstractTableModel):
    """Events matching an EventFilter, sorted by any column, loaded a page at a time."""

    def __init__(
        self,
        project: Project,
        flt: EventFilter | None = None,
        page_size: int = 500,
        max_pages: int = 40,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self._filter = flt or EventFilter()
        self._order = "id"
        self._descending = False
        self._pages: OrderedDict[int, list[Event]] = OrderedDict()
        self._total = 0
        self._rows = 0
        self.pages_read = 0  # how many page queries ran (for tests and the benchmark)
        self._recount(keep_rows=0)

    # --- state ---------------------------------------------------------------------------

    def filter(self) -> EventFilter:
        return self._filter

    def set_filter(self, flt: EventFilter) -> None:
        """Show other events: back to the first page."""
        self.beginResetModel()
        self._filter = flt
        self._recount(keep_rows=0)
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read after the log or review decisions changed; keeps how far it was scrolled."""
        self.beginResetModel()
        self._recount(keep_rows=self._rows)
        self.endResetModel()

    def total(self) -> int:
        """How many events match the filter (rows not fetched yet included)."""
        return self._total

    def order(self) -> tuple[str, bool]:
        return self._order, self._descending

    def _recount(self, keep_rows: int) -> None:
        self._pages.clear()
        self._total = review.count_events(self.project, self._filter)
        self._rows = min(self._total, max(keep_rows, self.page_size))

    # --- lazy rows -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._rows < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        self.fetch_to(self._rows + self.page_size - 1)

    def fetch_to(self, row: int) -> None:
        """Make rows up to `row` exist (a jump): only the count grows, nothing is read yet."""
        target = min(self._total, (row // self.page_size + 1) * self.page_size)
        if target <= self._rows:
            return
        self.beginInsertRows(QModelIndex(), self._rows, target - 1)
        self._rows = target
        self.endInsertRows()

    def _page(self, number: int) -> list[Event]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = review.query_events(
            self.project,
            self._filter,
            limit=self.page_size,
            offset=number * self.page_size,
            order=self._order,
            descending=self._descending,
        )
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def event_at(self, row: int) -> Event | None:
        if not 0 <= row < self._rows:
            return None
        page = self._page(row // self.page_size)
        i = row % self.page_size
        return page[i] if i < len(page) else None

    def row_of(self, event_id: int) -> int | None:
        """The row of an event among the pages in memory (None if not loaded)."""
        for number, page in self._pages.items():
            for i, e in enumerate(page):
                if e.id == event_id:
                    return number * self.page_size + i
        return None

    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    # --- Qt model ------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            EVENT_ID_ROLE,
            EVENT_ROLE,
        ):
            return None
        event = self.event_at(index.row())
        if event is None:
            return None
        if role == EVENT_ID_ROLE:
            return event.id
        if role == EVENT_ROLE:
            return event
        if role == Qt.ItemDataRole.ForegroundRole:
            if COLUMNS[index.column()][1] == "review":
                return QBrush(REVIEW_COLOURS.get(event.review or "pending", QColor("black")))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            before, after = review.describe_change(event)
            return f"{before}\n→ {after}" + (f"\nwhy: {event.reason}" if event.reason else "")
        return cell_text(event, index.column())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0] if 0 <= section < len(COLUMNS) else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the database's ORDER BY: the model re-reads from the first page."""
        if not 0 <= column < len(COLUMNS):
            return
        self.beginResetModel()
        self._order = COLUMNS[column][1]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._recount(keep_rows=0)
        self.endResetModel()
