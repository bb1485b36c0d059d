"""The schema editor: versions, a class form, a migration with a live dry run, and diffs.

Leads change the schema only through a migration plan (the same YAML `aal schema migrate`
reads): the class form and the buttons stage operations into the plan, the preview shows
how many regions and documents each operation touches, and Apply writes the next draft
version. A draft made that way can get presentation touches (name, colour, hotkey,
guideline text) before it is published. Annotators see everything read-only.

Each tab is its own widget in its own module (schema_class_form.py ClassesTab,
schema_migration_tab.py MigrationTab, schema_diff_tab.py DiffTab); they talk to this dialog
only through the small SchemaEditorHost interface (schema_editor_host.py), which it
implements: refresh, show a version, read and write the plan, allow staging.
"""

from __future__ import annotations

from typing import Any, Protocol

import yaml
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..services import schemas
from ..services.project import Project
from .schema_class_form import ClassesTab
from .schema_diff_tab import DiffTab
from .schema_migration_tab import MigrationTab

# Plans a lead chose to keep when closing the editor, by project path: reopened with it.
_KEPT_PLANS: dict[str, str] = {}


def staged_count(plan_text: str) -> int:
    """How many operations a plan text stages (0 for empty or unreadable text)."""
    try:
        data = yaml.safe_load(plan_text) if plan_text.strip() else None
    except yaml.YAMLError:
        return 1 if plan_text.strip() else 0  # typed by hand: still worth asking about
    ops = data.get("operations") if isinstance(data, dict) else None
    return len(ops) if isinstance(ops, list) else 0


class _SessionLike(Protocol):
    project: Project
    schemaChanged: Any


class SchemaEditorDialog(QDialog):
    """Leads edit the schema through previewed migrations; annotators read it."""

    def __init__(self, session: _SessionLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.project = session.project
        self.lead = self.project.is_lead
        self.setWindowTitle("Label schema" + ("" if self.lead else " (read-only)"))
        self.resize(1100, 700)
        self.classes_tab = ClassesTab(self)
        self.migration_tab = MigrationTab(self)
        self.diff_tab = DiffTab(self.project)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.classes_tab, "Classes")
        self.tabs.addTab(self.migration_tab, "Migration")
        self.tabs.addTab(self.diff_tab, "Diff")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.confirm_box: QMessageBox | None = None
        self._closing = False  # the lead answered: close without asking again
        session.schemaChanged.connect(self.refresh)
        self.refresh()
        self._apply_role()
        kept = _KEPT_PLANS.pop(str(self.project.path), "")
        if kept and self.lead:
            self.set_plan_text(kept)

    def _ask_before_closing(self) -> bool:
        """True when staged operations would be lost: a question is shown instead."""
        n = staged_count(self.plan_text()) if self.lead else 0
        if self._closing or n == 0:
            return False
        if self.confirm_box is not None and self.confirm_box.isVisible():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Staged operations",
            f"{n} staged operation{'s are' if n != 1 else ' is'} not applied yet. "
            "Discard them, or keep them for when you open the editor again?",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        self.keep_button = box.addButton("Keep for later", QMessageBox.ButtonRole.AcceptRole)
        self.discard_button = box.addButton(QMessageBox.StandardButton.Discard)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r, b=box: self._answered(b))
        self.confirm_box = box
        box.open()
        return True

    def _answered(self, box: QMessageBox) -> None:
        clicked = box.clickedButton()
        if clicked is self.keep_button:
            _KEPT_PLANS[str(self.project.path)] = self.plan_text()
        elif clicked is not self.discard_button:
            return  # Cancel (or Esc): stay in the editor
        self._closing = True
        self.close()

    def reject(self) -> None:
        """Close and Esc: ask first when staged operations would be lost."""
        if not self._ask_before_closing():
            super().reject()

    def done(self, result: int) -> None:
        """Stop the pending preview and stop listening: a dry run still running reads on its
        own connection and is dropped; an apply still running completes (one transaction) and
        the session hears of it."""
        self.migration_tab.stop_listening()
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if self._ask_before_closing():
            event.ignore()
            return
        self.migration_tab.stop_listening()
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self.migration_tab.listen()  # shown again after a close: hear background results
        super().showEvent(event)

    def _apply_role(self) -> None:
        """Annotators read: every control that changes something is disabled or read-only."""
        if self.lead:
            return
        self.classes_tab.set_read_only()
        self.migration_tab.set_read_only()
        self.tabs.setTabEnabled(1, False)

    # --- SchemaEditorHost: what the tabs ask of the editor -----------------------------------

    def refresh(self) -> None:
        """Re-read versions (after an apply, a publish, or a change made elsewhere)."""
        infos = schemas.list_versions(self.project)
        current = schemas.current_version(self.project)
        self.classes_tab.refresh_versions(infos, current)
        self.diff_tab.refresh_versions(infos, current)
        self.migration_tab.refresh()

    def show_version(self, version: int) -> None:
        self.classes_tab.select_version(version)

    def plan_text(self) -> str:
        return self.migration_tab.plan_edit.toPlainText()

    def set_plan_text(self, text: str) -> None:
        self.migration_tab.plan_edit.setPlainText(text)

    def set_staging_enabled(self, on: bool) -> None:
        self.classes_tab.setEnabled(on)
