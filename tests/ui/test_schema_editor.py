"""The schema editor, driven as a lead and as an annotator would."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from aal_desktop.services import documents, migrations, regions, schemas
from aal_desktop.services.project import Project
from aal_desktop.ui.schema_editor import SchemaEditorDialog

from ..conftest import make_pdf


class StandIn(QObject):
    """What the dialog needs of a Session: the project and the schemaChanged signal."""

    schemaChanged = Signal()

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project


@pytest.fixture
def labelled(project: Project, tmp_path: Path) -> dict[str, str]:
    (o,) = documents.import_paths(project, [make_pdf(tmp_path / "a.pdf", pages=2)])
    assert o.document_id is not None
    ids = {}
    for key, y in (("text", 100), ("list_item", 200), ("page_header", 20), ("title", 300)):
        ids[key] = regions.add_region(project, o.document_id, 0, (70, y, 300, y + 20), key).id
    return ids


@pytest.fixture
def dialog(qtbot, project: Project, labelled: dict[str, str]) -> Iterator[SchemaEditorDialog]:
    d = SchemaEditorDialog(StandIn(project))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    yield d
    d.close()


def click_class(
    qtbot, d: SchemaEditorDialog, key: str, modifier=Qt.KeyboardModifier.NoModifier
) -> None:
    for row in range(d.classes_tab.classes.count()):
        item = d.classes_tab.classes.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == key:
            d.classes_tab.classes.scrollToItem(item)
            rect = d.classes_tab.classes.visualItemRect(item)
            qtbot.mouseClick(
                d.classes_tab.classes.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center()
            )
            return
    raise AssertionError(f"no class {key} in the list")


def preview_rows(d: SchemaEditorDialog) -> list[tuple[str, str, str]]:
    preview = d.migration_tab.preview
    return [
        (preview.item(r, 1).text(), preview.item(r, 2).text(), preview.item(r, 3).text())
        for r in range(preview.rowCount())
    ]


def test_rename_merge_split_with_live_preview_then_apply_and_publish(
    qtbot,
    dialog: SchemaEditorDialog,
    project: Project,
    labelled: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = dialog
    versions = d.classes_tab.versions
    assert versions.count() == 1 and "published (current)" in versions.item(0).text()
    click_class(qtbot, d, "text")
    assert d.classes_tab.key_edit.text() == "text"
    d.classes_tab.key_edit.clear()
    qtbot.keyClicks(d.classes_tab.key_edit, "paragraph")
    d.classes_tab.name_edit.clear()
    qtbot.keyClicks(d.classes_tab.name_edit, "Paragraph")
    qtbot.mouseClick(d.classes_tab.stage_button, Qt.MouseButton.LeftButton)
    assert "staged 1 operation" in d.classes_tab.form_status.text()

    click_class(qtbot, d, "page_header")
    click_class(qtbot, d, "page_footer", Qt.KeyboardModifier.ControlModifier)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("furniture", True))
    qtbot.mouseClick(d.classes_tab.merge_button, Qt.MouseButton.LeftButton)

    click_class(qtbot, d, "list_item")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("list_item, enum_item", True))
    qtbot.mouseClick(d.classes_tab.split_button, Qt.MouseButton.LeftButton)

    d.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 3)
    assert preview_rows(d) == [
        ("rename text → paragraph (name 'Paragraph')", "1", "1"),
        ("merge page_header + page_footer → furniture", "1", "1"),
        ("split list_item → list_item | enum_item", "1", "1"),
    ]
    assert "rewrites 3 regions in 1 documents" in d.migration_tab.preview_status.text()
    assert schemas.latest_version(project) == 1  # the preview wrote nothing

    qtbot.keyClicks(d.migration_tab.reason_edit, "v2 taxonomy")
    qtbot.mouseClick(d.migration_tab.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not d.migration_tab.busy)
    assert schemas.latest_version(project) == 2
    assert regions.get(project, labelled["text"]).class_key == "paragraph"
    assert regions.history(project, labelled["text"])[-1].reason == "v2 taxonomy"
    assert regions.get(project, labelled["list_item"]).attention is not None
    assert "v2  draft" in d.classes_tab.versions.item(1).text()
    publish = d.migration_tab.publish_button
    assert publish.isEnabled() and publish.text() == "Publish v2…"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(d.migration_tab.publish_button, Qt.MouseButton.LeftButton)
    assert schemas.current_version(project) == 1  # declined: nothing published
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(d.migration_tab.publish_button, Qt.MouseButton.LeftButton)
    assert schemas.current_version(project) == 2
    assert "Schema v2 published" in d.migration_tab.preview_status.text()

    d.tabs.setCurrentIndex(2)
    d.diff_tab.diff_a.setCurrentIndex(d.diff_tab.diff_a.findData(1))
    d.diff_tab.diff_b.setCurrentIndex(d.diff_tab.diff_b.findData(2))
    md = d.diff_tab.diff_markdown()
    assert "Renamed" in md and "paragraph" in md and "Merged" in md and "Split" in md


def test_hotkey_clash_is_shown_inline_and_blocks_staging(qtbot, dialog: SchemaEditorDialog) -> None:
    d = dialog
    click_class(qtbot, d, "text")
    d.classes_tab.hotkey_edit.clear()
    qtbot.keyClicks(d.classes_tab.hotkey_edit, "i")
    assert d.classes_tab.hotkey_clash.text() == "already used by Title [title]"
    assert not d.classes_tab.stage_button.isEnabled()
    d.classes_tab.hotkey_edit.clear()
    qtbot.keyClicks(d.classes_tab.hotkey_edit, "z")
    assert d.classes_tab.hotkey_clash.text() == ""
    assert d.classes_tab.stage_button.isEnabled()
    qtbot.mouseClick(d.classes_tab.stage_button, Qt.MouseButton.LeftButton)
    assert "op: update" in d.migration_tab.plan_edit.toPlainText()
    assert "hotkey: z" in d.migration_tab.plan_edit.toPlainText()


def test_colour_picker_and_attributes_stage_operations(
    qtbot, dialog: SchemaEditorDialog, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = dialog
    click_class(qtbot, d, "title")
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    qtbot.mouseClick(d.classes_tab.colour_button, Qt.MouseButton.LeftButton)
    assert d.classes_tab.colour_button.text() == "#123456"
    qtbot.mouseClick(d.classes_tab.add_attr_button, Qt.MouseButton.LeftButton)
    d.classes_tab.attributes.item(0, 0).setText("language")
    d.classes_tab.attributes.cellWidget(0, 1).setCurrentText("enum")
    d.classes_tab.attributes.item(0, 3).setText("en, de")
    d.classes_tab.attributes.item(0, 4).setText("en")
    qtbot.mouseClick(d.classes_tab.stage_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 2)
    assert preview_rows(d) == [
        ("update title (color)", "0", "0"),
        ("add attribute title.language", "1", "1"),
    ]
    qtbot.mouseClick(d.migration_tab.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not d.migration_tab.busy)
    draft = schemas.get(project, 2)
    assert draft.require("title").color == "#123456"
    assert draft.require("title").attribute("language").options == ["en", "de"]


def test_invalid_plan_shows_the_reason_and_cannot_be_applied(
    qtbot, dialog: SchemaEditorDialog, project: Project
) -> None:
    d = dialog
    d.tabs.setCurrentIndex(1)
    d.migration_tab.plan_edit.setFocus()
    for line in ("from_version: 1", "operations:", "  - {op: split, source: text}"):
        qtbot.keyClicks(d.migration_tab.plan_edit, line)
        qtbot.keyClick(d.migration_tab.plan_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "needs at least two targets" in d.migration_tab.preview_status.text())
    assert not d.migration_tab.apply_button.isEnabled()
    m = d.migration_tab
    assert m.apply_migration() is None  # refused at once: nothing runs in the background
    assert not m.busy and "needs at least two targets" in m.preview_status.text()
    assert schemas.latest_version(project) == 1


def test_draft_presentation_can_be_saved_but_not_its_keys(
    qtbot, dialog: SchemaEditorDialog, project: Project
) -> None:
    d = dialog
    migrations.apply(
        project,
        migrations.parse_plan("from_version: 1\noperations: [{op: deprecate, key: formula}]\n"),
    )
    d.refresh()
    d.classes_tab.select_version(2)
    click_class(qtbot, d, "caption")
    c = d.classes_tab
    assert c.save_draft_button.isEnabled() and not c.stage_button.isEnabled()
    d.classes_tab.description_edit.setPlainText("Text under a figure or above a table.")
    qtbot.mouseClick(d.classes_tab.save_draft_button, Qt.MouseButton.LeftButton)
    assert schemas.get(project, 2).require("caption").description.startswith("Text under")
    d.classes_tab.key_edit.setText("legend")
    qtbot.mouseClick(d.classes_tab.save_draft_button, Qt.MouseButton.LeftButton)
    assert "keeps its keys and attributes" in d.classes_tab.form_status.text()
    assert schemas.get(project, 2).get("legend") is None


def test_annotators_see_the_schema_read_only(
    qtbot, project: Project, labelled: dict[str, str]
) -> None:
    project.switch_user("ann1")
    d = SchemaEditorDialog(StandIn(project))
    qtbot.addWidget(d)
    assert "read-only" in d.windowTitle()
    c, m = d.classes_tab, d.migration_tab
    for b in (
        c.stage_button,
        c.merge_button,
        c.split_button,
        c.deprecate_button,
        m.apply_button,
        m.publish_button,
        c.save_draft_button,
    ):
        assert not b.isEnabled()
    assert d.migration_tab.plan_edit.isReadOnly() and not d.tabs.isTabEnabled(1)
    click_class(qtbot, d, "table")
    assert d.classes_tab.description_edit.toPlainText() == "A table, including its header rows."
    assert "DocLayNet" in d.classes_tab.guideline.toPlainText()
    d.close()


def test_screenshot(qtbot, dialog: SchemaEditorDialog, shots: Path) -> None:
    d = dialog
    click_class(qtbot, d, "table")
    d.grab().save(str(shots / "schema_editor.png"))
    assert (shots / "schema_editor.png").stat().st_size > 10_000
    d.migration_tab.plan_edit.setPlainText(
        "from_version: 1\noperations:\n"
        "  - {op: rename, key: text, new_key: paragraph}\n"
        "  - {op: split, source: list_item, targets: [list_item, title]}\n"
    )
    d.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 2)
    d.grab().save(str(shots / "schema_editor_migration.png"))


def gate(
    monkeypatch: pytest.MonkeyPatch, name: str, real: Callable[..., object]
) -> tuple[list[str], list[threading.Event]]:
    """Replace migrations.<name> by one that waits for its own gate, then does the real work:
    the test decides when each background call may end. Returns (calls, gates)."""
    calls: list[str] = []
    gates = [threading.Event() for _ in range(4)]

    def gated(project: Project, plan: migrations.MigrationPlan, *args: object) -> object:
        n = len(calls)
        calls.append(plan.operations[0].label())
        assert gates[n].wait(10), "the test never opened this gate"
        return real(project, plan, *args)

    monkeypatch.setattr(migrations, name, gated)
    return calls, gates


def test_a_slow_dry_run_leaves_the_window_responsive_then_shows_its_result(
    qtbot, dialog: SchemaEditorDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = dialog
    real = migrations.dry_run

    def slow(project: Project, plan: migrations.MigrationPlan) -> object:
        time.sleep(1.0)  # tens of thousands of regions
        return real(project, plan)

    monkeypatch.setattr(migrations, "dry_run", slow)
    ticks_while_busy = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: d.migration_tab.busy and ticks_while_busy.append(1))
    timer.start()
    d.tabs.setCurrentIndex(1)
    d.migration_tab.plan_edit.setPlainText(
        "from_version: 1\noperations:\n  - {op: rename, key: text, new_key: paragraph}\n"
    )
    qtbot.waitUntil(lambda: d.migration_tab.busy)
    assert d.migration_tab.preview_busy.isVisible() and not d.migration_tab.apply_button.isEnabled()
    qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 1, timeout=10_000)
    timer.stop()
    assert preview_rows(d) == [("rename text → paragraph", "1", "1")]
    m = d.migration_tab
    assert not m.busy and not m.preview_busy.isVisible() and m.apply_button.isEnabled()
    # the GUI thread kept running its timers during the second the dry run took
    assert len(ticks_while_busy) >= 10


def test_a_newer_preview_request_drops_the_older_result(
    qtbot, dialog: SchemaEditorDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = dialog
    calls, gates = gate(monkeypatch, "dry_run", migrations.dry_run)
    try:
        d.tabs.setCurrentIndex(1)
        d.migration_tab.plan_edit.setPlainText(
            "from_version: 1\noperations:\n  - {op: rename, key: text, new_key: paragraph}\n"
        )
        qtbot.waitUntil(lambda: len(calls) == 1)  # the first dry run is running
        d.migration_tab.plan_edit.setPlainText(
            "from_version: 1\noperations:\n  - {op: rename, key: title, new_key: heading}\n"
        )
        # queued behind the first
        qtbot.waitUntil(lambda: d.migration_tab._pending_preview is not None)
        gates[0].set()  # the first ends; its result is stale and the second starts
        qtbot.waitUntil(lambda: len(calls) == 2)
        qtbot.wait(50)  # let any (wrong) delivery of the first result happen
        m = d.migration_tab
        assert m.preview.rowCount() == 0 and "Counting" in m.preview_status.text()
        assert not d.migration_tab.apply_button.isEnabled()
        gates[1].set()
        qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 1)
        assert calls == ["rename text → paragraph", "rename title → heading"]
        assert preview_rows(d) == [("rename title → heading", "1", "1")]
        assert "rewrites 1 regions in 1 documents" in d.migration_tab.preview_status.text()
    finally:
        for g in gates:
            g.set()
        qtbot.waitUntil(lambda: not d.migration_tab.busy)


def test_apply_runs_in_the_background_with_the_buttons_disabled(
    qtbot,
    dialog: SchemaEditorDialog,
    project: Project,
    labelled: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = dialog
    d.tabs.setCurrentIndex(1)
    d.migration_tab.plan_edit.setPlainText(
        "from_version: 1\noperations:\n  - {op: rename, key: text, new_key: paragraph}\n"
    )
    qtbot.waitUntil(lambda: d.migration_tab.preview.rowCount() == 1)
    calls, gates = gate(monkeypatch, "apply", migrations.apply)
    try:
        qtbot.mouseClick(d.migration_tab.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(calls) == 1)
        tab = d.migration_tab
        for b in (tab.apply_button, tab.publish_button, tab.load_button, tab.save_plan_button):
            assert not b.isEnabled()
        assert d.migration_tab.plan_edit.isReadOnly() and not d.tabs.widget(0).isEnabled()
        m = d.migration_tab
        assert m.preview_busy.isVisible() and "Applying" in m.preview_status.text()
        qtbot.mouseClick(m.apply_button, Qt.MouseButton.LeftButton)  # disabled: no 2nd apply
        assert d.migration_tab.apply_migration() is None
        assert schemas.latest_version(project) == 1
        gates[0].set()
        qtbot.waitUntil(lambda: not d.migration_tab.busy)
    finally:
        gates[0].set()
    assert calls == ["rename text → paragraph"]
    assert schemas.latest_version(project) == 2
    assert regions.get(project, labelled["text"]).class_key == "paragraph"
    assert "Draft v2 created; 1 regions rewritten" in d.migration_tab.preview_status.text()
    publish = d.migration_tab.publish_button
    assert publish.isEnabled() and publish.text() == "Publish v2…"
    assert not d.migration_tab.plan_edit.isReadOnly() and d.tabs.widget(0).isEnabled()
    assert "v2  draft" in d.classes_tab.versions.item(1).text()
