"""Team dialogs: my signing key (with Copy), add a member (lead), team status."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import AalError
from ...core.records import Role
from ...core.team import TeamStatus
from ...services import team_setup, users
from ...services.project import Project


class KeyDialog(QDialog):
    """This person's public signing key, to send to the lead (`aal key show`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("My signing key")
        self.key = team_setup.signing_key().public
        intro = QLabel(
            "Send this public key to your team's lead, who adds you with it. "
            "Your private key stays in your user folder, never in a project."
        )
        intro.setWordWrap(True)
        self.field = QLineEdit(self.key)
        self.field.setReadOnly(True)
        self.field.setMinimumWidth(420)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.copy_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(buttons)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)
        self.copy_button.setText("Copied")


class AddMemberDialog(QDialog):
    """A lead registers a member: name, role and the public key she sent."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Add team member")
        self.name = QLineEdit(placeholderText="name, as she will join with --as")
        self.role = QComboBox()
        for role in (Role.annotator, Role.lead):
            self.role.addItem(role.value, role.value)
        self.key = QLineEdit(placeholderText="ed25519:… (from her Team ▸ My signing key)")
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Public key", self.key)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @Slot()
    def add(self) -> None:
        """Add (or update) the member; a refusal stays in the dialog as one line."""
        try:
            from ...core.signing import parse_public_key

            parse_public_key(self.key.text())
            user = users.add_user(self.project, self.name.text(), self.role.currentData())
            team_setup.register_key(self.project, user.name, self.key.text())
        except AalError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


def status_text(s: TeamStatus) -> str:
    lines = [
        f"Team at {s.url}",
        f"You: {s.member} ({s.role}); lead: {s.lead}",
        f"Last sync: {s.last_sync_at or 'never'}",
    ]
    if s.role == "member":
        lines += [
            f"Events not yet pushed: {s.unpushed}",
            f"Last pushed bundle: {s.push_seq}",
            f"Lead files applied: {s.lead_seq}",
        ]
    else:
        lines += [
            f"Lead files published: {s.lead_seq}",
            f"Open conflicts: {s.open_conflicts}",
            "Members' last accepted bundles:",
        ]
        lines += [f"  {m.member}: {m.seq} ({m.accepted_at})" for m in s.members] or ["  none"]
    return "\n".join(lines)


class TeamStatusDialog(QDialog):
    def __init__(self, status: TeamStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team status")
        self.text = QPlainTextEdit(status_text(status))
        self.text.setReadOnly(True)
        self.text.setMinimumSize(460, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class ConflictsDialog(QDialog):
    """Open conflicts of team merges, both values side by side; the lead accepts one (her
    value is applied, as her change) or reverts it with a reason."""

    COLUMNS = ("conflict", "member", "change", "region", "hers", "lead's now", "why")

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QAbstractItemView, QTableWidget

        self.project = project
        self.setWindowTitle("Team conflicts")
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumSize(820, 240)
        self.reason = QLineEdit(placeholderText="reason (kept with the decision, sent to her)")
        self.accept_button = QPushButton("Accept hers")
        self.revert_button = QPushButton("Revert hers")
        self.accept_button.clicked.connect(lambda: self.decide("accepted"))
        self.revert_button.clicked.connect(lambda: self.decide("reverted"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.accept_button)
        row.addWidget(self.revert_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.ids: list[int] = []
        self.reload()

    def reload(self) -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        from ...services import review, team_conflicts

        found = team_conflicts.list_conflicts(self.project, "open")
        self.ids = [c.id for c in found]
        self.table.setRowCount(len(found))
        for i, c in enumerate(found):
            ev = c.event
            fields = review.changed_fields(ev.get("original"), ev.get("new")) or [
                "class_key",
                "box",
            ]
            values = (
                c.ref,
                c.member,
                str(ev.get("kind")),
                str(ev.get("region_id"))[:8],
                f"{review.describe(ev.get('original'), fields)} → "
                f"{review.describe(ev.get('new'), fields)}",
                review.describe(c.lead_state, fields),
                c.problem,
            )
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()
        if found:
            self.table.selectRow(0)
        self.accept_button.setEnabled(bool(found))
        self.revert_button.setEnabled(bool(found))

    def decide(self, decision: str) -> None:
        from ...services import team_conflicts

        row = self.table.currentRow()
        if row < 0 or row >= len(self.ids):
            return
        reason = self.reason.text().strip() or None
        try:
            if decision == "accepted":
                team_conflicts.accept(self.project, self.ids[row], reason)
            else:
                team_conflicts.revert(self.project, self.ids[row], reason)
        except AalError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.reason.clear()
        self.reload()
