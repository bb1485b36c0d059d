"""Actions, menus, toolbar and status bar of the main window, and the pre-label workspace.

Kept apart from `main_window` so the window class holds state and navigation only: this
module builds every QAction (with its shortcut) onto the window under the attribute names
the tests and the app use, and holds the handlers of the pre-label actions (issue 7: run
pre-labels for a page, a document or a selection; accept them from the keyboard).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.records import DocStatus, Document
from ..services import documents, users
from . import undo
from .undo import execute

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .session import Session

SP = QStyle.StandardPixmap
RECENT_KEY = "recent_projects"
MAX_RECENT = 8
THRESHOLD_KEY = "prelabel/accept_threshold"
DEFAULT_THRESHOLD = 0.8


def module_available(name: str) -> bool:
    """True when `aal_desktop.ui.<name>` is installed (its menu entry is then shown)."""
    try:
        return importlib.util.find_spec(f"aal_desktop.ui.{name}") is not None
    except (ImportError, ValueError):
        return False


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def remember_project(settings: QSettings, path: Path | str) -> None:
    """Put a project at the top of the recent list."""
    p = str(Path(path).resolve())
    items = [p] + [r for r in recent_projects(settings) if r != p]
    settings.setValue(RECENT_KEY, items[:MAX_RECENT])


class AssignDialog(QDialog):
    """Tick the people a document is given to (leads)."""

    def __init__(self, session: Session, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Assign {doc.filename}")
        project = session.project
        already = set(documents.assignees(project, doc.id))
        self.list = QListWidget()
        for u in users.list_users(project):
            item = QListWidgetItem(f"{u.name} ({u.role.value})")
            item.setData(Qt.ItemDataRole.UserRole, u.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if u.name in already
                               else Qt.CheckState.Unchecked)
            if u.name in already:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)  # no un-assign service
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Give this document to:"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if (item.checkState() == Qt.CheckState.Checked
                    and item.flags() & Qt.ItemFlag.ItemIsEnabled):
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out


def dropped_paths(mime: Any) -> list[str]:
    """Local PDFs and folders among dropped URLs (the window imports them)."""
    if not mime.hasUrls():
        return []
    out = []
    for url in mime.urls():
        if url.isLocalFile():
            p = Path(url.toLocalFile())
            if p.is_dir() or p.suffix.lower() == ".pdf":
                out.append(str(p))
    return out


def icon(w: MainWindow, pixmap: QStyle.StandardPixmap) -> QIcon:
    return w.style().standardIcon(pixmap)


def make_action(w: MainWindow, text: str, slot: Callable[..., Any], shortcut: str | None = None,
                pixmap: QStyle.StandardPixmap | None = None, tip: str | None = None,
                checkable: bool = False) -> QAction:
    """An action whose service errors show as a message, never a traceback."""
    action = QAction(text, w)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if pixmap is not None:
        action.setIcon(icon(w, pixmap))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
    action.setCheckable(checkable)
    if checkable:
        action.toggled.connect(lambda on: w._guard(lambda: slot(on)))
    else:
        action.triggered.connect(lambda _=False: w._guard(slot))
    w.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def build_actions(w: MainWindow) -> None:
    """Every fixed action, as attributes of the window (`w.import_action`, …)."""
    c = w.canvas

    def a(*args: Any, **kwargs: Any) -> QAction:
        return make_action(w, *args, **kwargs)

    w.import_action = a("&Import PDFs…", w.choose_and_import, "Ctrl+I",
                        SP.SP_DialogOpenButton, "Import PDF files into the project")
    w.import_folder_action = a("Import &folder…", w.choose_folder_and_import, None,
                               SP.SP_DirOpenIcon, "Import every PDF under a folder")
    w.open_project_action = a("&Open project…", w.choose_project, "Ctrl+O",
                              SP.SP_DriveHDIcon, "Open another project database")
    w.open_folder_action = a("Open project &folder…", w.choose_project_folder, None,
                             SP.SP_DirIcon, "Open the project kept in a folder")
    w.switch_user_action = a("Switch &user…", w.switch_user, None, None,
                             "Choose the person whose work is recorded")
    w.quit_action = a("&Quit", w.close, "Ctrl+Q")
    stack = w.session.undo_stack
    w.undo_action = stack.createUndoAction(w, "&Undo")
    w.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
    w.undo_action.setIcon(icon(w, SP.SP_ArrowBack))
    w.redo_action = stack.createRedoAction(w, "&Redo")
    w.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    w.redo_action.setIcon(icon(w, SP.SP_ArrowForward))
    w.addAction(w.undo_action)
    w.addAction(w.redo_action)
    w.delete_action = a("&Delete", c.delete_selection, "Delete", SP.SP_DialogDiscardButton,
                        "Delete the selected regions")
    w.copy_action = a("&Copy", c.copy_selection, "Ctrl+C")
    w.paste_action = a("&Paste", c.paste, "Ctrl+V")
    w.select_all_action = a("Select &all", c.select_all, "Ctrl+A")
    w.zoom_in_action = a("Zoom &in", c.zoom_in, "Ctrl++", None, "Zoom in")
    w.zoom_out_action = a("Zoom &out", c.zoom_out, "Ctrl+-", None, "Zoom out")
    w.fit_width_action = a("Fit &width", c.fit_width, "Ctrl+9", None,
                           "Zoom so the page fills the width")
    w.fit_page_action = a("Fit &page", c.fit_page, "Ctrl+0", None,
                          "Zoom so the whole page is visible")
    w.snap_action = a("&Snap to text", w.set_snap, "Ctrl+T", None,
                      "Shrink drawn and moved boxes to the words they cover", checkable=True)
    w.next_page_action = a("&Next page", lambda: w.go_page(w.page + 1), "PgDown",
                           SP.SP_ArrowDown, "Next page")
    w.prev_page_action = a("&Previous page", lambda: w.go_page(w.page - 1), "PgUp",
                           SP.SP_ArrowUp, "Previous page")
    w.first_page_action = a("&First page", lambda: w.go_page(0), "Home")
    w.last_page_action = a("&Last page", lambda: w.go_page(10**9), "End")
    w.goto_page_action = a("&Go to page…", w.ask_page, "Ctrl+G")
    w.next_doc_action = a("Next &document", lambda: w.go_document(+1), "Ctrl+PgDown",
                          SP.SP_MediaSkipForward, "Next document")
    w.prev_doc_action = a("Previous d&ocument", lambda: w.go_document(-1), "Ctrl+PgUp",
                          SP.SP_MediaSkipBackward, "Previous document")
    # Ctrl+Return accepts the page's pre-labels (issue 7), so submitting moved to Ctrl+Shift+S.
    w.submit_action = a("Mark &submitted", lambda: w.set_status(DocStatus.submitted),
                        "Ctrl+Shift+S", SP.SP_DialogApplyButton,
                        "Hand this document in for review")
    w.approve_action = a("&Approve", lambda: w.set_status(DocStatus.approved), None,
                         SP.SP_DialogYesButton, "Accept this document (leads)")
    w.reject_action = a("&Reject…", w.reject_document, None, SP.SP_DialogNoButton,
                        "Send this document back (leads)")
    w.assign_action = a("Assi&gn…", w.assign_document, None, None,
                        "Give this document to annotators (leads)")
    w.accept_page_action = a("A&ccept pre-labels on this page", w.accept_prelabels_on_page,
                             "Ctrl+Return", None,
                             "Confirm every pending model pre-label on this page as it is")
    w.accept_above_action = a("Accept pre-labels a&bove confidence…",
                              w.accept_prelabels_above, "Ctrl+Shift+Return", None,
                              "Confirm this document's pending pre-labels the model is sure of")


def build_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    file = bar.addMenu("&File")
    file.addActions([w.import_action, w.import_folder_action])
    file.addSeparator()
    file.addActions([w.open_project_action, w.open_folder_action])
    w.recent_menu = file.addMenu("&Recent projects")
    w.recent_menu.aboutToShow.connect(w._fill_recent)
    w._fill_recent()
    file.addSeparator()
    file.addAction(w.switch_user_action)
    file.addSeparator()
    file.addAction(w.quit_action)

    edit = bar.addMenu("&Edit")
    edit.addActions([w.undo_action, w.redo_action])
    edit.addSeparator()
    edit.addActions([w.delete_action, w.copy_action, w.paste_action, w.select_all_action])
    edit.addSeparator()
    edit.addActions([w.accept_page_action, w.accept_above_action])

    view = bar.addMenu("&View")
    view.addActions([w.zoom_in_action, w.zoom_out_action, w.fit_width_action,
                     w.fit_page_action])
    view.addSeparator()
    view.addAction(w.snap_action)
    view.addSeparator()
    panels = view.addMenu("&Panels")
    for dock in w.docks.values():
        panels.addAction(dock.toggleViewAction())

    go = bar.addMenu("&Go")
    go.addActions([w.next_page_action, w.prev_page_action, w.first_page_action,
                   w.last_page_action, w.goto_page_action])
    go.addSeparator()
    go.addActions([w.next_doc_action, w.prev_doc_action])

    doc = bar.addMenu("&Document")
    doc.addAction(w.submit_action)
    doc.addSeparator()
    doc.addActions([w.approve_action, w.reject_action, w.assign_action])

    w.optional_actions = {}
    w.prelabel_actions = {}
    optional_menu(w, bar, "&Schema", [
        ("schema_editor", "Schema &editor…",
         opener(w, "schema_editor", "SchemaEditorDialog"), False),
    ])
    optional_menu(w, bar, "&Review", [
        ("review_view", "&Review corrections…", opener(w, "review_view", "ReviewWindow"), True),
        ("audit_view", "&Audit…", opener(w, "audit_view", "AuditDialog"), False),
        ("history_dialog", "Region &history…", w.open_history_of_selection, False),
    ])
    dataset = optional_menu(w, bar, "D&ataset", [
        ("versions_view", "&Versions…", opener(w, "versions_view", "VersionsDialog"), False),
        ("prelabel_dialog", "&Pre-label…", w.open_prelabel, False),
        ("agreement_view", "&Agreement…", opener(w, "agreement_view", "AgreementDialog"), False),
        ("models_view", "&Models…", opener(w, "models_view", "ModelsDialog"), False),
    ])
    if dataset is not None and "prelabel_dialog" in w.optional_actions:
        prelabel_submenu(w, dataset, w.optional_actions["prelabel_dialog"])


def opener(w: MainWindow, module: str, cls_name: str) -> Callable[[], Any]:
    """The slot of a menu entry that opens another engineer's dialog."""
    return lambda: w._open_dialog(module, cls_name)


