"""The main window's non-modal dialogs: each opened beside the window and kept until closed.

Each dialog module is imported by name when first opened (start-up stays quick, and a
renamed module fails loudly); the window owns one WindowDialogs as `window.dialogs`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from . import prelabel_workspace

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowDialogs:
    """Opens the window's dialogs and keeps the open ones alive (Qt deletes them on close)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.shown: list[QWidget] = []

    def show(self, dialog: QWidget) -> QWidget:
        """Show a dialog non-modally; it is deleted when closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shown = [d for d in self.shown if _alive(d)]
        self.shown.append(dialog)
        dialog.show()
        return dialog

    def open_schema_editor(self) -> QWidget:
        from .schema_editor import SchemaEditorDialog

        return self.show(SchemaEditorDialog(self.window.session, self.window))

    def open_review(self) -> QWidget:
        from .review_view import ReviewWindow

        return self.show(ReviewWindow(self.window.session, self.window))

    def open_audit(self) -> QWidget:
        from .audit_view import AuditDialog

        return self.show(AuditDialog(self.window.session, self.window))

    def open_versions(self) -> QWidget:
        from .versions_view import VersionsDialog

        return self.show(VersionsDialog(self.window.session, self.window))

    def open_agreement(self) -> QWidget:
        from .agreement_view import AgreementDialog

        return self.show(AgreementDialog(self.window.session, self.window))

    def open_models(self) -> QWidget:
        from .models_view import ModelsDialog

        return self.show(ModelsDialog(self.window.session, self.window))

    def open_history_of_selection(self) -> None:
        ids = self.window.canvas.selected_ids()
        if not ids:
            self.window.show_message("Select a region to see its history.")
            return
        self.open_history(ids[0])

    def open_history(self, region_id: str) -> None:
        from .history_dialog import RegionHistoryDialog

        w = self.window
        w._guard(lambda: self.show(RegionHistoryDialog(w.session, region_id, w)))

    def open_prelabel(self, scope: str = "document") -> None:
        """Pre-label the current "page", this "document" or the "selected" documents."""
        from . import prelabel_dialog  # the module, so a test can stand in for the dialog

        chosen = prelabel_workspace.prelabel_scope(self.window, scope)
        if chosen is not None:
            self.show(prelabel_dialog.PrelabelDialog(self.window.session, *chosen, self.window))


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
        return True
    except RuntimeError:  # deleted on close
        return False
