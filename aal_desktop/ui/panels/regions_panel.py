"""The regions of the current page: class, text under the box, origin.

A model/view table: the rows are the page's regions, and a change names the regions it
touched, so only those rows are updated, inserted or removed (a rebuilt QTableWidget cost
seconds on a page with 2,000 regions). Selection is kept in step with the canvas both ways:
picking rows selects the regions on the canvas, and selecting on the canvas selects the rows
(without echoing back).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.records import Region, RegionListing
from ...services import page_view
from ...services import regions as region_service
from ...services.project import Change
from ..session import Session
from .labels_palette import swatch

ID_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_CHARS = 120
BATCH_ROWS = 32  # more changed rows than this in one change: the model is rebuilt once
HEADERS = ("Class", "Text", "Origin")
Index = QModelIndex | QPersistentModelIndex


def origin_text(region: Region | RegionListing) -> str:
    """'human' or 'model docl 1.0 · 0.87 · pending' (who drew it is in the tooltip)."""
    if region.origin == "model":
        parts = ["model"]
        if region.model_name:
            parts.append(
                region.model_name + (f" {region.model_version}" if region.model_version else "")
            )
        text = " ".join(parts)
        if region.confidence is not None:
            text += f" · {region.confidence:.2f}"
        if region.prelabel_state == "pending":
            text += " · pending"
        return text
    return region.origin


def reading_key(region: RegionListing) -> tuple[float, float, float]:
    """Reading order when set, else top-to-bottom, left-to-right."""
    order = region.reading_order if region.reading_order is not None else 1e9
    return (order, round(region.y0, 0), region.x0)


class RegionsModel(QAbstractTableModel):
    """The page's regions in reading order, as listing tuples (a page of 10,000 is read
    without building 10,000 Regions); cells computed when the view asks for them."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[RegionListing] = []
        self._keys: list[tuple[float, float, float, str]] = []
        self.row_of: dict[str, int] = {}

    @staticmethod
    def _key(r: RegionListing) -> tuple[float, float, float, str]:
        return (*reading_key(r), r.id)

    def _reindex(self) -> None:
        self.row_of = {r.id: i for i, r in enumerate(self.rows)}

    def set_regions(self, regions: list[RegionListing]) -> None:
        self.beginResetModel()
        keyed = sorted((self._key(r), r) for r in regions)  # keys are unique (they end in id)
        self._keys = [k for k, _r in keyed]
        self.rows = [r for _k, r in keyed]
        self._reindex()
        self.endResetModel()

    def remove(self, rid: str) -> None:
        row = self.row_of.get(rid)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row], self._keys[row]
        self.endRemoveRows()
        self._reindex()

    def put(self, state: Region) -> None:
        """Insert or update one region's row (moved when its reading position changed)."""
        region = RegionListing.of(state)
        row = self.row_of.get(region.id)
        key = self._key(region)
        if row is not None and self._keys[row] == key:
            self.rows[row] = region
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            return
        if row is not None:
            self.remove(region.id)
        at = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.insert(at, region)
        self._keys.insert(at, key)
        self.endInsertRows()
        self._reindex()

    def apply(self, states: list[Region], removed: list[str]) -> None:
        """New states of some rows and rows gone: row by row for a few, else the model
        rebuilt once (each row alone re-indexes the page: undoing a move of 10,000 boxes
        one row at a time took minutes)."""
        if len(states) + len(removed) <= BATCH_ROWS:
            for rid in removed:
                self.remove(rid)
            for state in states:
                self.put(state)
            return
        gone = set(removed) | {s.id for s in states}
        kept = [r for r in self.rows if r.id not in gone]
        self.set_regions(kept + [RegionListing.of(s) for s in states])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == ID_ROLE:
            return r.id
        if col == 0:
            cls = self.session.schema.get(r.class_key)
            if role == Qt.ItemDataRole.DisplayRole:
                return cls.name if cls is not None else r.class_key
            if role == Qt.ItemDataRole.DecorationRole:
                return swatch(cls.color if cls is not None else "#808080", 12)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"region {r.id}\n{r.x0:.1f}, {r.y0:.1f} – {r.x1:.1f}, {r.y1:.1f} pt"
        elif col == 1:
            text = " ".join((r.text or "").split())
            if role == Qt.ItemDataRole.DisplayRole:
                if not text:
                    return "(no text)"
                return text[:TEXT_CHARS] + ("…" if len(text) > TEXT_CHARS else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return text[:1000]
            if role == Qt.ItemDataRole.ForegroundRole and not text:
                return QColor("#8c959f")
        else:
            if role == Qt.ItemDataRole.DisplayRole:
                return origin_text(r)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"annotator {r.annotator}; created by {r.created_by} "
                    f"on {r.created_at[:16].replace('T', ' ')}"
                )
            if role == Qt.ItemDataRole.ForegroundRole and r.prelabel_state == "pending":
                return QColor("#d4a72c")
        return None


class Cell:
    """One cell of the table, read like a QTableWidgetItem (tests, older callers)."""

    def __init__(self, index: QModelIndex) -> None:
        self.index = index

    def text(self) -> str:
        return str(self.index.data(Qt.ItemDataRole.DisplayRole) or "")

    def toolTip(self) -> str:  # noqa: N802 - the QTableWidgetItem spelling
        return str(self.index.data(Qt.ItemDataRole.ToolTipRole) or "")

    def data(self, role: int) -> Any:
        return self.index.data(role)