def optional_menu(w: MainWindow, bar: Any, title: str,
                  entries: list[tuple[str, str, Callable[[], Any], bool]]) -> QMenu | None:
    """A menu of other engineers' dialogs, holding only the ones whose module exists."""
    present = [e for e in entries if module_available(e[0])]
    if not present:
        return None
    menu: QMenu = bar.addMenu(title)
    for module, text, slot, leads_only in present:
        action = make_action(w, text, slot)
        action.setProperty("leads_only", leads_only)
        if module == "history_dialog":
            action.setShortcut(QKeySequence("Ctrl+H"))
        menu.addAction(action)
        w.optional_actions[module] = action
    return menu


def prelabel_submenu(w: MainWindow, menu: QMenu, action: QAction) -> None:
    """Turn Dataset → Pre-label into a submenu: current page, this document, selection."""
    sub = QMenu("&Pre-label", menu)
    entries = (("page", "Current &page…", "Pre-label the page on screen"),
               ("document", "&This document…", "Pre-label every page of this document"),
               ("selected", "&Selected documents…",
                "Pre-label the documents selected in the Documents panel"))
    for scope, text, tip in entries:
        scoped = make_action(w, text, lambda s=scope: w.open_prelabel(s), None, None, tip)
        sub.addAction(scoped)
        w.prelabel_actions[scope] = scoped
    sub.addSeparator()
    sub.addActions([w.accept_page_action, w.accept_above_action])
    action.setText("&Pre-label")
    action.setMenu(sub)  # the old single entry now opens the submenu
    # Ctrl/Shift-click picks several documents for "Selected documents…".
    w.documents_panel.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)


