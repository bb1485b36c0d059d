"""Release a dataset version from the window: destination, formats, resolution, progress, cancel.

The release is a ui.jobs Job whose thread only waits: the pages render in worker processes
(PyMuPDF holds the GIL, so rendering in a thread would freeze the window), and the job
opens its own connection to the project so the GUI thread's connection is never shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..export.release import FORMATS
from .dialog_fit import grow_to_fit
from .jobs import Job, JobContext, run_job

if TYPE_CHECKING:
    from .session import Session


def release_work(
    version: str, dest: str, formats: tuple[str, ...], dpi: int, include_pdfs: bool
) -> Callable[[JobContext], str]:
    """The job of one release, on the job's own connection; returns the released path."""

    def work(job: JobContext) -> str:
        from ..services import releases

        record = releases.release(
            job.project,
            version,
            dest,
            formats,
            dpi,
            include_pdfs,
            progress=job.progress,
            cancelled=job.cancelled,
        )
        return record.path

    return work


def step_text(what: str) -> str:
    """A release step as a person reads it: "Wrote COCO", "Rendered images/p1.png"."""
    if what in FORMATS:
        return f"Wrote {'Parquet' if what == 'parquet' else what.upper()}…"
    if "/" in what or what.endswith((".png", ".jpg")):
        return f"Rendered {what}…"
    if what.endswith(".pdf"):
        return f"Copied {what}…"
    return f"Wrote {what}…"


class ReleaseDialog(QDialog):
    """Choose where and how to release `version_name`, watch it run, open the result."""

    def __init__(self, session: Session, version_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.version_name = version_name
        self.result_path: str | None = None
        self._job: Job | None = None
        self.setWindowTitle(f"Release {version_name}")

        self.dest_edit = QLineEdit(self)
        self.dest_edit.setPlaceholderText("Folder on shared storage")
        self.choose_button = QPushButton("Choose…", self)
        self.choose_button.clicked.connect(self._choose)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest_edit, 1)
        dest_row.addWidget(self.choose_button)

        self.format_boxes: dict[str, QCheckBox] = {}
        formats_row = QHBoxLayout()
        for fmt in FORMATS:
            box = QCheckBox(fmt.upper() if fmt != "parquet" else "Parquet", self)
            box.setChecked(True)
            self.format_boxes[fmt] = box
            formats_row.addWidget(box)
        self.dpi_spin = QSpinBox(self)
        self.dpi_spin.setRange(18, 1200)
        self.dpi_spin.setValue(144)
        self.dpi_spin.setSuffix(" dpi")
        self.pdfs_box = QCheckBox("Include the source PDFs", self)

        form = QFormLayout()
        form.addRow("Destination", dest_row)
        form.addRow("Formats", formats_row)
        form.addRow("Page images", self.dpi_spin)
        form.addRow("", self.pdfs_box)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = QLabel("", self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps_label = QLabel("", self)  # the steps done so far, one line each
        self.steps_label.setWordWrap(True)
        self.steps: list[str] = []

        self.release_button = QPushButton("Release", self)
        self.release_button.setDefault(True)
        self.release_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.open_button = QPushButton("Open folder", self)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.release_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.steps_label)
        layout.addLayout(buttons)

    # --- state ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._job is not None

    def selected_formats(self) -> tuple[str, ...]:
        return tuple(f for f, box in self.format_boxes.items() if box.isChecked())

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (
            self.dest_edit,
            self.choose_button,
            self.dpi_spin,
            self.pdfs_box,
            self.release_button,
            *self.format_boxes.values(),
        ):
            widget.setEnabled(enabled)

    # --- actions --------------------------------------------------------------------------

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Release destination", self.dest_edit.text()
        )
        if folder:
            self.dest_edit.setText(folder)

    def start(self) -> None:
        """Start the release in a QThread; refuse clearly when the form is incomplete."""
        if self.running:
            return
        dest = self.dest_edit.text().strip()
        if not dest:
            self.status_label.setText("Choose a destination folder first.")
            return
        if not self.session.project.is_lead:
            self.status_label.setText("Only a lead can release a dataset version.")
            return
        self.result_path = None
        self.open_button.setEnabled(False)
        self._set_inputs_enabled(False)
        self.cancel_button.setText("Cancel")
        self.progress_bar.setRange(0, 0)  # busy until the first report
        self.status_label.setText("Reading the version (documents, regions, schema)…")
        self.steps = []
        self.steps_label.setText("")
        work = release_work(
            self.version_name,
            dest,
            self.selected_formats(),
            self.dpi_spin.value(),
            self.pdfs_box.isChecked(),
        )
        # the release is recorded on the job's own connection; the job replays its "version"
        # change on the window's project, so the window hears of it
        self._job = run_job(
            self.session.project,
            work,
            self._on_succeeded,
            self._on_failed,
            self._on_job_finished,
            on_progress=self._on_progress,
        )

    def cancel(self) -> None:
        """Ask the running release to stop; its temporary folder is removed."""
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")

    def _cancel_or_close(self) -> None:
        if self.running:
            self.cancel()
        else:
            self.reject()

    def open_folder(self) -> None:
        if self.result_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.result_path))

    # --- worker reports (queued onto the GUI thread) --------------------------------------

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{done}/{total}")
        step = step_text(what)
        self.status_label.setText(f"{step} {done}/{total}")
        if not step.startswith("Rendered"):  # one line per file written, not per image
            self.steps.append(f"✓ {step}")
            self.steps_label.setText("\n".join(self.steps[-12:]))
        grow_to_fit(self)

    def _on_succeeded(self, path: str) -> None:
        self.result_path = path
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.status_label.setText(f"Released to {path}")
        self.open_button.setEnabled(True)
        grow_to_fit(self)

    def _on_failed(self, error: BaseException) -> None:
        from ..export.images import ReleaseCancelled

        if isinstance(error, ReleaseCancelled):
            self._on_cancelled()
            return
        message = str(error) or type(error).__name__  # the person can fix the cause, retry
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(f"The release failed: {message}")
        grow_to_fit(self)

    def _on_cancelled(self) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText("Cancelled; nothing was written to the destination.")

    def _on_job_finished(self) -> None:
        self._job = None
        self._set_inputs_enabled(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the release thread ends (closing the window, tests)."""
        job = self._job
        return job.wait(msecs) if job is not None else True

    def done(self, result: int) -> None:
        """Closing the dialog cancels a running release and waits for its cleanup."""
        if self.running:
            self.cancel()
            self.wait()
        super().done(result)
