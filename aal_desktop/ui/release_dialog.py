"""Release a dataset version from the window: destination, formats, resolution, progress, cancel.

The release runs in a QThread that only waits: the pages render in worker processes
(PyMuPDF holds the GIL, so rendering in a thread would freeze the window), and the thread
opens its own connection to the project so the GUI thread's connection is never shared.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal, Slot
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
from ..services.project import Change, ChangeKind, Project

if TYPE_CHECKING:
    from .session import Session


class ReleaseWorker(QObject):
    """Runs one release in its QThread and reports back through signals."""

    progressed = Signal(int, int, str)
    succeeded = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, db_path: Path, user: str, version: str, dest: str,
                 formats: tuple[str, ...], dpi: int, include_pdfs: bool) -> None:
        super().__init__()
        self.db_path, self.user, self.version = db_path, user, version
        self.dest, self.formats, self.dpi, self.include_pdfs = dest, formats, dpi, include_pdfs
        self.stop = threading.Event()

    @Slot()
    def run(self) -> None:
        from ..export.images import ReleaseCancelled
        from ..services import releases

        try:
            with Project(self.db_path, self.user) as project:
                record = releases.release(
                    project, self.version, self.dest, self.formats, self.dpi, self.include_pdfs,
                    progress=lambda d, t, w: self.progressed.emit(d, t, w),
                    cancelled=self.stop.is_set)
        except ReleaseCancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown to the person, who can fix the cause and retry
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.succeeded.emit(record.path)


class ReleaseDialog(QDialog):
    """Choose where and how to release `version_name`, watch it run, open the result."""

    def __init__(self, session: Session, version_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.version_name = version_name
        self.result_path: str | None = None
        self._thread: QThread | None = None
        self._worker: ReleaseWorker | None = None
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
        layout.addLayout(buttons)

    # --- state ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def selected_formats(self) -> tuple[str, ...]:
        return tuple(f for f, box in self.format_boxes.items() if box.isChecked())

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (self.dest_edit, self.choose_button, self.dpi_spin, self.pdfs_box,
                       self.release_button, *self.format_boxes.values()):
            widget.setEnabled(enabled)

    # --- actions --------------------------------------------------------------------------

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Release destination",
                                                  self.dest_edit.text())
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
        self.status_label.setText("Starting…")
        project = self.session.project
        worker = ReleaseWorker(project.path, project.user, self.version_name, dest,
                               self.selected_formats(), self.dpi_spin.value(),
                               self.pdfs_box.isChecked())
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._on_progress)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        for signal in (worker.succeeded, worker.failed, worker.cancelled):
            signal.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel(self) -> None:
        """Ask the running release to stop; its temporary folder is removed."""
        if self._worker is not None:
            self._worker.stop.set()
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
        self.status_label.setText(f"{done} of {total}: {what}")

    @Slot(str)
    def _on_succeeded(self, path: str) -> None:
        self.result_path = path
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.status_label.setText(f"Released to {path}")
        self.open_button.setEnabled(True)
        # the release was recorded through the worker's own connection: tell the window
        self.session.project.notify(Change(ChangeKind.version, (self.version_name,),
                                           detail={"release": path}))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText(f"The release failed: {message}")

    @Slot()
    def _on_cancelled(self) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText("Cancelled; nothing was written to the destination.")

    @Slot()
    def _on_thread_finished(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread, self._worker = None, None
        if worker is not None:
            worker.deleteLater()
        if thread is not None:
            thread.deleteLater()
        self._set_inputs_enabled(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the release thread ends (closing the window, tests)."""
        thread = self._thread
        return thread.wait(msecs) if thread is not None else True

    def done(self, result: int) -> None:
        """Closing the dialog cancels a running release and waits for its cleanup."""
        if self.running:
            self.cancel()
            self.wait()
        super().done(result)
