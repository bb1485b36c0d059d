"""The event log as a lazily loaded table model (review table, 100,000 events and more).

Two kinds of laziness keep it responsive on a big log:
- the row count grows a page at a time (`canFetchMore`/`fetchMore`, as a view scrolls to
  the bottom, or `fetch_to(row)` to jump), so a fresh model has one page of rows, not all;
- row data is read a page at a time (LIMIT/OFFSET in the filter's order) only when the
  view asks for a row of that page, and only a bounded number of pages stay in memory, so
  jumping to the middle reads one page, not everything before it.

Painting reads light rows (`review.table_rows`: the shown columns as tuples, each cell's
text made when first shown); the full `Event` of a row (snapshots, hashes) is read only
when something acts on it (`event_at`: selecting, reviewing, a tooltip).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..core.records import Event
from ..services import audit, review
from ..services.audit import EventFilter
from ..services.project import Project
from ..services.review import EventRow

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
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
REVIEW_COLOURS = {
    "accepted": QColor("#2e7d32"),
    "reverted": QColor("#c62828"),
    "pending": QColor("#8d6e00"),
}


def row_texts(row: EventRow) -> tuple[str, ...]:
    """What each column shows for an event's row, in COLUMNS order (one call per row)."""
    return (
        str(row.id),
        row.at[:19].replace("T", " "),
        row.user,
        row.kind.removeprefix("region."),
        row.change_type or "",
        "" if row.document_id is None else str(row.document_id),
        "" if row.page is None else str(row.page + 1),
        row.class_before(),
        row.class_after(),
        row.reason or "",
        row.review or "pending",
    )


class _Page:
    """One page of light rows and, once shown, each row's cell texts."""

    __slots__ = ("rows", "texts")

    def __init__(self, rows: list[EventRow]) -> None:
        self.rows = rows
        self.texts: list[tuple[str, ...] | None] = [None] * len(rows)


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
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._events: dict[int, Event] = {}  # full events by id, read a page at a time
        self._total = 0
        self._rows = 0
        self.pages_read = 0  # how many table pages were read (for tests and the benchmark)
        self.event_pages_read = 0  # how many pages of full events were read
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
        self._last_number, self._last = -1, _Page([])  # the page read or used last
        self._events.clear()
        self._total = review.count_events(self.project, self._filter)
        self._rows = min(self._total, max(keep_rows, self.page_size))

    # --- lazy rows -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt's own index() asks rowCount and columnCount (two calls into Python) per cell."""
        if 0 <= row < self._rows and 0 <= column < len(COLUMNS) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

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

    def _page(self, number: int) -> _Page:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            self._last_number, self._last = number, page
            return page
        page = _Page(
            review.table_rows(
                self.project,
                self._filter,
                limit=self.page_size,
                offset=number * self.page_size,
                order=self._order,
                descending=self._descending,
            )
        )
        self.pages_read += 1
        self._pages[number] = page
        self._last_number, self._last = number, page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def row_at(self, row: int) -> EventRow | None:
        """The light row (shown columns only) at a row, reading its page if needed."""
        if not 0 <= row < self._rows:
            return None
        rows = self._page(row // self.page_size).rows
        i = row % self.page_size
        return rows[i] if i < len(rows) else None

    def _texts(self, row: int) -> tuple[str, ...] | None:
        """Every cell text of a row, made once per page read."""
        if not 0 <= row < self._rows:
            return None
        number, i = divmod(row, self.page_size)
        page = self._last if self._last_number == number else self._page(number)
        if i >= len(page.rows):
            return None
        texts = page.texts[i]
        if texts is None:
            texts = page.texts[i] = row_texts(page.rows[i])
        return texts

    def event_at(self, row: int) -> Event | None:
        """The full Event at a row (for acting on it); its page's events are read together."""
        light = self.row_at(row)
        if light is None:
            return None
        event = self._events.get(light.id)
        if event is None:
            if len(self._events) >= self.max_pages * self.page_size:
                self._events.clear()
            number = row // self.page_size
            for e in review.query_events(
                self.project,
                self._filter,
                limit=self.page_size,
                offset=number * self.page_size,
                order=self._order,
                descending=self._descending,
            ):
                self._events[e.id] = e
            self.event_pages_read += 1
            # the log may have changed since the row was read: then read it by its id
            event = self._events.get(light.id) or audit.get_event(self.project, light.id)
        return event

    def row_of(self, event_id: int) -> int | None:
        """The row of an event among the pages in memory (None if not loaded)."""
        for number, page in self._pages.items():
            for i, e in enumerate(page.rows):
                if e.id == event_id:
                    return number * self.page_size + i
        return None

    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    # --- Qt model ------------------------------------------------------------------------

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role == DISPLAY:  # the hot path: every visible cell, on every paint
            texts = self._texts(index.row())
            return None if texts is None else texts[index.column()]
        if not index.isValid() or role not in (TOOLTIP, FOREGROUND, EVENT_ID_ROLE, EVENT_ROLE):
            return None
        light = self.row_at(index.row())
        if light is None:
            return None
        if role == EVENT_ID_ROLE:
            return light.id
        if role == FOREGROUND:
            if COLUMNS[index.column()][1] == "review":
                return QBrush(REVIEW_COLOURS.get(light.review or "pending", QColor("black")))
            return None
        event = self.event_at(index.row())
        if event is None:
            return None
        if role == EVENT_ROLE:
            return event
        before, after = review.describe_change(event)
        return f"{before}\n→ {after}" + (f"\nwhy: {event.reason}" if event.reason else "")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
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