def build_toolbar(w: MainWindow) -> None:
    tools = QToolBar("Tools", w)
    tools.setObjectName("toolbar-main")
    tools.setIconSize(QSize(18, 18))
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    tools.addActions([w.import_action])
    tools.addSeparator()
    tools.addActions([w.undo_action, w.redo_action, w.delete_action])
    tools.addSeparator()
    tools.addActions([w.prev_doc_action, w.prev_page_action, w.next_page_action,
                      w.next_doc_action])
    tools.addSeparator()
    text_only = Qt.ToolButtonStyle.ToolButtonTextOnly
    zooms = ((w.zoom_out_action, "−"), (w.zoom_in_action, "+"),
             (w.fit_width_action, "Width"), (w.fit_page_action, "Page"))
    for action, label in zooms:
        action.setIconText(label)
        tools.addAction(action)
        tools.widgetForAction(action).setToolButtonStyle(text_only)
    tools.addSeparator()
    w.snap_action.setIconText("Snap")
    tools.addAction(w.snap_action)
    tools.widgetForAction(w.snap_action).setToolButtonStyle(text_only)
    tools.addSeparator()
    w.class_label = QLabel()
    w.class_label.setToolTip("The class new boxes are drawn with: click one in Labels "
                             "or press its key on the page")
    w.class_label.setContentsMargins(6, 0, 6, 0)
    tools.addWidget(w.class_label)
    tools.addSeparator()
    for action, label in ((w.submit_action, "Submit"), (w.approve_action, "Approve"),
                          (w.reject_action, "Reject")):
        action.setIconText(label)
        tools.addAction(action)
        tools.widgetForAction(action).setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(tools)
    w.toolbar = tools


