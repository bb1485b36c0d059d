"""File → Import annotations…: boxes made with other tools, mapped before anything is written.

The person picks the format, the file (or folder), the page images and optionally a label
map and a document; "Read" parses the files (services.annotation_import.plan, nothing
written) and shows every foreign label with its count and the class it goes to, editable;
"Import" is enabled only when every label maps somewhere (or is left out on purpose), then
runs the import in a background thread with progress and a cancel button (a cancelled
import writes nothing), and shows the report. Both steps run in a QThread with their own
Project (one SQLite connection per thread); the window's project is told what changed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...importers.labels import LabelChoice
from ...importers.model import FORMATS
from ...services import annotation_import
from ...services.annotation_import import ImportOptions, ImportPlan, ImportReport
from ...services.project import Change, ChangeKind, Project
from ..session import Session

LEAVE_OUT = "(leave out)"
UNMAPPED = "(choose a class)"
FORMAT_NAMES = {
    "coco": "COCO (PubLayNet, DocLayNet, models)",
    "labelstudio": "Label Studio JSON",
    "cvat": "CVAT for images 1.1 XML",
    "labelme": "labelme JSON",
    "pawls": "PAWLS",
    "pagexml": "PAGE XML",
}


class AnnotationImportWorker(QObject):
    """Plans or runs one import in a QThread, with its own Project."""

    planned = Signal(object)  # ImportPlan
    finished = Signal(object)  # ImportReport
    progress = Signal(int, int, str)
    failed = Signal(str)

    def __init__(self, db_path: Path, user: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.user = user
        self.options: ImportOptions | None = None
        self.plan: ImportPlan | None = None
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @Slot()
    def do_plan(self) -> None:
        assert self.options is not None
        self._in_project(lambda p: self.planned.emit(annotation_import.plan(p, self.options)))

    @Slot()
    def do_run(self) -> None:
        assert self.plan is not None
        self._cancel = False
        self._in_project(
            lambda p: self.finished.emit(
                annotation_import.run(
                    p,
                    self.plan,
                    progress=lambda d, n, m: self.progress.emit(d, n, m),
                    cancelled=lambda: self._cancel,
                )
            )
        )

    def _in_project(self, job) -> None:  # noqa: ANN001 - a callable taking the Project
        try:
            # PyMuPDF (wrapping images, reading words) in a worker process: in this thread
            # it would hold the GIL and freeze the window
            project = Project(self.db_path, self.user, isolate_pdf=True)
        except Exception as exc:  # the database vanished: a message, not a traceback
            self.failed.emit(str(exc))
            return
        try:
            job(project)
        except Exception as exc:  # AalError and the unexpected: both end in a message
            self.failed.emit(str(exc))
        finally:
            project.close()


class AnnotationImportDialog(QDialog):
    """Pick, read, map, import, report; one dialog for the whole round."""

    imported = Signal(object)  # ImportReport, after the window's project was told
    _start_plan = Signal()  # queued to the worker's thread
    _start_run = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.session = session
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self._busy = False
        self._build()
        project = session.project
        self.thread_ = QThread(self)
        self.worker = AnnotationImportWorker(project.path, project.user)
        self.worker.moveToThread(self.thread_)
        self.worker.planned.connect(self._on_planned)
        self.worker.finished.connect(self._on_finished)
        self.worker.progress.connect(self._on_progress)
        self.worker.failed.connect(self._on_failed)
        self._start_plan.connect(self.worker.do_plan)
        self._start_run.connect(self.worker.do_run)
        self.thread_.start()
        self.resize(720, 560)

    # --- layout ----------------------------------------------------------------------------

    def _path_row(
        self, placeholder: str, folder: bool, file_filter: str = ""
    ) -> tuple[QWidget, QLineEdit]:
        row = QWidget()
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        browse = QPushButton("Browse…")

        def pick() -> None:
            if folder:
                path = QFileDialog.getExistingDirectory(self, placeholder)
            else:
                path, _ = QFileDialog.getOpenFileName(self, placeholder, "", file_filter)
            if path:
                edit.setText(path)

        browse.clicked.connect(pick)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit)
        lay.addWidget(browse)
        return row, edit

    def _build(self) -> None:
        self.format_box = QComboBox()
        for key in FORMATS:
            self.format_box.addItem(FORMAT_NAMES[key], key)
        file_row, self.path_edit = self._path_row(
            "Annotation file (or a folder of them)", False, "Annotations (*.json *.xml)"
        )
        images_row, self.images_edit = self._path_row("Folder of the page images (optional)", True)
        map_row, self.map_edit = self._path_row(
            "Label map, YAML (optional)", False, "Label map (*.yaml *.yml *.json)"
        )
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText("Document id or SHA-256 prefix (optional)")
        self.prelabels_box = QCheckBox(
            "Import as pending pre-labels (accept them like the layout model's)"
        )
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("Where the pages come from (optional)")
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("File", file_row)
        form.addRow("Page images", images_row)
        form.addRow("Label map", map_row)
        form.addRow("Document", self.doc_edit)
        form.addRow("Source", self.source_edit)
        form.addRow("", self.prelabels_box)
        self.read_button = QPushButton("Read")
        self.read_button.setToolTip("Read the file and show its labels; nothing is written")
        self.read_button.clicked.connect(self.read)
        self.status = QLabel(
            "Choose a file, then Read: its labels are shown before anything is written."
        )
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Label in the file", "Boxes", "Class here"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.result_text = QPlainTextEdit()
        self.result_text.setReadOnly(True)
        self.result_text.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setVisible(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.read_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.result_text, 1)
        layout.addWidget(self.buttons)

    # --- reading and mapping ---------------------------------------------------------------

    def options(self) -> ImportOptions:
        def path(edit: QLineEdit) -> Path | None:
            return Path(edit.text().strip()) if edit.text().strip() else None

        return ImportOptions(
            format=str(self.format_box.currentData()),
            path=path(self.path_edit) or Path(""),
            images=path(self.images_edit),
            map_path=path(self.map_edit),
            doc=self.doc_edit.text().strip() or None,
            as_prelabels=self.prelabels_box.isChecked(),
            source=self.source_edit.text().strip() or None,
        )

    @Slot()
    def read(self) -> None:
        if not self.path_edit.text().strip():
            self.status.setText("Choose the annotation file first.")
            return
        self._set_busy(True, "Reading…")
        self.worker.options = self.options()
        self._start_plan.emit()

    @Slot(object)
    def _on_planned(self, plan: ImportPlan) -> None:
        self._set_busy(False)
        self.plan = plan
        classes = [(c.key, c.name) for c in self.session.schema.classes if not c.deprecated]
        self.table.setRowCount(len(plan.labels))
        for row, choice in enumerate(plan.labels):
            self.table.setItem(row, 0, QTableWidgetItem(choice.label))
            count = QTableWidgetItem(str(choice.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, count)
            box = QComboBox()
            box.addItem(UNMAPPED, None)
            box.addItem(LEAVE_OUT, "")
            for key, name in classes:
                box.addItem(f"{name} ({key})", key)
            if choice.how == "left out":
                box.setCurrentIndex(1)
            elif choice.class_key is not None:
                box.setCurrentIndex(max(0, box.findData(choice.class_key)))
            box.currentIndexChanged.connect(self._mapping_changed)
            self.table.setCellWidget(row, 2, box)
        files = len(plan.files)
        self.status.setText(
            f"{plan.box_count} boxes in {files} file{'s' * (files != 1)}; "
            "check where each label goes, then Import."
        )
        self._mapping_changed()

    def combo(self, label: str) -> QComboBox:
        """The class chooser of one foreign label (tests drive it as a person would)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == label:
                widget = self.table.cellWidget(row, 2)
                assert isinstance(widget, QComboBox)
                return widget
        raise KeyError(label)

    def chosen(self) -> list[LabelChoice]:
        out = []
        assert self.plan is not None
        for row, choice in enumerate(self.plan.labels):
            box = self.table.cellWidget(row, 2)
            assert isinstance(box, QComboBox)
            data = box.currentData()
            if data is None:
                out.append(replace(choice, class_key=None, how=None))
            elif data == "":
                out.append(replace(choice, class_key=None, how="left out"))
            else:
                out.append(replace(choice, class_key=data, how="chosen"))
        return out

    @Slot()
    def _mapping_changed(self) -> None:
        if self.plan is None:
            return
        missing = [c.label for c in self.chosen() if c.how is None]
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None:
                item.setForeground(QColor("#b42318") if item.text() in missing else QColor())
        self.import_button.setEnabled(not missing and not self._busy)
        if missing:
            self.status.setText(
                f"{len(missing)} labels have no class yet: "
                f"{', '.join(missing)}. Choose one, or leave them out."
            )

    # --- importing -------------------------------------------------------------------------

    @Slot()
    def start_import(self) -> None:
        if self.plan is None:
            return
        self.worker.plan = replace(self.plan, labels=tuple(self.chosen()))
        self.progress_bar.setRange(0, max(1, self.plan.box_count))
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self._set_busy(True, "Importing…")
        self._start_run.emit()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)
        self.status.setText(message)

    @Slot(object)
    def _on_finished(self, report: ImportReport) -> None:
        self._set_busy(False)
        self.report = report
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.status.setText(report.lines()[0] + ".")
        self.result_text.setPlainText(
            "\n".join(report.lines() + [""] + [f"not carried over: {n}" for n in report.notes])
        )
        self.result_text.setVisible(True)
        self.import_button.setEnabled(False)
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
        project = self.session.project  # the worker's project had no listeners
        if report.documents_created:
            project.notify(Change(ChangeKind.document, tuple(report.documents_created)))
        if report.region_ids:
            project.notify(Change(ChangeKind.region, tuple(report.region_ids)))
        self.imported.emit(report)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        self.progress_bar.setVisible(False)
        self.status.setText(message)
        self._mapping_changed()

    def _set_busy(self, busy: bool, text: str | None = None) -> None:
        self._busy = busy
        self.read_button.setEnabled(not busy)
        self.import_button.setEnabled(False if busy else self.import_button.isEnabled())
        if text:
            self.status.setText(text)

    @Slot()
    def _cancel_or_close(self) -> None:
        if self._busy:
            self.worker.cancel()
            self.status.setText("Cancelling: nothing will be written…")
            return
        self.reject()

    def shutdown(self) -> None:
        """Stop the worker's thread (a running import is cancelled, so it writes nothing)."""
        if self.thread_.isRunning():
            self.worker.cancel()
            self.thread_.quit()
            self.thread_.wait()

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        self.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)


def open_annotation_import(
    session: Session, parent: QWidget | None = None
) -> AnnotationImportDialog:
    """File → Import annotations…: show the dialog (non-blocking) and return it."""
    dialog = AnnotationImportDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
