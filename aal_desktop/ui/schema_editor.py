"""The schema editor: versions, a class form, a migration with a live dry run, and diffs.

Leads change the schema only through a migration plan (the same YAML `aal schema migrate`
reads): the class form and the buttons stage operations into the plan, the preview shows
how many regions and documents each operation touches, and Apply writes the next draft
version. A draft made that way can get presentation touches (name, colour, hotkey,
guideline text) before it is published. Annotators see everything read-only.

The tabs live in their own modules (schema_class_form.py, schema_migration_tab.py,
schema_diff_tab.py); this dialog assembles them, applies the role and refreshes.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.migration import MigrationPlan
from ..core.schema import LabelSchema
from ..services import schemas
from ..services.project import Project
from .jobs import Job
from .schema_class_form import (
    ERROR_STYLE,
    NEW_CLASS_COLOURS,
    AttributesTable,
    ClassFormMixin,
    _first_error,
)
from .schema_diff_tab import DiffTabMixin
from .schema_migration_tab import PREVIEW_DELAY_MS, MigrationTabMixin

__all__ = [
    "ERROR_STYLE", "NEW_CLASS_COLOURS", "PREVIEW_DELAY_MS", "AttributesTable",
    "SchemaEditorDialog", "_first_error",
]


class _SessionLike(Protocol):
    project: Project
    schemaChanged: Any


class SchemaEditorDialog(ClassFormMixin, MigrationTabMixin, DiffTabMixin, QDialog):
    """Leads edit the schema through previewed migrations; annotators read it."""

    def __init__(self, session: _SessionLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.project = session.project
        self.lead = self.project.is_lead
        self.setWindowTitle("Label schema" + ("" if self.lead else " (read-only)"))
        self.resize(1100, 700)
        self._schema: LabelSchema | None = None  # the version shown in the Classes tab
        self._class_key: str | None = None  # the class shown in the form
        self._colour = "#808080"
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self._plan: MigrationPlan | None = None
        # dry runs: one at a time in a QThread; only the newest request's result is shown
        self._preview_seq = 0
        self._preview_task: Job | None = None
        self._pending_preview: tuple[int, MigrationPlan] | None = None
        self._apply_task: Job | None = None
        self._closed = False

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_classes_tab(), "Classes")
        self.tabs.addTab(self._build_migration_tab(), "Migration")
        self.tabs.addTab(self._build_diff_tab(), "Diff")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        session.schemaChanged.connect(self.refresh)
        self.refresh()
        self._apply_role()

    def done(self, result: int) -> None:
        """Stop the pending preview and stop listening: a dry run still running reads on its
        own connection and is dropped; an apply still running completes (one transaction) and
        the session hears of it."""
        self._stop_listening()
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self._stop_listening()
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self._closed = False  # shown again after a close: listen to background results again
        super().showEvent(event)

    def _apply_role(self) -> None:
        """Annotators read: every control that changes something is disabled or read-only."""
        if self.lead:
            return
        for b in (self.merge_button, self.split_button, self.deprecate_button,
                  self.stage_button, self.new_class_button, self.save_draft_button,
                  self.add_attr_button, self.remove_attr_button, self.apply_button,
                  self.publish_button, self.load_button):
            b.setEnabled(False)
        self.plan_edit.setReadOnly(True)
        self.reason_edit.setReadOnly(True)
        self.tabs.setTabEnabled(1, False)

    # --- versions and classes ---------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read versions (after an apply, a publish, or a change made elsewhere)."""
        infos = schemas.list_versions(self.project)
        current = schemas.current_version(self.project)
        keep = self.versions.currentItem().data(Qt.ItemDataRole.UserRole) \
            if self.versions.currentItem() else current
        self.versions.blockSignals(True)
        self.versions.clear()
        for info in infos:
            mark = " (current)" if info.version == current else ""
            item = QListWidgetItem(f"v{info.version}  {info.status}{mark}  {info.name}")
            item.setData(Qt.ItemDataRole.UserRole, info.version)
            self.versions.addItem(item)
            if info.version == keep:
                self.versions.setCurrentItem(item)
        self.versions.blockSignals(False)
        self._version_selected(self.versions.currentRow())
        newest = infos[-1].version
        for combo, default in ((self.diff_a, max(1, current - 1)), (self.diff_b, newest)):
            chosen = combo.currentData() or default
            combo.blockSignals(True)
            combo.clear()
            for info in infos:
                combo.addItem(f"v{info.version} ({info.status})", info.version)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.update_diff()
        self._update_buttons()
        self._preview_timer.start()
