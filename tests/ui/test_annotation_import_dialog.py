"""File → Import annotations…: the labels shown and mapped before anything is written,
then the import in the background with its report; the window hears of the new regions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from aal_desktop.services import documents, regions  # noqa: E402
from aal_desktop.ui.dialogs.annotation_import_dialog import LEAVE_OUT, AnnotationImportDialog  # noqa: E402
from tests.importers import PAGES, render  # noqa: E402
from tests.importers.test_coco import coco_file  # noqa: E402

pytestmark = pytest.mark.corpus


@pytest.fixture
def publaynet(corpus: Path, tmp_path: Path) -> tuple[Path, Path, int]:
    images = tmp_path / "images"
    images.mkdir()
    rp = render(corpus / PAGES[0][0], 0, dpi=72)
    (images / "PMC1_0.png").write_bytes(rp.png)
    ann = coco_file(tmp_path / "train.json", [({"file_name": "PMC1_0.png"}, rp)], category=5)
    return ann, images, len(rp.words)


def test_labels_are_mapped_before_anything_is_written(qtbot, session, project, publaynet):
    ann, images, n = publaynet
    changed = []
    session.regionsChanged.connect(lambda d, p: changed.append(d))
    dialog = AnnotationImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("coco"))
    qtbot.keyClicks(dialog.path_edit, str(ann))
    qtbot.keyClicks(dialog.images_edit, str(images))
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    # PubLayNet's "figure" is no class of ours: shown, and Import stays off
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "figure"
    assert dialog.table.item(0, 1).text() == str(n)
    assert not dialog.import_button.isEnabled() and "figure" in dialog.status.text()
    assert regions.list_regions(project) == [] and documents.list_documents(project) == []
    box = dialog.combo("figure")
    box.setCurrentIndex(box.findData("picture"))
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
    assert dialog.report.imported == n
    assert dialog.result_text.toPlainText().startswith(f"{n} regions imported")
    got = regions.list_regions(project)
    assert len(got) == n and {r.class_key for r in got} == {"picture"}
    qtbot.waitUntil(lambda: bool(changed), timeout=5000)  # the window hears of it
    assert dialog.close_button.isVisible()
    dialog.close()


def test_a_label_left_out_imports_nothing_of_it(qtbot, session, project, publaynet):
    ann, images, n = publaynet
    dialog = AnnotationImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(ann))
    dialog.images_edit.setText(str(images))
    dialog.read()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30000)
    box = dialog.combo("figure")
    box.setCurrentIndex(box.findText(LEAVE_OUT))
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
    assert dialog.report.imported == 0
    assert dialog.report.skipped == {"label left out by the map": n}
    assert regions.list_regions(project) == []
    dialog.close()


def test_a_bad_file_is_a_message_not_a_crash(qtbot, session, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    dialog = AnnotationImportDialog(session)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(bad))
    dialog.read()
    qtbot.waitUntil(lambda: "not valid JSON" in dialog.status.text(), timeout=30000)
    assert dialog.plan is None and not dialog.import_button.isEnabled()
    dialog.close()


def test_the_menu_entry_opens_the_dialog_over_the_window(qtbot, session):
    from PySide6.QtWidgets import QMainWindow

    from aal_desktop.ui.dialogs.annotation_import_dialog import open_annotation_import

    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    dialog = open_annotation_import(session, window)
    assert dialog.isVisible() and dialog.parent() is window
    assert [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())] == [
        "coco",
        "labelstudio",
        "cvat",
        "labelme",
        "pawls",
        "pagexml",
    ]
    thread = dialog.thread_
    dialog.reject()
    assert not thread.isRunning()  # stopped before the dialog goes (deleted on close)
