"""Help dialogs: the shortcuts sheet comes from real actions; Esc, Ctrl+W and Close close."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from aal_desktop.services.project import Project
from aal_desktop.ui.dialogs.help_dialogs import (
    AboutDialog,
    HowToLabelDialog,
    ShortcutRow,
    ShortcutsDialog,
    rows_from_actions,
)
from tests.ui.conftest import open_window


@pytest.fixture
def project(first_run_project: Project) -> Project:
    return first_run_project


def test_shortcut_rows_follow_the_actions(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    undo = QAction("&Undo", owner)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    quiet = QAction("No key", owner)
    rows = rows_from_actions(
        [("Edit", [undo, quiet])], [ShortcutRow("Page", "Draw a box", "Left-drag")]
    )
    assert rows == [
        ShortcutRow("Edit", "Undo", "Ctrl+Z"),
        ShortcutRow("Page", "Draw a box", "Left-drag"),
    ]
    undo.setShortcut(QKeySequence("Ctrl+Alt+U"))  # change the action: the sheet follows
    assert rows_from_actions([("Edit", [undo])])[0].keys == "Ctrl+Alt+U"


def test_shortcuts_dialog_lists_rows_and_closes_on_ctrl_w(qtbot) -> None:
    dlg = ShortcutsDialog([ShortcutRow("Edit", "Undo", "Ctrl+Z")])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.table.item(0, 1).text() == "Undo" and dlg.table.item(0, 2).text() == "Ctrl+Z"
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    qtbot.keyClick(dlg.table, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dlg.isVisible())


def test_how_to_label_shows_the_shipped_page_and_closes_on_escape(qtbot) -> None:
    dlg = HowToLabelDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert "Left-drag" in dlg.browser.toPlainText()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible())


def test_about_names_version_and_licences_and_close_button_works(qtbot) -> None:
    from aal_desktop import __version__

    dlg = AboutDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    text = dlg.label.text()
    assert __version__ in text and "AGPL-3.0" in text and "LGPL-3.0" in text
    box = dlg.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dlg.isVisible()


def test_help_menu_lists_every_menu_shortcut_and_the_page_keys(qtbot, session, settings) -> None:
    window = open_window(qtbot, session, settings)
    from aal_desktop.ui.help_menu import show_shortcuts

    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[-1] == "Help"
    dlg = show_shortcuts(window)
    qtbot.addWidget(dlg)
    rows = {
        (dlg.table.item(r, 1).text(), dlg.table.item(r, 2).text())
        for r in range(dlg.table.rowCount())
    }
    assert ("Undo", "Ctrl+Z") in rows
    assert ("Import PDFs", "Ctrl+I") in rows
    assert ("Draw a box of the current class", "Left-drag on the page") in rows
    window.action("goto_page").setShortcut("Ctrl+Shift+G")  # the sheet follows the actions
    again = show_shortcuts(window)
    qtbot.addWidget(again)
    texts = {again.table.item(r, 2).text() for r in range(again.table.rowCount())}
    assert "Ctrl+Shift+G" in texts


def test_f1_opens_how_to_label(qtbot, session, settings) -> None:
    window = open_window(qtbot, session, settings)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.action("how_to_label").trigger()
    from aal_desktop.ui.dialogs.help_dialogs import HowToLabelDialog

    found = window.findChildren(HowToLabelDialog)
    assert found and found[-1].isVisible()
    assert window.action("how_to_label").shortcut().toString() == "F1"