class RegionsTable(QTableView):
    """The table view; Escape (or F6) hands the keyboard back to the page."""

    focusPageRequested = Signal()
    page_keys: Callable[[QKeyEvent], bool] | None = None  # class hotkeys go to the page

    def rowCount(self) -> int:  # noqa: N802 - the QTableWidget spelling
        return self.model().rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.model().columnCount()

    def item(self, row: int, column: int) -> Cell:
        return Cell(self.model().index(row, column))

    def visualItemRect(self, cell: Cell) -> QRect:  # noqa: N802
        return self.visualRect(cell.index)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        """No type-ahead: letters are class hotkeys, acted on by the page (the window
        routes them there), never a jump to a row."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F6):
            self.focusPageRequested.emit()
            event.accept()
            return
        if self.page_keys is not None and self.page_keys(event):
            event.accept()
            return
        super().keyPressEvent(event)


class RegionsPanel(QWidget):
    """A table of the page's regions that shares its selection with the canvas."""

    selectionChangedIds = Signal(list)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._doc: int | None = None
        self._page: int | None = None
        self._syncing = False
        self._wanted: set[str] = set()  # the canvas's selection, even before rows exist
        self.model = RegionsModel(session)
        self.table = RegionsTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()  # fixed widths: ResizeToContents reads every row
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        # Class and Origin as wide as their usual words, so the stretched Text column keeps
        # the room in a narrow dock (a long model origin elides; its tooltip says it all)
        fm = self.table.fontMetrics()
        self.table.setColumnWidth(0, min(130, fm.horizontalAdvance("Section-header") + 32))
        self.table.setColumnWidth(2, fm.horizontalAdvance("human ·") + 24)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        session.regionsEdited.connect(self._on_regions_edited)
        session.schemaChanged.connect(self._on_schema_changed)
        self.reload()

    def set_page(self, document_id: int | None, page: int | None) -> None:
        if (document_id, page) != (self._doc, self._page):
            self._wanted = set()
        self._doc, self._page = document_id, page
        self.reload()

    @Slot(object)
    def _on_regions_edited(self, change: Change) -> None:
        """Update the rows the change names (read them if it did not carry their states)."""
        if self._doc is None:
            return
        if change.document_id not in (None, self._doc) or change.page not in (None, self._page):
            return
        ids = [str(i) for i in change.ids]
        states = {r.id: r for r in change.regions}
        if not ids or len(ids) > 500 and len(states) < len(ids):
            self.reload()
            return
        here: list[Region] = []
        gone: list[str] = []
        for rid, region in region_service.changed_states(self.session.project, change).items():
            if (
                region is None
                or region.deleted
                or (region.document_id, region.page) != (self._doc, self._page)
            ):
                gone.append(rid)
            else:
                here.append(region)
        self._syncing = True
        try:
            self.model.apply(here, gone)
            self._select_rows(set(self._wanted), scroll=False)
        finally:
            self._syncing = False
        self._show_count()

    @Slot()
    def _on_schema_changed(self) -> None:
        if self.model.rows:
            self.model.dataChanged.emit(
                self.model.index(0, 0), self.model.index(len(self.model.rows) - 1, 0)
            )

    @Slot()
    def reload(self) -> None:
        """Rows from the store, keeping the selected ids selected."""
        keep = set(self._wanted)
        regions: list[RegionListing] = []
        if self._doc is not None and self._page is not None:
            regions = page_view.page_listing(self.session.project, self._doc, self._page)
        self._syncing = True
        try:
            self.model.set_regions(regions)
            self._select_rows(keep)
        finally:
            self._syncing = False
        self._show_count()

    def _show_count(self) -> None:
        n = len(self.model.rows)
        self.summary.setText(
            "No page open"
            if self._doc is None
            else f"{n} region{'s' if n != 1 else ''} on this page"
        )

    def row_ids(self) -> list[str]:
        return [r.id for r in self.model.rows]

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].id for r in rows if r < len(self.model.rows)]

    def _select_rows(self, ids: set[str], scroll: bool = True) -> None:
        selection = QItemSelection()
        rows = sorted(self.model.row_of[i] for i in ids if i in self.model.row_of)
        last = self.model.columnCount() - 1
        for first, end in _runs(rows):  # one range a run of rows: Select all is one range
            selection.select(self.model.index(first, 0), self.model.index(end, last))
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if rows and scroll:
            self.table.scrollTo(self.model.index(rows[0], 0))

    @Slot(list)
    def select_ids(self, ids: list[str]) -> None:
        """Follow the canvas's selection without sending it back."""
        self._wanted = set(ids)
        if set(ids) == set(self.selected_ids()):
            return
        self._syncing = True
        try:
            self._select_rows(set(ids))
        finally:
            self._syncing = False

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._syncing:
            ids = self.selected_ids()
            self._wanted = set(ids)
            self.selectionChangedIds.emit(ids)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as runs of consecutive rows: (first, last) each."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