def build_status_bar(w: MainWindow) -> None:
    status = w.statusBar()
    w.user_label = QLabel()
    w.schema_label = QLabel()
    w.page_label = QLabel()
    w.zoom_label = QLabel()
    w.cursor_label = QLabel()
    w.cursor_label.setMinimumWidth(150)
    w.cursor_label.setText("x —  y — pt")
    for label in (w.user_label, w.schema_label, w.page_label, w.zoom_label, w.cursor_label):
        label.setContentsMargins(6, 0, 6, 0)
        status.addPermanentWidget(label)


def fill_recent(w: MainWindow, recent: list[str], current: str,
                clear: Callable[[], None]) -> None:
    """The File → Recent projects entries (every project but the open one)."""
    w.recent_menu.clear()
    entries = [p for p in recent if p != current]
    for p in entries:
        action = w.recent_menu.addAction(p)
        action.triggered.connect(lambda _=False, path=p: w.request_project(path))
    if not entries:
        w.recent_menu.addAction("No other recent projects").setEnabled(False)
    else:
        w.recent_menu.addSeparator()
        w.recent_menu.addAction("Clear list").triggered.connect(clear)


# --- the pre-label workspace -------------------------------------------------------------


def selected_document_ids(w: MainWindow) -> list[int]:
    """Documents selected in the Documents panel, in the order shown (Ctrl/Shift-click)."""
    panel = w.documents_panel
    rows = sorted(i.row() for i in panel.table.selectionModel().selectedRows(0))
    ids = [panel.proxy.index(r, 0).data(panel.model.DOC_ID_ROLE) for r in rows]
    return [int(i) for i in ids if i is not None]


def prelabel_scope(w: MainWindow, scope: str) -> tuple[list[int], list[int] | None] | None:
    """(document ids, pages or None for all) for a scope, or None with a message why not."""
    if scope == "selected":
        ids = selected_document_ids(w)
        if not ids:
            w.show_message("Select documents in the Documents panel to pre-label them.")
            return None
        return ids, None
    if w.doc is None:
        w.show_message("Open a document to pre-label it.")
        return None
    return [w.doc.id], ([w.page] if scope == "page" else None)


def accept(w: MainWindow, command: undo.ServiceCommand, where: str) -> int:
    """Accept pre-labels (chosen by services/prelabel) as ONE undo step; say how many."""
    n = len(execute(w.session, command))
    if not n:
        w.show_message(f"No pending pre-labels {where}.")
        return 0
    w.show_message(f"Accepted {n} pre-label{'s' if n != 1 else ''} {where}.")
    return n


def accept_on_page(w: MainWindow) -> int:
    if w.doc is None:
        return 0
    return accept(w, undo.accept_page(w.session, w.doc.id, w.page), f"on page {w.page + 1}")


def accept_above(w: MainWindow) -> int:
    """Ask for a threshold (remembered) and accept this document's pre-labels at or above it."""
    if w.doc is None:
        return 0
    try:
        last = float(w.settings.value(THRESHOLD_KEY, DEFAULT_THRESHOLD))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        last = DEFAULT_THRESHOLD
    value, ok = QInputDialog.getDouble(w, "Accept pre-labels",
                                       "Accept the pending pre-labels of this document "
                                       "with a confidence of at least:", last, 0.0, 1.0, 2)
    if not ok:
        return 0
    w.settings.setValue(THRESHOLD_KEY, float(value))
    return accept(w, undo.accept_above(w.session, w.doc.id, value),
                  f"at or above {value:.2f} in {w.doc.filename}")
