"""Dock panels on their own: documents, labels palette, regions, attributes, thumbnails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit, QToolButton  # noqa: E402

from aal_desktop.core.schema import AttributeDef, AttributeType, default_schema  # noqa: E402
from aal_desktop.services import documents, schemas, users  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import events as event_log  # noqa: E402
from aal_desktop.ui.panels.attributes_editor import AttributesEditor  # noqa: E402
from aal_desktop.ui.panels.documents_panel import DocumentsPanel  # noqa: E402
from aal_desktop.ui.panels.labels_palette import GuidelineDialog, LabelsPalette  # noqa: E402
from aal_desktop.ui.panels.regions_panel import RegionsPanel  # noqa: E402
from aal_desktop.ui.panels.thumbnails import ThumbnailStrip  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def two_docs(project: Project, tmp_path: Path) -> tuple[int, int]:
    a = documents.import_paths(project, [make_pdf(tmp_path / "alpha report.pdf", pages=2)])[0]
    b = documents.import_paths(project, [make_pdf(tmp_path / "beta.pdf", pages=4)])[0]
    assert a.document_id is not None and b.document_id is not None
    return a.document_id, b.document_id


def shown(widget, qtbot):  # noqa: ANN001, ANN201
    qtbot.addWidget(widget)
    widget.resize(420, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_documents_panel_lists_filters_searches_and_opens(qtbot, session, project, two_docs):
    a, b = two_docs
    region_service.add_region(project, a, 0, (72, 80, 300, 120), "text")  # a: in progress
    users.add_user(project, "ann1", "annotator")
    documents.assign(project, b, ["ann1"])
    panel = shown(DocumentsPanel(session), qtbot)
    qtbot.waitUntil(lambda: panel.model.index(0, 3).data() == 1, timeout=5000)
    assert [panel.model.index(r, 0).data() for r in range(2)] == ["alpha report.pdf", "beta.pdf"]
    assert [panel.model.index(r, 2).data() for r in range(2)] == [2, 4]
    assert panel.model.index(0, 1).data() == "in progress"

    qtbot.keyClicks(panel.search, "BETA")
    assert panel.visible_ids() == [b]
    panel.search.clear()
    panel.set_status_filter("in_progress")
    assert panel.visible_ids() == [a]
    panel.set_status_filter("")
    qtbot.waitUntil(lambda: panel.assignee_filter.findData("ann1") >= 0, timeout=5000)
    panel.set_assignee_filter("ann1")
    assert panel.visible_ids() == [b]
    panel.set_assignee_filter("")

    with qtbot.waitSignal(panel.documentActivated) as opened:
        panel.table.setFocus()
        panel.table.setCurrentIndex(panel.proxy.index(1, 0))
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [b]
    rect = panel.table.visualRect(panel.proxy.index(0, 0))
    with qtbot.waitSignal(panel.documentActivated) as opened:
        qtbot.mouseClick(panel.table.viewport(), LEFT, pos=rect.center())  # a real double
        qtbot.mouseDClick(panel.table.viewport(), LEFT, pos=rect.center())  # click: press first
    assert opened.args == [a]


def test_labels_palette_picks_a_class_counts_it_and_shows_its_guideline(
    qtbot, session, project, two_docs
):
    a, _ = two_docs
    palette = shown(LabelsPalette(session), qtbot)
    palette.set_document(a)
    assert palette.tree.topLevelItemCount() == len(default_schema().classes)
    table_item = palette.item_for("table")
    assert table_item is not None and table_item.text(1) == "B"
    assert "A table, including its header rows." in table_item.toolTip(0)

    rect = palette.tree.visualItemRect(table_item)
    with qtbot.waitSignal(palette.classChosen) as chosen:
        qtbot.mouseClick(palette.tree.viewport(), LEFT, pos=rect.center())
    assert chosen.args == ["table"]

    region_service.add_region(project, a, 0, (72, 80, 300, 120), "table")
    region_service.add_region(project, a, 1, (72, 80, 300, 120), "table")
    qtbot.waitUntil(lambda: palette.counts()["table"] == 2, timeout=5000)
    assert palette.counts()["text"] == 0

    button = palette.tree.itemWidget(table_item, 3)
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, LEFT)
    dialogs = [w for w in palette.findChildren(GuidelineDialog)]
    assert dialogs and "A table, including its header rows." in dialogs[-1].browser.toPlainText()
    assert "DocLayNet" in dialogs[-1].browser.toPlainText()  # the schema's guideline


def test_regions_panel_shows_class_text_and_origin(qtbot, session, project, two_docs):
    a, _ = two_docs
    human = region_service.add_region(project, a, 0, (60, 80, 200, 110), "text")
    model = region_service.add_region(
        project,
        a,
        0,
        (60, 120, 200, 150),
        "section_header",
        origin="model",
        model_name="docl",
        model_version="1.0",
        confidence=0.87,
    )
    panel = shown(RegionsPanel(session), qtbot)
    panel.set_page(a, 0)
    assert panel.row_ids() == [human.id, model.id]  # top to bottom
    assert panel.table.item(0, 0).text() == "Text"
    assert "Hello world" in panel.table.item(0, 1).text()
    assert panel.table.item(0, 2).text() == "human"
    assert "lead1" in panel.table.item(0, 2).toolTip()
    assert panel.table.item(1, 0).text() == "Section-header"
    assert panel.table.item(1, 2).text() == "model docl 1.0 · 0.87 · pending"

    with qtbot.waitSignal(panel.selectionChangedIds) as picked:
        rect = panel.table.visualItemRect(panel.table.item(1, 1))
        qtbot.mouseClick(panel.table.viewport(), LEFT, pos=rect.center())
    assert picked.args == [[model.id]]

    region_service.delete(project, human.id)
    qtbot.waitUntil(lambda: panel.row_ids() == [model.id], timeout=5000)
    assert panel.summary.text() == "1 region on this page"

    # in a dock as narrow as the window's, the text under the box still has room
    panel.resize(300, 500)
    qtbot.waitUntil(lambda: panel.table.viewport().width() < 300, timeout=5000)
    assert panel.table.columnWidth(1) >= 60
    assert panel.table.columnWidth(0) >= panel.table.fontMetrics().horizontalAdvance("Title")


def test_attributes_editor_number_and_text_fields_store_values(qtbot, session, project, two_docs):
    a, _ = two_docs
    schema = default_schema()
    classes = [
        c.model_copy(
            update={
                "attributes": [
                    AttributeDef(key="columns", type=AttributeType.number),
                    AttributeDef(key="note", type=AttributeType.text),
                ]
            }
        )
        if c.key == "table"
        else c
        for c in schema.classes
    ]
    schemas.add_draft(project, schema.model_copy(update={"classes": classes}))
    schemas.publish(project)
    qtbot.waitUntil(lambda: session.schema.version == 2, timeout=5000)
    rid = region_service.add_region(project, a, 0, (60, 80, 300, 200), "table").id
    editor = shown(AttributesEditor(session), qtbot)
    editor.set_regions([rid])
    spin, line = editor.fields["columns"], editor.fields["note"]
    assert isinstance(spin, QDoubleSpinBox) and isinstance(line, QLineEdit)
    assert spin.text() == "—"  # not set

    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "3")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert region_service.get(project, rid).attrs == {"columns": 3}

    line.setFocus()
    qtbot.keyClicks(line, "two header rows")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert region_service.get(project, rid).attrs == {"columns": 3, "note": "two header rows"}
    kinds = [
        e.kind for e in event_log.list_events(project.db, event_log.EventFilter(region_id=rid))
    ]
    assert kinds == ["region.create", "region.set", "region.set"]
    assert session.undo_stack.count() == 2

    editor.set_regions([rid, rid + "x"])
    assert editor.fields == {} and "2 regions selected" in editor.title.text()


def test_thumbnails_render_visible_pages_and_click_goes_to_a_page(
    qtbot, session, project, two_docs
):
    _, b = two_docs
    strip = shown(ThumbnailStrip(session), qtbot)
    strip.resize(170, 700)
    strip.set_document(b)
    assert strip.count() == 4
    qtbot.waitUntil(lambda: strip.has_image(0), timeout=60000)
    qtbot.waitUntil(lambda: strip.pending() == 0, timeout=60000)
    image = strip.item(0).icon().pixmap(strip.iconSize()).toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    }
    assert len(colours) > 2  # text rendered, not a blank placeholder

    rect = strip.visualItemRect(strip.item(1))
    with qtbot.waitSignal(strip.pageActivated) as went:
        qtbot.mouseClick(strip.viewport(), LEFT, pos=QPoint(rect.center()))
    assert went.args == [1]


def test_user_dialog_lists_people_and_only_leads_can_add_them(qtbot, project, tmp_path):
    from aal_desktop.ui.dialogs.user_dialog import UserDialog

    dialog = shown(UserDialog(project, "lead1"), qtbot)
    assert dialog.chosen() == "lead1"
    assert dialog.add_box.isVisible()
    qtbot.keyClicks(dialog.new_name, "ann2")
    qtbot.mouseClick(dialog.add_button, LEFT)
    assert {u.name: u.role.value for u in users.list_users(project)} == {
        "lead1": "lead",
        "ann2": "annotator",
    }
    assert dialog.chosen() == "ann2"

    with Project(project.path, user="ann2") as as_annotator:
        other = shown(UserDialog(as_annotator, "ann2"), qtbot)
        assert not other.add_box.isVisible()
        other.new_name.setText("sneaky")
        other.add_user()  # even when reached: the service refuses, the dialog says why
        assert "only a lead" in other.error.text()
        assert "sneaky" not in {u.name for u in users.list_users(as_annotator)}


def test_regions_panel_follows_a_change_of_hundreds_of_rows_in_one_rebuild(
    qtbot, session, project, two_docs
):
    a, _ = two_docs

    def box(k: int, top: float) -> tuple[float, float, float, float]:
        x = 20 + (k % 10) * 50
        return (x, top + k, x + 40, top + k + 0.5)

    ids = [region_service.add_region(project, a, 0, box(k, 100), "text").id for k in range(120)]
    panel = shown(RegionsPanel(session), qtbot)
    panel.set_page(a, 0)
    panel.select_ids(ids[:3])
    assert panel.row_ids() == ids  # top to bottom
    resets = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    # one move of every box: the first row goes to the bottom, the rest keep their order
    moves = [(rid, box(k, 500)) for k, rid in enumerate(ids)]
    moves[0] = (ids[0], box(0, 700))
    region_service.move_many(project, moves)
    qtbot.waitUntil(lambda: panel.row_ids() == [*ids[1:], ids[0]], timeout=5000)
    assert resets == [1]  # rebuilt once, not a row at a time
    assert set(panel.selected_ids()) == set(ids[:3])  # the selection kept
    assert panel.summary.text() == "120 regions on this page"
    region_service.delete(project, ids[5])  # a small change: that row alone
    qtbot.waitUntil(lambda: ids[5] not in panel.row_ids(), timeout=5000)
    assert resets == [1]
