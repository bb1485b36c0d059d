"""The main window driven as a person would: keys, mouse drags, clicks on panels."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QCheckBox, QComboBox  # noqa: E402

from aal_desktop.core.schema import AttributeDef, AttributeType, default_schema  # noqa: E402
from aal_desktop.services import documents, schemas  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import events as event_log  # noqa: E402
from aal_desktop.ui.app import first_run  # noqa: E402
from aal_desktop.ui.main_window import MainWindow  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402
from tests.ui.conftest import open_window  # noqa: E402

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def project(first_run_project: Project) -> Project:
    """The window tests start from a first-run project (the session opens it)."""
    return first_run_project


def drag(qtbot, window: MainWindow, a: tuple[float, float], b: tuple[float, float]) -> None:  # noqa: ANN001
    canvas = window.canvas
    vp = canvas.viewport()
    pa, pb = canvas.page_to_view(*a), canvas.page_to_view(*b)
    qtbot.mousePress(vp, LEFT, pos=pa)
    qtbot.mouseMove(vp, QPoint((pa.x() + pb.x()) // 2, (pa.y() + pb.y()) // 2))
    qtbot.mouseMove(vp, pb)
    qtbot.mouseRelease(vp, LEFT, pos=pb)


def region_events(project: Project) -> list:
    return event_log.list_events(project.db, event_log.EventFilter(kind="region."))


def test_fresh_project_opens_on_page_one_of_the_sample(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    assert window.doc is not None and window.doc.filename == "sample.pdf"
    assert window.canvas.current() == (window.doc.id, 0)
    assert window.canvas.is_ready()
    assert window.page_label.text().startswith("Page 1/2")
    assert window.user_label.text() == "lead1 (lead)"
    assert "v1" in window.schema_label.text()
    assert window.zoom_label.text().endswith("%")
    assert window.documents_panel.model.rowCount() == 1
    assert window.regions_panel.table.rowCount() == 0
    assert "sample.pdf" in window.windowTitle()


def test_page_down_shows_page_two_and_ctrl_page_down_the_next_document(
    qtbot, session, settings, tmp_path
):
    window = open_window(qtbot, session, settings)
    doc = window.doc
    assert doc is not None
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000) as blocker:
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown)
    assert blocker.args == [doc.id, 1]
    assert window.page_label.text().startswith("Page 2/2")
    qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown)  # last page: stays
    assert window.canvas.current() == (doc.id, 1)
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000) as blocker:
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageUp)
    assert blocker.args == [doc.id, 0]

    (other,) = documents.import_paths(session.project, [make_pdf(tmp_path / "b.pdf", pages=3)])
    qtbot.waitUntil(lambda: window.documents_panel.model.rowCount() == 2, timeout=5000)
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000) as blocker:
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [other.document_id, 0]
    assert window.page_label.text().startswith("Page 1/3")
    assert window.thumbnails.count() == 3
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000) as blocker:
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [doc.id, 0]


def test_keyboard_labelling_class_hotkey_then_drag_adds_a_region_everywhere(
    qtbot, session, settings
):
    window = open_window(qtbot, session, settings)
    project = session.project
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)  # "b" = Table in the default schema
    assert window.canvas.current_class() == "table"
    assert window.palette_panel.current() == "table"
    assert "Table" in window.class_label.text()

    drag(qtbot, window, (80, 400), (300, 520))
    (region,) = region_service.list_regions(project, window.doc.id, 0)
    assert region.class_key == "table"
    (event,) = region_events(project)
    assert event.kind == "region.create" and event.region_id == region.id
    qtbot.waitUntil(lambda: window.regions_panel.row_ids() == [region.id], timeout=5000)
    assert window.regions_panel.table.item(0, 0).text() == "Table"
    qtbot.waitUntil(lambda: window.palette_panel.counts()["table"] == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.documents_panel.model.index(0, 3).data() == 1, timeout=5000)
    assert window.regions_panel.selected_ids() == [region.id]  # the new box is selected

    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert region_service.list_regions(project, window.doc.id, 0) == []
    qtbot.waitUntil(lambda: window.regions_panel.row_ids() == [], timeout=5000)
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [r.id for r in region_service.list_regions(project, window.doc.id, 0)] == [region.id]
    assert [e.kind for e in region_events(project)] == [
        "region.create",
        "region.delete",
        "region.restore",
    ]


def test_selection_is_kept_in_step_between_regions_panel_and_canvas(qtbot, session, settings):
    project = session.project
    (doc,) = documents.list_documents(project)
    a = region_service.add_region(project, doc.id, 0, (72, 60, 540, 120), "title").id
    b = region_service.add_region(project, doc.id, 0, (72, 200, 300, 400), "text").id
    window = open_window(qtbot, session, settings)
    table = window.regions_panel.table
    assert set(window.regions_panel.row_ids()) == {a, b}

    row = window.regions_panel.row_ids().index(b)
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    assert window.canvas.selected_ids() == [b]
    assert window.attributes.region is not None and window.attributes.region.id == b

    window.canvas.select_regions([a])  # as a click on the canvas would
    assert window.regions_panel.selected_ids() == [a]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.regions_panel.selected_ids() == []
    assert window.attributes.region is None


def with_attributes() -> object:
    schema = default_schema()
    classes = []
    for c in schema.classes:
        if c.key == "table":
            c = c.model_copy(
                update={
                    "attributes": [
                        AttributeDef(
                            key="bordered", type=AttributeType.bool, description="Has ruled borders"
                        ),
                        AttributeDef(
                            key="kind", type=AttributeType.enum, options=["data", "layout"]
                        ),
                    ]
                }
            )
        classes.append(c)
    return schema.model_copy(update={"classes": classes})


def test_attribute_edit_in_the_editor_is_stored_with_an_event_and_undoable(
    qtbot, session, settings
):
    project = session.project
    schemas.add_draft(project, with_attributes(), reason="table attributes")
    schemas.publish(project)
    qtbot.waitUntil(lambda: session.schema.version == 2, timeout=5000)
    (doc,) = documents.list_documents(project)
    rid = region_service.add_region(project, doc.id, 0, (80, 400, 300, 520), "table").id
    window = open_window(qtbot, session, settings)
    window.canvas.select_regions([rid])
    editor = window.attributes
    assert set(editor.fields) == {"bordered", "kind"}
    box = editor.fields["bordered"]
    assert isinstance(box, QCheckBox) and not box.isChecked()

    qtbot.mouseClick(
        box, LEFT, pos=QPoint(box.width() // 2 if box.width() < 20 else 8, box.height() // 2)
    )
    assert region_service.get(project, rid).attrs == {"bordered": True}
    last = region_events(project)[-1]
    assert last.kind == "region.set" and last.region_id == rid
    assert last.new["attrs"] == {"bordered": True}

    combo = editor.fields["kind"]
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "—" -> "data"
    qtbot.waitUntil(
        lambda: region_service.get(project, rid).attrs.get("kind") == "data", timeout=5000
    )

    session.undo_stack.undo()
    assert region_service.get(project, rid).attrs == {"bordered": True}
    qtbot.waitUntil(lambda: editor.fields["kind"].currentData() is None, timeout=5000)


def test_annotator_does_not_see_approve_or_reject_and_can_submit(qtbot, tmp_path, settings):
    path = tmp_path / "team" / "aal.sqlite3"
    with Project(path, user="lead1") as lead:
        first_run(lead)
    project = Project(path, user="ann1", isolate_pdf=True)
    assert not project.is_lead
    session = Session(project)
    try:
        window = open_window(qtbot, session, settings)
        assert window.user_label.text() == "ann1 (annotator)"
        assert not window.action("approve").isVisible()
        assert not window.action("reject").isVisible()
        assert not window.action("assign").isVisible()
        assert window.action("submit").isVisible() and window.action("submit").isEnabled()
        if "review_view" in window.dialog_actions:
            assert not window.dialog_actions["review_view"].isVisible()

        window.action("submit").trigger()
        assert documents.resolve(project, window.doc.id).status == "submitted"
        qtbot.waitUntil(lambda: "submitted" in window.page_label.text(), timeout=5000)

        window.action("approve").trigger()  # even if reached somehow: the service refuses
        assert documents.resolve(project, window.doc.id).status == "submitted"
        assert "only a lead" in window.statusBar().currentMessage()

        window.workflow.set_user("lead1")
        assert window.action("approve").isVisible() and window.action("reject").isVisible()
        window.action("approve").trigger()
        assert documents.resolve(project, window.doc.id).status == "approved"
    finally:
        session.close()


def test_docks_and_geometry_are_remembered(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    window.docks["pages"].hide()
    window.resize(760, 700)  # within the offscreen screen: restoreGeometry clamps to it
    window.close()
    settings.sync()
    again = MainWindow(session, settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert not again.docks["pages"].isVisible()
    assert again.docks["documents"].isVisible()
    assert (again.size().width(), again.size().height()) == (760, 700)
    assert str(Path(session.project.path).resolve()) in settings.value("recent_projects")


def test_menus_for_other_dialogs_appear_only_when_their_module_exists(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    for module in (
        "schema_editor",
        "review_view",
        "audit_view",
        "history_dialog",
        "versions_view",
        "prelabel_dialog",
        "agreement_view",
        "models_view",
    ):
        exists = importlib.util.find_spec(f"aal_desktop.ui.{module}") is not None
        assert (module in window.dialog_actions) == exists, module
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:5] == ["&File", "&Edit", "&View", "&Go", "&Document"]
    if "audit_view" in window.dialog_actions:
        window.dialog_actions["audit_view"].trigger()
        assert any(type(d).__name__ == "AuditDialog" for d in window.dialogs.shown)


def test_edit_view_and_go_menus_act_on_the_canvas(qtbot, session, settings):
    project = session.project
    window = open_window(qtbot, session, settings)
    doc = window.doc
    assert doc is not None
    a = region_service.add_region(project, doc.id, 0, (72, 60, 540, 120), "title").id
    b = region_service.add_region(project, doc.id, 0, (72, 200, 300, 400), "text").id
    qtbot.waitUntil(lambda: len(window.regions_panel.row_ids()) == 2, timeout=5000)

    window.action("select_all").trigger()
    assert set(window.canvas.selected_ids()) == {a, b}
    assert set(window.regions_panel.selected_ids()) == {a, b}
    window.action("copy").trigger()
    window.action("paste").trigger()
    assert len(region_service.list_regions(project, doc.id, 0)) == 4
    window.action("delete").trigger()  # the pasted pair is selected: delete it
    assert {r.id for r in region_service.list_regions(project, doc.id, 0)} == {a, b}

    assert not window.canvas.snap_enabled()
    qtbot.keyClick(window.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.snap_enabled() and window.action("snap").isChecked()
    zoom = window.canvas.zoom()
    window.action("zoom_in").trigger()
    assert window.canvas.zoom() > zoom
    assert window.zoom_label.text() == f"{window.canvas.zoom() * 100:.0f}%"
    window.action("fit_page").trigger()
    assert window.canvas.zoom() == pytest.approx(zoom)

    vp = window.canvas.viewport()
    qtbot.mouseMove(vp, window.canvas.page_to_view(100, 200))
    x, y = (float(v) for v in window.cursor_label.text().replace("pt", "").split()[1::2])
    assert (x, y) == (pytest.approx(100, abs=2), pytest.approx(200, abs=2))

    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        window.action("last_page").trigger()
    assert window.canvas.current() == (doc.id, 1)
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        window.action("first_page").trigger()
    assert window.canvas.current() == (doc.id, 0)


def test_open_project_reopens_the_window_on_another_database(qtbot, session, settings, tmp_path):
    from aal_desktop.ui.app import App

    app = App(settings, "lead1")
    window = app.start(session.project)
    qtbot.addWidget(window)
    other = tmp_path / "other" / "aal.sqlite3"
    window.request_project(str(other))
    assert app.window is not window and app.window is not None
    qtbot.addWidget(app.window)
    assert app.session is not None and app.session.project.path == other
    assert [d.filename for d in documents.list_documents(app.session.project)] == ["sample.pdf"]
    assert app.window.doc is not None and app.window.doc.filename == "sample.pdf"
    recent = settings.value("recent_projects")
    assert recent[0] == str(other.resolve())
    assert str(session.project.path.resolve()) in recent
    app.close()
