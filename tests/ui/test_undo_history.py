"""The window's undo reads the project's history: labels from services/history, one read
of nothing per drawn box (the canvas skips its own echo), refused undos change nothing."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from aal_desktop.services import history, users
from aal_desktop.services import regions as region_service
from aal_desktop.services.project import Project
from aal_desktop.store import regions as region_rows

from .test_page_canvas import drag, open_canvas, region_center, view_point, wait_drawn


def test_drawing_a_box_reads_no_page_of_regions_in_the_canvas(
    qtbot, session, project, doc_id, monkeypatch
):
    canvas = open_canvas(qtbot, session, doc_id)
    reads: list[tuple] = []
    real = region_rows.list_regions
    monkeypatch.setattr(
        region_rows, "list_regions", lambda *a, **k: reads.append(a[1:3]) or real(*a, **k)
    )
    echoes: list[object] = []
    session.regionsEdited.connect(lambda change: echoes.append(change.initiator))
    drag(qtbot, canvas, view_point(canvas, 100, 300), view_point(canvas, 250, 400))
    (rid,) = [r.id for r in region_service.list_regions(project, doc_id, 0)]
    reads.clear()  # the test's own read above
    qtbot.waitUntil(lambda: echoes == [canvas], timeout=5000)  # the echo came, with initiator
    qtbot.wait(50)
    assert reads == []  # the canvas drew the box from what the service returned
    item = canvas.region_item(rid)
    assert item is not None and canvas.selected_ids() == [rid]


def test_undo_menu_labels_are_the_services_step_labels(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "picture").id
    canvas = open_canvas(qtbot, session, doc_id)
    start = region_center(canvas, rid)
    drag(qtbot, canvas, start, start + QPoint(60, 40))
    step = history.next_undo(project)
    assert step is not None and step.label == "Move region"
    assert session.undo_stack.undoText() == "Move region"
    action = session.undo_stack.createUndoAction(canvas, "Undo")
    assert action.text() == "Undo Move region"
    session.undo_stack.undo()
    assert region_service.get(project, rid).box == (100, 300, 300, 400)
    assert history.next_redo(project).label == "Move region"  # type: ignore[union-attr]
    wait_drawn(qtbot, canvas, rid, lambda it: it.region.box == (100, 300, 300, 400))


def test_window_undo_never_loses_another_users_edit(qtbot, session, project, doc_id):
    """Issue 19.2 as amy lives it: she moves a box, bob relabels it from the CLI, Ctrl+Z."""
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "picture").id
    canvas = open_canvas(qtbot, session, doc_id)
    start = region_center(canvas, rid)
    drag(qtbot, canvas, start, start + QPoint(60, 40))
    moved = region_service.get(project, rid)
    users.add_user(project, "bob", "lead")
    bob = Project(project.path, user="bob")
    try:
        region_service.relabel(bob, rid, "table")
    finally:
        bob.close()
    failures: list[str] = []
    session.commandFailed.connect(failures.append)
    session.undo_stack.undo()
    assert region_service.get(project, rid).class_key == "table"
    assert region_service.get(project, rid).box == moved.box
    assert len(failures) == 1 and "relabelled by bob" in failures[0]
    assert "nothing undone" in failures[0]
    assert session.undo_stack.count() == 0  # the refused step left the stack


def test_a_step_is_written_and_taken_back_under_the_wait_cursor(qtbot, session, project, doc_id):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from aal_desktop.ui import undo

    def shape() -> Qt.CursorShape | None:
        cursor = QGuiApplication.overrideCursor()
        return None if cursor is None else cursor.shape()

    seen = []

    def add() -> list[region_service.Edit]:
        seen.append(shape())
        return region_service.add_many(project, doc_id, 0, [((10, 10, 50, 50), "text", {})])

    undo.perform(session, undo.ServiceCommand(session, "Add one", add))
    assert seen == [Qt.CursorShape.WaitCursor]
    assert shape() is None  # restored
    session.undo_stack.undo()
    assert shape() is None
    assert region_service.list_regions(project, doc_id, 0) == []
