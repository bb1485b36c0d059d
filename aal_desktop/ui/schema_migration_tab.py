"""The Migration tab of the schema editor: plan text, dry-run preview, apply and publish.

Split from schema_editor.py (one module, one job). Dry runs run one at a time in a QThread
and only the newest request's result is shown; Apply writes the next draft in the background.
It is its own widget and talks to the editor only through SchemaEditorHost.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.migration_plan import MigrationPlan, parse_plan
from ..services import migrations, schemas
from .jobs import Job, busy_bar, run_job
from .schema_class_form import ERROR_STYLE
from .schema_editor_host import SchemaEditorHost

PREVIEW_DELAY_MS = 300


class MigrationTab(QWidget):
    """The migration plan, its live dry run, apply and publish."""

    def __init__(self, host: SchemaEditorHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.project = host.project
        self.lead = host.lead
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self._plan: MigrationPlan | None = None
        # dry runs: one at a time in a job; only the newest request's result is shown
        self._preview_seq = 0
        self._preview_task: Job | None = None
        self._pending_preview: tuple[int, MigrationPlan] | None = None
        self._apply_task: Job | None = None
        self._closed = False
        self._build()

    def set_read_only(self) -> None:
        """Annotators read the plan; nothing can be applied or published."""
        for b in (self.apply_button, self.publish_button, self.load_button):
            b.setEnabled(False)
        self.plan_edit.setReadOnly(True)
        self.reason_edit.setReadOnly(True)

    def refresh(self) -> None:
        """The versions changed: the buttons and the preview follow."""
        self._update_migration_buttons()
        self._preview_timer.start()

    def listen(self) -> None:
        """Shown again after a close: listen to background results again."""
        self._closed = False

    def stop_listening(self) -> None:
        self._preview_timer.stop()
        self._closed = True
        self._pending_preview = None
        self._preview_seq += 1

    @property
    def busy(self) -> bool:
        """A dry run or an apply is running in the background."""
        return self._preview_task is not None or self._apply_task is not None

    def _build(self) -> None:
        v = QVBoxLayout(self)
        self.plan_edit = QPlainTextEdit()
        self.plan_edit.setPlaceholderText(
            "from_version: 1\noperations:\n  - {op: rename, key: text, new_key: paragraph}"
        )
        self.plan_edit.textChanged.connect(self._preview_timer.start)
        self.preview = QTableWidget(0, 5)
        self.preview.setHorizontalHeaderLabels(
            ["#", "operation", "regions", "documents", "of them deleted"]
        )
        self.preview.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_status = QLabel("")
        self.preview_status.setWordWrap(True)
        self.preview_busy = busy_bar()
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Why (recorded with every region's schema event)")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plan_edit)
        split.addWidget(self.preview)
        v.addWidget(QLabel("Operations (YAML, as `aal schema migrate FILE` reads them)"))
        v.addWidget(split, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.preview_status, 1)
        status_row.addWidget(self.preview_busy)
        v.addLayout(status_row)
        v.addWidget(self.reason_edit)
        row = QHBoxLayout()
        self.load_button = QPushButton("Load plan…")
        self.load_button.clicked.connect(self._load_plan)
        self.save_plan_button = QPushButton("Save plan…")
        self.save_plan_button.clicked.connect(self._save_plan)
        self.apply_button = QPushButton("Apply migration")
        self.apply_button.clicked.connect(self.apply_migration)
        self.publish_button = QPushButton("Publish draft…")
        self.publish_button.clicked.connect(self.publish_draft)
        row.addWidget(self.load_button)
        row.addWidget(self.save_plan_button)
        row.addStretch(1)
        row.addWidget(self.apply_button)
        row.addWidget(self.publish_button)
        v.addLayout(row)

    # --- the migration tab ----------------------------------------------------------------------

    def update_preview(self) -> None:
        """Parse the plan and dry-run it in the background: counts per operation, or the reason
        it is refused. A newer request supersedes an older one (its result is dropped)."""
        if self.project.closed:  # an editor left open (asking about staged work) outlived it
            return
        text = self.plan_edit.toPlainText()
        self._preview_seq += 1
        self._pending_preview = None
        self._plan = None
        self.preview.setRowCount(0)
        if not text.strip():
            self._set_preview_status(
                "No operations yet: stage some from the Classes tab, or type or load a plan."
            )
            self._update_migration_buttons()
            return
        try:
            plan = parse_plan(text, "plan")
        except AalError as exc:
            self._set_preview_status(str(exc), error=True)
            self._update_migration_buttons()
            return
        self._pending_preview = (self._preview_seq, plan)
        self._set_preview_status("Counting the regions each operation touches…")
        self._update_migration_buttons()
        self._start_pending_preview()

    def _start_pending_preview(self) -> None:
        """Run the newest requested dry run, unless one is running (it starts when that ends)."""
        if self._preview_task is not None or self._pending_preview is None or self._closed:
            self._show_busy()
            return
        seq, plan = self._pending_preview
        self._pending_preview = None
        self._preview_task = run_job(
            self.project,
            lambda job: migrations.dry_run(job.project, plan),
            lambda result: self._preview_ready(seq, plan, result),
            lambda exc: self._preview_failed(seq, exc),
            self._preview_finished,
        )
        self._show_busy()

    def _preview_ready(
        self, seq: int, plan: MigrationPlan, result: migrations.MigrationPreview
    ) -> None:
        if seq != self._preview_seq or self._closed:
            return  # stale: the plan changed since this dry run started
        self._show_preview(plan, result)

    def _preview_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._preview_seq or self._closed:
            return
        self._set_preview_status(str(exc) or type(exc).__name__, error=True)
        self._update_migration_buttons()

    def _preview_finished(self) -> None:
        self._preview_task = None
        self._start_pending_preview()

    def _show_busy(self) -> None:
        if not self._closed:
            self.preview_busy.setVisible(self.busy)

    def _show_preview(self, plan: MigrationPlan, result: migrations.MigrationPreview) -> None:
        self._plan = plan
        self.preview.setRowCount(0)
        for e in result.operations:
            row = self.preview.rowCount()
            self.preview.insertRow(row)
            for col, value in enumerate(
                (e.index, e.label, e.regions, e.documents, e.deleted or "")
            ):
                item = QTableWidgetItem(str(value))
                if col in (0, 2, 3, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.preview.setItem(row, col, item)
        self._set_preview_status(
            f"Applying creates draft v{result.to_version} and rewrites {result.regions} regions "
            f"in {result.documents} documents (one schema event each). Nothing has changed yet."
        )
        self._update_migration_buttons()

    def _set_preview_status(self, text: str, error: bool = False) -> None:
        self.preview_status.setStyleSheet(ERROR_STYLE if error else "")
        self.preview_status.setText(text)

    def _draft_version(self) -> int | None:
        drafts = [v.version for v in schemas.list_versions(self.project) if v.status == "draft"]
        return max(drafts) if drafts else None

    def _update_migration_buttons(self) -> None:
        if not self.lead:
            return
        applying = self._apply_task is not None
        self.apply_button.setEnabled(self._plan is not None and not applying)
        draft = self._draft_version()
        self.publish_button.setEnabled(draft is not None and not applying)
        self.publish_button.setText(f"Publish v{draft}…" if draft else "Publish draft…")
        for w in (self.load_button, self.save_plan_button):
            w.setEnabled(not applying)
        self.plan_edit.setReadOnly(applying)
        self.reason_edit.setReadOnly(applying)
        self.host.set_staging_enabled(not applying)  # staging would edit the plan

    def apply_migration(self) -> Job | None:
        """Apply the plan as typed now, in the background; the buttons wait for it."""
        if self._apply_task is not None:
            return None
        if (
            self._plan is None
            and not self._preview_timer.isActive()
            and self._pending_preview is None
            and self._preview_task is None
        ):
            return None  # the dry run of this very text refused it; the status says why
        self._preview_timer.stop()
        text = self.plan_edit.toPlainText()
        try:
            plan = parse_plan(text, "plan") if text.strip() else None
        except AalError:
            plan = None
        if plan is None:  # show why (nothing to apply, or the parse error) as the preview does
            self.update_preview()
            return None
        self._preview_seq += 1  # a dry run still running is stale now
        self._pending_preview = None
        reason = self.reason_edit.text().strip() or None
        self._set_preview_status("Applying the migration…")
        self._apply_task = run_job(
            self.project,
            lambda job: migrations.apply(job.project, plan, reason),
            lambda result: self._applied(plan, result),
            self._apply_failed,
            self._apply_finished,
        )
        self._update_migration_buttons()
        self._show_busy()
        return self._apply_task

    def _applied(self, plan: MigrationPlan, result: migrations.MigrationResult) -> None:
        if self._closed:
            return
        self._apply_task = None
        self._show_preview(plan, result.preview)  # what was applied, as the preview said
        self.plan_edit.blockSignals(True)
        self.plan_edit.clear()
        self.plan_edit.blockSignals(False)
        self.host.refresh()
        self.host.show_version(result.version)
        self._set_preview_status(
            f"Draft v{result.version} created; {result.events} regions rewritten. Check it in "
            f"the Classes and Diff tabs, then publish it."
        )
        self._update_migration_buttons()

    def _apply_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._apply_task = None
        self._plan = None
        self.preview.setRowCount(0)
        self._set_preview_status(str(exc) or type(exc).__name__, error=True)
        self._update_migration_buttons()

    def _apply_finished(self) -> None:
        self._apply_task = None
        if not self._closed:
            self._update_migration_buttons()
            self._show_busy()

    def publish_draft(self) -> None:
        version = self._draft_version()
        if version is None:
            return
        answer = QMessageBox.question(
            self,
            "Publish schema",
            f"Publish schema v{version}? A published version is frozen for ever, and new "
            "regions are made under it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            _, caught_up = migrations.publish(self.project, version)
        except AalError as exc:
            self._set_preview_status(str(exc), error=True)
            return
        self.host.refresh()
        self.host.show_version(version)
        extra = f"; {caught_up} regions drawn meanwhile were brought along" if caught_up else ""
        self._set_preview_status(f"Schema v{version} published{extra}.")

    def _load_plan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Load migration plan", "", "Migration (*.yaml *.yml *.json)"
        )
        if path:
            try:
                plan = migrations.read_plan(path)
            except AalError as exc:
                self._set_preview_status(str(exc), error=True)
                return
            self.plan_edit.setPlainText(plan.to_yaml())

    def _save_plan(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save migration plan", "migration.yaml", "Migration (*.yaml *.yml *.json)"
        )
        if path:
            with open(path, "w", encoding="utf-8") as f:
                f.write(self.plan_edit.toPlainText())
