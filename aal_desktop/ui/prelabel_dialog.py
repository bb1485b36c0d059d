"""Pre-label the current page, document or a selection of documents, with progress and cancel.

The layout model runs in a worker PROCESS owned by this dialog (kept warm across runs);
a ui.jobs Job only waits on it and writes the regions through services.prelabel on its own
project connection (the dialog is non-modal: the window keeps using its own), so the
window never freezes. Cancel stops after the current page, or at once: the worker process
is aborted and the page it was on is left out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..pdf.worker import WorkerProcess
from ..services import documents, prelabel
from .dialog_fit import grow_to_fit
from .jobs import Job, JobContext, run_job
from .session import Session

PrelabelJob = list[tuple[int, list[int] | None]]  # (document id, pages or None for all)


def prelabel_work(
    jobs: PrelabelJob, totals: list[int], min_confidence: float, worker: WorkerProcess
) -> Callable[[JobContext], list[prelabel.PrelabelReport]]:
    """The job of one run: the service document by document, on the job's own connection
    (never the window's: the dialog is non-modal and the window keeps working)."""

    def work(job: JobContext) -> list[prelabel.PrelabelReport]:
        reports: list[prelabel.PrelabelReport] = []
        done_before = 0
        total = sum(totals)
        try:
            for (doc, pages), n in zip(jobs, totals, strict=True):
                if job.cancelled():
                    break

                def step(done: int, _total: int, message: str, base: int = done_before) -> None:
                    job.progress(base + done, total, message)

                reports.append(
                    prelabel.prelabel(
                        job.project,
                        doc,
                        pages,
                        min_confidence,
                        progress=step,
                        cancelled=job.cancelled,
                        worker=worker,
                    )
                )
                done_before += n
        except Exception as exc:  # shown in the dialog; the regions written so far stay
            raise PrelabelFailed(reports, str(exc)) from exc
        return reports

    return work


class PrelabelFailed(Exception):
    """A run stopped by an error: the reports of the documents done before it."""

    def __init__(self, reports: list[prelabel.PrelabelReport], message: str) -> None:
        super().__init__(message)
        self.reports = reports


class PrelabelDialog(QDialog):
    """Run the layout model over pages and say what it created, skipped and could not map."""

    runFinished = Signal()

    def __init__(
        self,
        session: Session,
        document_ids: list[int],
        pages: list[int] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.document_ids = list(document_ids)
        self.pages = pages
        self.reports: list[prelabel.PrelabelReport] = []
        self.error = ""
        self._worker = WorkerProcess("aal-layout-model")
        self._job: Job | None = None
        self._cancel_requested = False
        self.setWindowTitle("Pre-label with the layout model")

        self.scope = QLabel(self._scope_text())
        self.min_confidence = QDoubleSpinBox()
        self.min_confidence.setRange(0.0, 1.0)
        self.min_confidence.setSingleStep(0.05)
        self.min_confidence.setDecimals(2)
        self.min_confidence.setValue(0.5)
        self.min_confidence.setToolTip("Detections less confident than this are not created")
        form = QFormLayout()
        form.addRow("Pages:", self.scope)
        form.addRow("Minimum confidence:", self.min_confidence)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status = QLabel("Pre-labels appear dashed until someone accepts or edits them.")
        self.status.setWordWrap(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def _scope_text(self) -> str:
        if len(self.document_ids) != 1:
            return f"all pages of {len(self.document_ids)} documents"
        doc = documents.resolve(self.session.project, self.document_ids[0])
        if self.pages is None:
            return f"all {doc.page_count} pages of {doc.filename}"
        shown = ", ".join(str(p + 1) for p in self.pages)
        return f"page{'s' if len(self.pages) > 1 else ''} {shown} of {doc.filename}"

    def is_running(self) -> bool:
        return self._job is not None

    @Slot()
    def start(self) -> None:
        if self._job is not None or not self.document_ids:
            return
        jobs: list[tuple[int, list[int] | None]] = [
            (d, self.pages if len(self.document_ids) == 1 else None) for d in self.document_ids
        ]
        self.reports, self.error = [], ""
        self._cancel_requested = False
        self.summary.setText("")
        project = self.session.project
        totals = [
            len(p) if p is not None else documents.resolve(project, d).page_count for d, p in jobs
        ]
        work = prelabel_work(jobs, totals, self.min_confidence.value(), self._worker)
        self.bar.setRange(0, max(1, sum(totals)))
        self.bar.setValue(0)
        self.status.setText("Loading the layout model…")
        self.run_button.setEnabled(False)
        self.min_confidence.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._job = run_job(
            project,
            work,
            lambda reports: self._on_finished(reports, ""),
            self._on_failed,
            on_progress=self._on_progress,
            on_cancel=self._worker.abort,
        )

    @Slot()
    def cancel(self) -> None:
        """Stop now: the page in progress is abandoned (its worker process is killed)."""
        if self._job is None:
            return
        self._cancel_requested = True
        self._job.cancel()  # also aborts the worker process
        self.status.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.bar.setValue(done)
        if message != "done":
            self.status.setText(f"Pre-labelling {message} ({done + 1} of {total})")
            grow_to_fit(self)

    def _on_failed(self, error: BaseException) -> None:
        reports = error.reports if isinstance(error, PrelabelFailed) else []
        self._on_finished(reports, str(error))

    def _on_finished(self, reports: list[prelabel.PrelabelReport], error: str) -> None:
        self._job = None
        self.reports, self.error = reports, error
        cancelled = self._cancel_requested or any(r.cancelled for r in reports)
        self.bar.setValue(self.bar.maximum() if not cancelled and not error else self.bar.value())
        self.status.setText(
            "Cancelled." if cancelled else ("Failed: " + error if error else "Done.")
        )
        self.summary.setText(summary_text(reports))
        grow_to_fit(self)
        self.run_button.setEnabled(True)
        self.min_confidence.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.runFinished.emit()

    def done(self, result: int) -> None:  # Close / Escape / accept
        job = self._job
        if job is not None:
            self.cancel()
            job.wait(30000)
        self._worker.close()
        super().done(result)


def summary_text(reports: list[prelabel.PrelabelReport]) -> str:
    """What a person needs after a run: created (by class), skipped, unmapped, failures."""
    if not reports:
        return "Nothing was pre-labelled."
    created = sum(r.created for r in reports)
    by_class: dict[str, int] = {}
    unmapped: dict[str, int] = {}
    for r in reports:
        for k, n in r.created_by_class.items():
            by_class[k] = by_class.get(k, 0) + n
        for k, n in r.unmapped.items():
            unmapped[k] = unmapped.get(k, 0) + n
    pages = sum(len(r.pages_done) for r in reports)
    lines = [
        f"{created} regions created on {pages} page{'s' if pages != 1 else ''} "
        f"({reports[0].model_name} {reports[0].model_version})."
    ]
    if by_class:
        lines.append("By class: " + ", ".join(f"{k} {n}" for k, n in sorted(by_class.items())))
    lines.append(
        f"Skipped: {sum(r.skipped_duplicates for r in reports)} already labelled, "
        f"{sum(r.below_threshold for r in reports)} below the minimum confidence."
    )
    if unmapped:
        lines.append(
            "Model classes the schema does not map (skipped): "
            + ", ".join(f"{k} {n}" for k, n in sorted(unmapped.items()))
        )
    failed = [(r.document_id, p, why) for r in reports for p, why in r.failed_pages.items()]
    for doc, page, why in failed:
        lines.append(f"Document {doc} page {page + 1} failed: {why}")
    return "\n".join(lines)
