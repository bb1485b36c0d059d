"""Help → Keyboard shortcuts, How to label, About: what a newcomer needs without a manual.

The shortcuts sheet is built from the window's own actions (text and key sequence), so it
cannot drift from what the keys do; the how-to page ships as a resource; About names the
versions and the licences the app is distributed under (PyMuPDF is AGPL-3.0, Qt LGPL-3.0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ... import __version__
from ...resources import resource


@dataclass(frozen=True)
class ShortcutRow:
    """One line of the shortcuts sheet: the menu it lives in, what it does, its keys."""

    group: str
    text: str
    keys: str


def rows_from_actions(
    groups: Iterable[tuple[str, Iterable[QAction]]], extra: Iterable[ShortcutRow] = ()
) -> list[ShortcutRow]:
    """Every action with a shortcut, in menu order, plus keys handled outside actions
    (drawing with the mouse, class hotkeys)."""
    rows = []
    for group, actions in groups:
        for action in actions:
            keys = [
                k.toString(QKeySequence.SequenceFormat.NativeText)
                for k in action.shortcuts()
                if not k.isEmpty()
            ]
            if keys:
                text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
                rows.append(ShortcutRow(group, text.rstrip(".…"), ", ".join(keys)))
    rows.extend(extra)
    return rows


def _with_close(dialog: QDialog, layout: QVBoxLayout) -> None:
    """A Close button, and Ctrl+W beside Esc (which QDialog already maps to reject)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    close = QAction("Close", dialog)
    close.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence(QKeySequence.StandardKey.Close)])
    close.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    close.triggered.connect(dialog.reject)
    dialog.addAction(close)


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut the window knows."""

    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = rows
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 3, self)
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for i, row in enumerate(rows):
            for j, value in enumerate((row.group, row.text, row.keys)):
                table.setItem(i, j, QTableWidgetItem(value))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table = table
        layout.addWidget(table)
        _with_close(self, layout)
        self.resize(560, 620)


class HowToLabelDialog(QDialog):
    """The short "how to label" page shipped in resources/help."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to label")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        page = resource("help/how-to-label.html")
        self.browser.setHtml(
            page.read_text(encoding="utf-8")
            if page.is_file()
            else "<p>The help page is missing from this installation.</p>"
        )
        layout.addWidget(self.browser)
        _with_close(self, layout)
        self.resize(620, 640)


def _version_of(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def about_html() -> str:
    """Versions and licences, for the About box and for bug reports."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return (
        f"<h2>AAL Desktop {__version__}</h2>"
        "<p>Label regions of PDF pages against a versioned schema, keep every correction, "
        "release dataset versions and trace models back to them.</p>"
        "<table cellpadding='3'>"
        f"<tr><td>Qt</td><td>{qVersion()} (PySide6 {pyside_version})</td>"
        "<td>LGPL-3.0</td></tr>"
        f"<tr><td>PyMuPDF</td><td>{_version_of('PyMuPDF')}</td><td>AGPL-3.0</td></tr>"
        f"<tr><td>pydantic</td><td>{_version_of('pydantic')}</td><td>MIT</td></tr>"
        f"<tr><td>sqlite-utils</td><td>{_version_of('sqlite-utils')}</td>"
        "<td>Apache-2.0</td></tr></table>"
        "<p>AAL Desktop's own code is Apache-2.0. Because it links PyMuPDF, a distributed "
        "bundle of the app (such as a frozen installer) comes under the terms of the "
        "AGPL-3.0.</p>"
    )


class AboutDialog(QDialog):
    """Help → About: version and licences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About AAL Desktop")
        layout = QVBoxLayout(self)
        self.label = QLabel(about_html(), self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        _with_close(self, layout)
        self.resize(480, 360)
