"""The main window's workflow actions: the open document's status, rejection and assignment,
and who is working.

Each is one service call followed by a message in the status bar; the window owns one
WindowWorkflow as `window.workflow`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QInputDialog

from ..core.records import DocStatus
from ..services import documents
from .dialogs.assign_dialog import AssignDialog
from .dialogs.user_dialog import UserDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowWorkflow:
    """Document status and assignment, and switching user, for the window's open document."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def set_status(self, status: DocStatus) -> None:
        w = self.window
        if w.doc is None:
            return
        w.doc = documents.set_status(w.session.project, w.doc.id, status)
        w.show_message(f"{w.doc.filename} is now {status.value.replace('_', ' ')}.")
        w._update_status()

    def reject_document(self) -> None:
        w = self.window
        if w.doc is None:
            return
        reason, ok = QInputDialog.getText(
            w, "Reject document", f"Why is {w.doc.filename} sent back?"
        )
        if ok:
            w.doc = documents.set_status(
                w.session.project, w.doc.id, DocStatus.rejected, reason.strip() or None
            )
            w.show_message(f"{w.doc.filename} is now rejected.")
            w._update_status()

    def assign_document(self) -> None:
        w = self.window
        if w.doc is None:
            return
        dialog = AssignDialog(w.session, w.doc, w)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            documents.assign(w.session.project, w.doc.id, dialog.chosen())
            w.show_message(f"{w.doc.filename} assigned to {', '.join(dialog.chosen())}.")

    def switch_user(self) -> None:
        w = self.window
        dialog = UserDialog(w.session.project, w.session.project.user, w)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.set_user(str(dialog.chosen()))

    def set_user(self, name: str) -> None:
        """Act as another person from now on (their own undo history starts empty)."""
        w = self.window
        w.session.project.switch_user(name)
        w.session.undo_stack.clear()
        w.settings.setValue("user", name)
        w._apply_role()
        w.userSwitched.emit(name)
        w.show_message(f"Working as {name} ({w.session.project.role.value}).")
