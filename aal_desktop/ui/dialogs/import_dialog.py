"""Import PDFs from the window: progress, cancel, and a summary naming every rejected file.

services.documents.import_paths checks each file in a worker process; waiting on it is
fine in a QThread (the GIL is released while waiting). The import is a ui.jobs Job: it
opens its own Project on the same database (one SQLite connection per thread), and the
window's project hears of the new documents when the job is done. Encrypted files are asked
for their password afterwards, one at a time (a wrong one asks again; Cancel skips the file).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import documents
from ...services.documents import ImportOutcome
from ..jobs import Job, JobContext
from ..session import Session

LOCKED = ("encrypted", "wrong_password")  # rejection kinds a password can cure


def import_work(
    paths: list[str], password: str | None = None
) -> Callable[[JobContext], list[ImportOutcome]]:
    """The job of one import: check and add each file, on the job's own connection."""

    def work(job: JobContext) -> list[ImportOutcome]:
        return documents.import_paths(
            job.project,
            paths,
            password=password,
            progress=lambda i, n, o: job.progress(i, n, str(o.path)),
            cancelled=job.cancelled,
        )

    return work


def summary_text(outcomes: list[ImportOutcome], cancelled: bool = False) -> str:
    """One sentence: what was imported, already there, and rejected."""
    imported = sum(o.status == "imported" for o in outcomes)
    present = sum(o.status == "present" for o in outcomes)
    rejected = sum(o.status == "rejected" for o in outcomes)
    parts = [f"{imported} imported"]
    if present:
        parts.append(f"{present} already present")
    parts.append(f"{rejected} rejected")
    text = ", ".join(parts) + "."
    if cancelled:
        text = "Import cancelled. " + text
    return text


class ImportSummaryDialog(QDialog):
    """Every file with its outcome; rejected files first, with the reason."""

    def __init__(
        self, outcomes: list[ImportOutcome], cancelled: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.outcomes = outcomes
        rejected = [o for o in outcomes if o.status == "rejected"]
        self.headline = QLabel(summary_text(outcomes, cancelled))
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.hint = QLabel(
            "Rejected files were not added; fix or replace them and import again."
            if rejected
            else "All files are in the project."
        )
        self.hint.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["File", "Result", "Details"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        style = self.style()
        icons = {
            "rejected": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "imported": style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            "present": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation),
        }
        order = {"rejected": 0, "imported": 1, "present": 2}
        for o in sorted(outcomes, key=lambda o: order.get(o.status, 3)):
            if o.status == "imported":
                details = f"document {o.document_id}, {o.pages} page{'s' if o.pages != 1 else ''}"
            elif o.status == "present":
                details = f"already document {o.document_id}"
            else:
                details = o.reason or "rejected"
            item = QTreeWidgetItem([o.path.name, o.status, details])
            item.setIcon(0, icons.get(o.status, icons["present"]))
            item.setToolTip(0, str(o.path))
            item.setToolTip(2, details)
            self.tree.addTopLevelItem(item)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def text(self) -> str:
        """Everything the dialog says, as plain text (tests, copying)."""
        lines = [self.headline.text()]
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            assert item is not None
            lines.append(f"{item.text(1)}: {item.text(0)}: {item.text(2)}")
        return "\n".join(lines)


class ImportRun(QObject):
    """One import started from the window: thread, progress dialog, then the summary."""

    finished = Signal(list)  # outcomes, after the summary is shown

    def __init__(
        self,
        session: Session,
        paths: list[str],
        parent: QWidget | None = None,
        show_summary: bool = True,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.paths = [str(p) for p in paths]
        self.parent_widget = parent
        self.show_summary = show_summary
        self.outcomes: list[ImportOutcome] | None = None
        self.summary: ImportSummaryDialog | None = None
        self.cancelled = False
        self.password_dialog: QInputDialog | None = None
        self._found: list[ImportOutcome] = []
        self._locked: list[int] = []  # indexes in _found of files waiting for a password
        self.job = Job(session.project, import_work(self.paths))
        self.job.progressed.connect(self._on_progress)
        self.job.succeeded.connect(self._on_finished)
        self.job.failed.connect(self._on_failed)
        self.progress = QProgressDialog("Checking files…", "Cancel", 0, 0, parent)
        self.progress.setWindowTitle("Importing PDFs")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)

    def start(self) -> ImportRun:
        self.job.start()
        return self

    @Slot()
    def cancel(self) -> None:
        self.cancelled = True
        self.job.cancel()  # stops after the file being checked now (those imported stay)
        self.progress.setLabelText("Cancelling after the current file…")

    def is_running(self) -> bool:
        return self.outcomes is None

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, path: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.progress.setLabelText(f"Checked {done} of {total}: {Path(path).name}")

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the import thread ends (closing the window)."""
        return self.job.wait(msecs)

    def _close_progress(self) -> None:
        self.progress.canceled.disconnect(self.cancel)  # closing it emits canceled
        self.progress.close()

    @Slot(object)
    def _on_finished(self, outcomes: list[ImportOutcome]) -> None:
        # the job replayed its "document" changes on the window's project already
        self._close_progress()
        self._found = list(outcomes)
        self._locked = [i for i, o in enumerate(outcomes) if o.kind in LOCKED]
        self._ask_password()

    def _ask_password(self, wrong: bool = False) -> None:
        """Ask for the next encrypted file's password (non-modal to the thread, modal to you)."""
        if self.cancelled or not self._locked:
            self._finish()
            return
        name = self._found[self._locked[0]].path.name
        dialog = QInputDialog(self.parent_widget)
        dialog.setWindowTitle("Password needed")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setLabelText(
            f"Wrong password for {name}. Try again (Cancel skips it):"
            if wrong
            else f"{name} is encrypted. Its password (Cancel skips it):"
        )
        dialog.setOkButtonText("Import")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self._try_password)
        dialog.rejected.connect(self._skip_locked)
        self.password_dialog = dialog
        dialog.open()

    @Slot(str)
    def _try_password(self, password: str) -> None:
        path = str(self._found[self._locked[0]].path)
        self.password_dialog = None
        self.job = Job(self.session.project, import_work([path], password))
        self.job.succeeded.connect(self._on_password_result)
        self.job.failed.connect(self._on_failed)
        self.job.start()

    @Slot(object)
    def _on_password_result(self, outcomes: list[ImportOutcome]) -> None:
        (outcome,) = outcomes
        if outcome.kind == "wrong_password":
            self._ask_password(wrong=True)
            return
        self._found[self._locked.pop(0)] = outcome
        self._ask_password()

    @Slot()
    def _skip_locked(self) -> None:
        if self.password_dialog is None:
            return  # closed after OK (the password is being tried)
        self.password_dialog = None
        i = self._locked.pop(0)
        self._found[i] = self._found[i]._replace(reason="encrypted: skipped (no password given)")
        self._ask_password()

    def _finish(self) -> None:
        outcomes = self._found
        self.outcomes = outcomes
        if self.show_summary:
            self.summary = ImportSummaryDialog(outcomes, self.cancelled, self.parent_widget)
            self.summary.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.summary.open()
        self.finished.emit(outcomes)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._close_progress()
        self.outcomes = []
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Import failed",
            f"The import stopped: {error}",
            QMessageBox.StandardButton.Ok,
            self.parent_widget,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.finished.emit([])


def import_paths_with_progress(
    session: Session, paths: list[str], parent: QWidget | None = None
) -> ImportRun:
    """Start importing `paths` (files or folders) in the background; returns the run."""
    return ImportRun(session, paths, parent).start()
