"""The regions of the current page: class, text under the box, origin.

Selection is kept in step with the canvas both ways: picking rows selects the regions on
the canvas, and selecting on the canvas selects the rows (without echoing back).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.records import Region
from ...services import regions as region_service
from ..session import Session
from .labels_palette import swatch

ID_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_CHARS = 120


def origin_text(region: Region) -> str:
    """'human' or 'model docl 1.0 · 0.87 · pending' (who drew it is in the tooltip)."""
    if region.origin == "model":
        parts = ["model"]
        if region.model_name:
            parts.append(region.model_name + (f" {region.model_version}"
                                              if region.model_version else ""))
        text = " ".join(parts)
        if region.confidence is not None:
            text += f" · {region.confidence:.2f}"
        if region.prelabel_state == "pending":
            text += " · pending"
        return text
    return region.origin


def reading_key(region: Region) -> tuple[float, float, float]:
    """Reading order when set, else top-to-bottom, left-to-right."""
    order = region.reading_order if region.reading_order is not None else 1e9
    return (order, round(region.box.y0, 0), region.box.x0)


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
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Class", "Text", "Origin"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        session.regionsChanged.connect(self._on_regions_changed)
        session.schemaChanged.connect(self.reload)
        self.reload()

    def set_page(self, document_id: int | None, page: int | None) -> None:
        if (document_id, page) != (self._doc, self._page):
            self._wanted = set()
        self._doc, self._page = document_id, page
        self.reload()

    @Slot(int, int)
    def _on_regions_changed(self, document_id: int, page: int) -> None:
        if self._doc is None:
            return
        if document_id in (-1, self._doc) and page in (-1, self._page):
            self.reload()

    @Slot()
    def reload(self) -> None:
        """Rows from the store, keeping the selected ids selected."""
        keep = set(self._wanted)
        regions: list[Region] = []
        if self._doc is not None and self._page is not None:
            regions = sorted(region_service.list_regions(self.session.project, self._doc,
                                                         self._page), key=reading_key)
        schema = self.session.schema
        self._syncing = True
        try:
            self.table.setRowCount(len(regions))
            for row, r in enumerate(regions):
                cls = schema.get(r.class_key)
                name = cls.name if cls is not None else r.class_key
                colour = cls.color if cls is not None else "#808080"
                first = QTableWidgetItem(swatch(colour, 12), name)
                first.setData(ID_ROLE, r.id)
                first.setToolTip(f"region {r.id}\n{r.box.x0:.1f}, {r.box.y0:.1f} – "
                                 f"{r.box.x1:.1f}, {r.box.y1:.1f} pt")
                text = " ".join((r.text or "").split())
                text_item = QTableWidgetItem(text[:TEXT_CHARS] + ("…" if len(text) > TEXT_CHARS
                                                                  else ""))
                text_item.setToolTip(text[:1000])
                if not text:
                    text_item.setText("(no text)")
                    text_item.setForeground(QColor("#8c959f"))
                origin = QTableWidgetItem(origin_text(r))
                origin.setToolTip(f"annotator {r.annotator}; created by {r.created_by} "
                                  f"on {r.created_at[:16].replace('T', ' ')}")
                if r.prelabel_state == "pending":
                    origin.setForeground(QColor("#d4a72c"))
                self.table.setItem(row, 0, first)
                self.table.setItem(row, 1, text_item)
                self.table.setItem(row, 2, origin)
            self._select_rows(keep)
        finally:
            self._syncing = False
        n = len(regions)
        self.summary.setText("No page open" if self._doc is None
                             else f"{n} region{'s' if n != 1 else ''} on this page")

    def row_ids(self) -> list[str]:
        return [self.table.item(r, 0).data(ID_ROLE) for r in range(self.table.rowCount())]

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(ID_ROLE) for r in rows]

    def _select_rows(self, ids: set[str]) -> None:
        model = self.table.selectionModel()
        selection = QItemSelection()
        first_row = None
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) in ids:
                left = self.table.model().index(row, 0)
                right = self.table.model().index(row, self.table.columnCount() - 1)
                selection.select(left, right)
                first_row = row if first_row is None else first_row
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if first_row is not None:
            self.table.scrollToItem(self.table.item(first_row, 0))

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
