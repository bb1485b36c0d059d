"""Importing from the window: a background thread, then a summary naming rejected files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402

from aal_desktop.services import documents  # noqa: E402
from aal_desktop.ui.dialogs.import_dialog import (  # noqa: E402
    ImportRun,
    ImportSummaryDialog,
    import_paths_with_progress,
)
from aal_desktop.ui.main_window import MainWindow  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    good = make_pdf(tmp_path / "good.pdf", pages=2)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not really a PDF at all\n")
    return good, broken


def wait_done(qtbot, run: ImportRun) -> list:  # noqa: ANN001
    qtbot.waitUntil(lambda: not run.is_running(), timeout=60000)
    assert run.outcomes is not None
    return run.outcomes


def test_import_of_a_good_and_a_broken_file_summarises_the_rejection(
    qtbot, session, project, files
):
    good, broken = files
    changed = []
    session.documentsChanged.connect(lambda: changed.append(True))
    run = import_paths_with_progress(session, [str(good), str(broken)])
    outcomes = wait_done(qtbot, run)
    assert sorted(o.status for o in outcomes) == ["imported", "rejected"]
    (doc,) = documents.list_documents(project)
    assert doc.filename == "good.pdf" and doc.page_count == 2
    qtbot.waitUntil(lambda: bool(changed), timeout=5000)  # the window hears of it

    summary = run.summary
    assert isinstance(summary, ImportSummaryDialog) and summary.isVisible()
    text = summary.text()
    assert text.splitlines()[0] == "1 imported, 1 rejected."
    rejected = [line for line in text.splitlines() if line.startswith("rejected: ")]
    assert len(rejected) == 1 and "broken.pdf" in rejected[0]
    reason = next(o.reason for o in outcomes if o.status == "rejected")
    assert reason and reason in rejected[0]
    assert any(line.startswith("imported: good.pdf") for line in text.splitlines())
    summary.close()


def test_importing_again_reports_already_present(qtbot, session, files):
    good, _ = files
    wait_done(qtbot, import_paths_with_progress(session, [str(good)]))
    run = import_paths_with_progress(session, [str(good)])
    wait_done(qtbot, run)
    assert run.summary is not None
    assert run.summary.text().splitlines()[0] == "0 imported, 1 already present, 0 rejected."
    run.summary.close()


def test_cancel_stops_before_the_next_file(qtbot, session, project, tmp_path):
    paths = [str(make_pdf(tmp_path / f"f{i}.pdf")) for i in range(6)]
    run = ImportRun(session, paths, show_summary=False)
    run.cancel()  # asked before the first file: nothing is imported
    run.start()
    outcomes = wait_done(qtbot, run)
    assert outcomes == [] and documents.list_documents(project) == []


def test_dropping_pdfs_on_the_window_imports_them(qtbot, session, project, files, tmp_path):
    good, broken = files
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(good)),
            QUrl.fromLocalFile(str(broken)),
            QUrl.fromLocalFile(str(tmp_path / "notes.txt")),
        ]
    )
    # offscreen Qt has no drag manager to route a drop, so call the handlers it would call
    enter = QDragEnterEvent(
        QPoint(400, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(400, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert len(window.imports.runs) == 1
    run = window.imports.runs[0]
    assert run.paths == [str(good), str(broken)]  # the .txt is not offered to the import
    wait_done(qtbot, run)
    qtbot.waitUntil(lambda: window.doc is not None, timeout=10000)  # empty window opens it
    assert window.doc.filename == "good.pdf"
    assert run.summary is not None and "broken.pdf" in run.summary.text()
    run.summary.close()

    text_only = QMimeData()
    text_only.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    refused = QDragEnterEvent(
        QPoint(400, 300),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()
