"""Assign a document to annotators (leads): tick the people it is given to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.records import Document
from ...services import documents, users
from ..session import Session


class AssignDialog(QDialog):
    """Tick the people a document is given to (leads)."""

    def __init__(self, session: Session, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Assign {doc.filename}")
        project = session.project
        already = set(documents.assignees(project, doc.id))
        self.list = QListWidget()
        for u in users.list_users(project):
            item = QListWidgetItem(f"{u.name} ({u.role.value})")
            item.setData(Qt.ItemDataRole.UserRole, u.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if u.name in already else Qt.CheckState.Unchecked
            )
            if u.name in already:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)  # no un-assign service
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Give this document to:"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if (
                item.checkState() == Qt.CheckState.Checked
                and item.flags() & Qt.ItemFlag.ItemIsEnabled
            ):
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out
