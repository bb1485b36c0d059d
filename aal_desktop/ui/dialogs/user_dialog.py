"""Choose who is acting in the window; leads can add people (and set their role) here.

Works on a Project, not a Session, because the app asks before the window exists. On a new
project (one person known, the one the app guessed) it asks for your name and says plainly
that the first person becomes the project's lead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import AalError
from ...core.records import Role
from ...services import users
from ...services.project import Project

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class UserDialog(QDialog):
    """A list of the project's people; pick one (double-click or OK)."""

    def __init__(
        self, project: Project, current: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Who is working?")
        intro = QLabel(
            f"Project: {project.path}\nChoose the person whose work is recorded. "
            "Annotators label documents; leads also review, approve and publish."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.add_box = QGroupBox("Add a person (leads)")
        self.new_name = QLineEdit(placeholderText="name")
        self.new_role = QComboBox()
        for role in Role:
            self.new_role.addItem(role.value, role.value)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_user)
        self.new_name.returnPressed.connect(self.add_user)
        row = QHBoxLayout(self.add_box)
        row.addWidget(self.new_name, 1)
        row.addWidget(self.new_role)
        row.addWidget(self.add_button)
        self.add_box.setVisible(project.is_lead)
        people = users.list_users(project)
        self.first_start = len(people) == 1 and people[0].name == project.user
        self.first_box = QGroupBox("Who are you?")
        self.your_name = QLineEdit(project.user)
        self.your_name.setToolTip("Your name as it is recorded with every box you draw")
        self.lead_note = QLabel(
            "<b>This is a new project: the first person to open it becomes its lead.</b> "
            "A lead labels too, and can also review, approve, publish versions and add "
            "people. A lead can change anyone's role later (File → Switch user…, "
            "Add a person)."
        )
        self.lead_note.setWordWrap(True)
        first = QVBoxLayout(self.first_box)
        first.addWidget(self.your_name)
        first.addWidget(self.lead_note)
        self.first_box.setVisible(self.first_start)
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.first_box)
        layout.addWidget(self.list)
        layout.addWidget(self.add_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reload(current or project.user)
        self.resize(420, 380)

    def reload(self, select: str | None = None) -> None:
        self.list.clear()
        lead_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        person_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogListView)
        for u in users.list_users(self.project):
            item = QListWidgetItem(
                lead_icon if u.role == Role.lead else person_icon, f"{u.name}  ({u.role.value})"
            )
            item.setData(NAME_ROLE, u.name)
            self.list.addItem(item)
            if u.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    @Slot()
    def add_user(self) -> None:
        """Add a person through services.users (leads only; the service checks)."""
        name = self.new_name.text().strip()
        self.error.hide()
        try:
            user = users.add_user(self.project, name, self.new_role.currentData())
        except AalError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.new_name.clear()
        self.reload(user.name)

    def _typed_name(self) -> str | None:
        """On first start, the name typed over the guessed one (None when left as is)."""
        if not self.first_start or not self.your_name.isModified():
            return None
        name = self.your_name.text().strip()
        return name if name and name != self.project.user else None

    def accept(self) -> None:
        """A newcomer's typed name becomes the project's lead (the guessed one already is)."""
        name = self._typed_name()
        if name is not None:
            try:
                users.add_user(self.project, name, Role.lead)
            except AalError as exc:
                self.error.setText(str(exc))
                self.error.show()
                return
        super().accept()

    def chosen(self) -> str | None:
        typed = self._typed_name()
        if typed is not None:
            return typed
        item = self.list.currentItem()
        return None if item is None else str(item.data(NAME_ROLE))
