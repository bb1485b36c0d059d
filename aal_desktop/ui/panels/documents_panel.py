"""The documents panel: every document with its status, pages and regions; open one.

A table model filled from services.documents (status and assignee filters go to the
service query; the name search is a proxy filter, so typing never touches the database).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.records import DocStatus, Document
from ...services import documents, users
from ..session import Session

ALL = ""
STATUS_COLOURS = {
    DocStatus.todo: "#8c959f",
    DocStatus.in_progress: "#d4a72c",
    DocStatus.submitted: "#2f6fdb",
    DocStatus.approved: "#2da44e",
    DocStatus.rejected: "#cf222e",
}
Index = QModelIndex | QPersistentModelIndex


def status_text(status: DocStatus) -> str:
    return status.value.replace("_", " ")


class DocumentsModel(QAbstractTableModel):
    """Rows of documents: name, status, pages, regions (live, not deleted)."""

    HEADERS = ("Name", "Status", "Pages", "Regions")
    DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._docs: list[Document] = []
        self._counts: dict[int, int] = {}
        self.current_id: int | None = None

    def set_rows(self, docs: list[Document], counts: dict[int, int]) -> None:
        self.beginResetModel()
        self._docs = docs
        self._counts = counts
        self.endResetModel()

    def set_current(self, doc_id: int | None) -> None:
        """Which document is open (drawn bold)."""
        self.current_id = doc_id
        if self._docs:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._docs) - 1, len(self.HEADERS) - 1),
                [Qt.ItemDataRole.FontRole],
            )

    def documents(self) -> list[Document]:
        return list(self._docs)

    def row_of(self, doc_id: int) -> int | None:
        return next((i for i, d in enumerate(self._docs) if d.id == doc_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._docs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        doc = self._docs[index.row()]
        col = index.column()
        if role == self.DOC_ID_ROLE:
            return doc.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return doc.filename
            if col == 1:
                return status_text(doc.status)
            if col == 2:
                return doc.page_count
            return self._counts.get(doc.id, 0)
        if role == Qt.ItemDataRole.EditRole:  # sort keys
            if col == 0:
                return doc.filename.lower()
            if col == 1:
                return list(DocStatus).index(doc.status)
            if col == 2:
                return doc.page_count
            return self._counts.get(doc.id, 0)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                doc.filename,
                f"document {doc.id} · {doc.sha256[:12]}",
                f"imported by {doc.imported_by} on {doc.imported_at[:10]}",
            ]
            if doc.title:
                lines.insert(1, doc.title)
            if doc.retired_at:
                lines.append(f"retired: {doc.retired_reason or ''}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QColor(STATUS_COLOURS.get(doc.status, "#8c959f"))
        if role == Qt.ItemDataRole.FontRole and doc.id == self.current_id:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _Table(QTableView):
    """Enter opens the current document, like a double-click."""

    activatedRow = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedRow.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class DocumentsPanel(QWidget):
    """Filter (status, assignee), search by name, and open a document."""

    documentActivated = Signal(int)  # document id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = DocumentsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)

        self.search = QLineEdit(placeholderText="Search by name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", ALL)
        for s in DocStatus:
            self.status_filter.addItem(status_text(s).capitalize(), s.value)
        self.status_filter.setToolTip("Show only documents with this status")
        self.assignee_filter = QComboBox()
        self.assignee_filter.setToolTip("Show only documents assigned to this person")
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.assignee_filter.currentIndexChanged.connect(self.reload)

        self.table = _Table()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # "mupdf-…-12.pdf" differ
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activatedRow.connect(self._open_index)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.assignee_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        session.documentsChanged.connect(self.reload)
        session.regionsChanged.connect(self._on_regions_changed)
        session.usersChanged.connect(self._reload_assignees)
        self._reload_assignees()
        self.reload()

    @Slot()
    def _reload_assignees(self) -> None:
        chosen = self.assignee_filter.currentData()
        self.assignee_filter.blockSignals(True)
        self.assignee_filter.clear()
        self.assignee_filter.addItem("Anyone", ALL)
        for u in users.list_users(self.session.project):
            self.assignee_filter.addItem(f"Assigned to {u.name}", u.name)
        i = self.assignee_filter.findData(chosen)
        self.assignee_filter.setCurrentIndex(max(i, 0))
        self.assignee_filter.blockSignals(False)

    @Slot()
    def reload(self) -> None:
        """Read the documents again (after an import, a status change, a filter change)."""
        project = self.session.project
        docs = documents.list_documents(
            project,
            status=self.status_filter.currentData() or None,
            assignee=self.assignee_filter.currentData() or None,
        )
        self.model.set_rows(docs, documents.region_counts(project))
        self._select_current()

    @Slot(int, int)
    def _on_regions_changed(self, _doc: int, _page: int) -> None:
        """A region change can move a document's status (todo → in progress): read both."""
        self.reload()

    def set_current(self, doc_id: int | None) -> None:
        """Mark the open document (bold, selected)."""
        self.model.set_current(doc_id)
        self._select_current()

    def _select_current(self) -> None:
        row = None if self.model.current_id is None else self.model.row_of(self.model.current_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            # signals on: the view repaints the row it unselects (blocked, two rows looked
            # selected); nothing here listens to the selection model
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)

    def visible_ids(self) -> list[int]:
        """Document ids in the order shown (after filters, search and sorting)."""
        return [
            int(self.proxy.index(r, 0).data(DocumentsModel.DOC_ID_ROLE))
            for r in range(self.proxy.rowCount())
        ]

    def set_search(self, text: str) -> None:
        self.search.setText(text)

    def set_status_filter(self, status: str) -> None:
        self.status_filter.setCurrentIndex(max(self.status_filter.findData(status), 0))

    def set_assignee_filter(self, name: str) -> None:
        self.assignee_filter.setCurrentIndex(max(self.assignee_filter.findData(name), 0))

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        doc_id = index.siblingAtColumn(0).data(DocumentsModel.DOC_ID_ROLE)
        if doc_id is not None:
            self.documentActivated.emit(int(doc_id))
