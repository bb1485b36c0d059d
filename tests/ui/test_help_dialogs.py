"""Help dialogs: the shortcuts sheet comes from real actions; Esc, Ctrl+W and Close close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from aal_desktop.ui.dialogs.help_dialogs import (
    AboutDialog,
    HowToLabelDialog,
    ShortcutRow,
    ShortcutsDialog,
    rows_from_actions,
)


def test_shortcut_rows_follow_the_actions(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    undo = QAction("&Undo", owner)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    quiet = QAction("No key", owner)
    rows = rows_from_actions([("Edit", [undo, quiet])],
                             [ShortcutRow("Page", "Draw a box", "Left-drag")])
    assert rows == [ShortcutRow("Edit", "Undo", "Ctrl+Z"),
                    ShortcutRow("Page", "Draw a box", "Left-drag")]
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
