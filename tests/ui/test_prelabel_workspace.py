"""Pre-labels in the window (issue 7): run them for a page, a document or a selection, and
accept them from the keyboard as one undo step each."""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QInputDialog, QWidget  # noqa: E402

from aal_desktop.services import documents  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import events as event_log  # noqa: E402
from aal_desktop.ui import prelabel_dialog  # noqa: E402
from aal_desktop.ui.main_window import MainWindow  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402
from tests.ui.conftest import open_window  # noqa: E402

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def project(first_run_project: Project) -> Project:
    """The window tests start from a first-run project (the session opens it)."""
    return first_run_project


def prelabel(project: Project, doc_id: int, page: int, y: float, confidence: float) -> str:
    r = region_service.add_region(
        project,
        doc_id,
        page,
        (72, y, 300, y + 40),
        "text",
        origin="model",
        model_name="m",
        model_version="1",
        confidence=confidence,
    )
    assert r.prelabel_state == "pending"
    return r.id


def state(project: Project, rid: str) -> str | None:
    return region_service.get(project, rid).prelabel_state


def answer_threshold(monkeypatch: pytest.MonkeyPatch, value: float, asked: list) -> None:
    def fake(parent: QWidget, title: str, label: str, default: float, *args: Any) -> tuple:
        asked.append(default)
        return value, True

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(fake))


def test_accept_above_threshold_then_page_each_one_undo_step(qtbot, session, settings, monkeypatch):
    project = session.project
    window = open_window(qtbot, session, settings)
    doc = window.doc
    assert doc is not None
    sure = prelabel(project, doc.id, 0, 100, 0.9)
    unsure = prelabel(project, doc.id, 0, 200, 0.6)
    other_page = prelabel(project, doc.id, 1, 100, 0.6)
    assert window.action("accept_page").isEnabled() and window.action("accept_above").isEnabled()

    asked: list[float] = []
    answer_threshold(monkeypatch, 0.75, asked)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL | SHIFT)
    assert asked == [0.8]  # the default the first time
    assert state(project, sure) == "accepted"
    assert state(project, unsure) == "pending" and state(project, other_page) == "pending"
    assert "Accepted 1 pre-label " in window.statusBar().currentMessage()
    assert session.undo_stack.count() == 1
    assert float(settings.value("prelabel/accept_threshold")) == 0.75

    before = event_log.count(project.db, event_log.EventFilter(region_id=sure))
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert state(project, sure) == "pending"
    assert event_log.count(project.db, event_log.EventFilter(region_id=sure)) == before + 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL | SHIFT)  # redo
    assert state(project, sure) == "accepted"

    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL)
    assert state(project, unsure) == "accepted"
    assert state(project, other_page) == "pending"  # only this page
    assert "Accepted 1 pre-label on page 1" in window.statusBar().currentMessage()
    assert session.undo_stack.count() == 2

    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL)
    assert "No pending pre-labels on page 1" in window.statusBar().currentMessage()
    assert session.undo_stack.count() == 2

    answer_threshold(monkeypatch, 0.5, asked)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL | SHIFT)
    assert asked[-1] == 0.75  # remembered
    assert state(project, other_page) == "accepted"  # the whole document
    assert session.undo_stack.count() == 3


def test_prelabel_menu_actions_open_the_dialog_with_their_scope(
    qtbot, session, settings, monkeypatch, tmp_path
):
    project = session.project
    window = open_window(qtbot, session, settings)
    doc = window.doc
    assert doc is not None
    (other,) = documents.import_paths(project, [make_pdf(tmp_path / "b.pdf", pages=3)])
    qtbot.waitUntil(lambda: window.documents_panel.model.rowCount() == 2, timeout=5000)

    calls: list[tuple[list[int], list[int] | None]] = []

    class Recorder(QWidget):
        def __init__(
            self,
            session: Session,
            document_ids: list[int],
            pages: list[int] | None,
            parent: QWidget | None = None,
        ) -> None:
            super().__init__(parent)
            calls.append((list(document_ids), pages))

    monkeypatch.setattr(prelabel_dialog, "PrelabelDialog", Recorder)
    actions = window.prelabel_actions
    assert set(actions) == {"page", "document", "selected"}

    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown)
    actions["page"].trigger()
    assert calls[-1] == ([doc.id], [1])
    actions["document"].trigger()
    assert calls[-1] == ([doc.id], None)

    table = window.documents_panel.table
    selection = table.selectionModel()
    selection.clearSelection()
    actions["selected"].trigger()  # nothing selected: no dialog, a message
    assert len(calls) == 2
    assert "Select documents" in window.statusBar().currentMessage()
    vp = table.viewport()
    qtbot.mouseClick(
        vp, Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(0, 0)).center()
    )
    qtbot.mouseClick(
        vp, Qt.MouseButton.LeftButton, CTRL, table.visualRect(table.model().index(1, 0)).center()
    )
    assert len(selection.selectedRows(0)) == 2
    actions["selected"].trigger()
    assert sorted(calls[-1][0]) == sorted([doc.id, other.document_id])
    assert calls[-1][1] is None


def test_accept_actions_disabled_without_a_document(qtbot, tmp_path, settings):
    project = Project(tmp_path / "empty" / "aal.sqlite3", user="lead1", isolate_pdf=True)
    session = Session(project)
    try:
        window = MainWindow(session, settings)
        qtbot.addWidget(window)
        assert not window.open_initial()
        assert not window.action("accept_page").isEnabled()
        assert not window.action("accept_above").isEnabled()
        assert not window.prelabel_actions.get("page", window.action("accept_page")).isEnabled()
    finally:
        session.close()
