"""The main window: a thin assembly of the canvas, dock panels, actions, menus, status bar.

Panels and the canvas redraw from the session's signals; the window only wires them
together and turns menu actions into service calls (or undo commands). Menus for other
engineers' dialogs appear only when their module is installed.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import DocStatus, Document
from ..services import documents, users
from .dialogs.import_dialog import ImportRun, import_paths_with_progress
from .dialogs.user_dialog import UserDialog
from .page_canvas import PageCanvas
from .panels.attributes_editor import AttributesEditor
from .panels.documents_panel import DocumentsPanel
from .panels.labels_palette import LabelsPalette
from .panels.regions_panel import RegionsPanel
from .panels.thumbnails import ThumbnailStrip
from .session import Session

RECENT_KEY = "recent_projects"
MAX_RECENT = 8
SP = QStyle.StandardPixmap


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


class MainWindow(QMainWindow):
    """Canvas in the centre; documents, pages, labels, regions and attributes around it."""

    projectRequested = Signal(str)  # the app reopens on another project database
    userSwitched = Signal(str)

    def __init__(self, session: Session, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings if settings is not None else QSettings()
        self.doc: Document | None = None
        self.page = 0
        self._dialogs: list[QWidget] = []
        self._imports: list[ImportRun] = []
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)

        self.canvas = PageCanvas(session, self)
        self.setCentralWidget(self.canvas)
        self.documents_panel = DocumentsPanel(session)
        self.thumbnails = ThumbnailStrip(session)
        self.palette_panel = LabelsPalette(session)
        self.regions_panel = RegionsPanel(session)
        self.attributes = AttributesEditor(session)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {
            "documents": self._dock("Documents", self.documents_panel, left),
            "pages": self._dock("Pages", self.thumbnails, left),
            "labels": self._dock("Labels", self.palette_panel, right),
            "regions": self._dock("Regions on this page", self.regions_panel, right),
            "attributes": self._dock("Attributes", self.attributes, right),
        }

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self._apply_role()
        self.resize(1400, 900)
        self.resizeDocks([self.docks["documents"], self.docks["labels"]], [320, 310],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["documents"], self.docks["pages"]], [250, 600],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["labels"], self.docks["regions"], self.docks["attributes"]],
                         [330, 300, 200], Qt.Orientation.Vertical)
        self._restore_layout()
        remember_project(self.settings, session.project.path)
        self._update_title()
        self._update_status()

    # --- assembly ------------------------------------------------------------------------

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.split()[0].lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _icon(self, pixmap: QStyle.StandardPixmap) -> QIcon:
        return self.style().standardIcon(pixmap)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: str | None = None,
                icon: QStyle.StandardPixmap | None = None, tip: str | None = None,
                checkable: bool = False) -> QAction:
        """An action whose service errors show as a message, never a traceback."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self._icon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
        action.setCheckable(checkable)
        if checkable:
            action.toggled.connect(lambda on: self._guard(lambda: slot(on)))  # type: ignore[call-arg]
        else:
            action.triggered.connect(lambda _=False: self._guard(slot))
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        c = self.canvas
        a = self._action
        self.import_action = a("&Import PDFs…", self.choose_and_import, "Ctrl+I",
                               SP.SP_DialogOpenButton, "Import PDF files into the project")
        self.import_folder_action = a("Import &folder…", self.choose_folder_and_import, None,
                                      SP.SP_DirOpenIcon, "Import every PDF under a folder")
        self.open_project_action = a("&Open project…", self.choose_project, "Ctrl+O",
                                     SP.SP_DriveHDIcon, "Open another project database")
        self.open_folder_action = a("Open project &folder…", self.choose_project_folder, None,
                                    SP.SP_DirIcon, "Open the project kept in a folder")
        self.switch_user_action = a("Switch &user…", self.switch_user, None, None,
                                    "Choose the person whose work is recorded")
        self.quit_action = a("&Quit", self.close, "Ctrl+Q")
        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.setIcon(self._icon(SP.SP_ArrowBack))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setIcon(self._icon(SP.SP_ArrowForward))
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.delete_action = a("&Delete", c.delete_selection, "Delete", SP.SP_DialogDiscardButton,
                               "Delete the selected regions")
        self.copy_action = a("&Copy", c.copy_selection, "Ctrl+C")
        self.paste_action = a("&Paste", c.paste, "Ctrl+V")
        self.select_all_action = a("Select &all", c.select_all, "Ctrl+A")
        self.zoom_in_action = a("Zoom &in", c.zoom_in, "Ctrl++", None, "Zoom in")
        self.zoom_out_action = a("Zoom &out", c.zoom_out, "Ctrl+-", None, "Zoom out")
        self.fit_width_action = a("Fit &width", c.fit_width, "Ctrl+9", None,
                                  "Zoom so the page fills the width")
        self.fit_page_action = a("Fit &page", c.fit_page, "Ctrl+0", None,
                                 "Zoom so the whole page is visible")
        self.snap_action = a("&Snap to text", self.set_snap, "Ctrl+T", None,
                             "Shrink drawn and moved boxes to the words they cover",
                             checkable=True)
        self.next_page_action = a("&Next page", lambda: self.go_page(self.page + 1), "PgDown",
                                  SP.SP_ArrowDown, "Next page")
        self.prev_page_action = a("&Previous page", lambda: self.go_page(self.page - 1), "PgUp",
                                  SP.SP_ArrowUp, "Previous page")
        self.first_page_action = a("&First page", lambda: self.go_page(0), "Home")
        self.last_page_action = a("&Last page", lambda: self.go_page(10**9), "End")
        self.goto_page_action = a("&Go to page…", self.ask_page, "Ctrl+G")
        self.next_doc_action = a("Next &document", lambda: self.go_document(+1), "Ctrl+PgDown",
                                 SP.SP_MediaSkipForward, "Next document")
        self.prev_doc_action = a("Previous d&ocument", lambda: self.go_document(-1), "Ctrl+PgUp",
                                 SP.SP_MediaSkipBackward, "Previous document")
        self.submit_action = a("Mark &submitted", lambda: self.set_status(DocStatus.submitted),
                               "Ctrl+Return", SP.SP_DialogApplyButton,
                               "Hand this document in for review")
        self.approve_action = a("&Approve", lambda: self.set_status(DocStatus.approved), None,
                                SP.SP_DialogYesButton, "Accept this document (leads)")
        self.reject_action = a("&Reject…", self.reject_document, None, SP.SP_DialogNoButton,
                               "Send this document back (leads)")
        self.assign_action = a("Assi&gn…", self.assign_document, None, None,
                               "Give this document to annotators (leads)")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.import_action, self.import_folder_action])
        file.addSeparator()
        file.addActions([self.open_project_action, self.open_folder_action])
        self.recent_menu = file.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        file.addSeparator()
        file.addAction(self.switch_user_action)
        file.addSeparator()
        file.addAction(self.quit_action)

        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.delete_action, self.copy_action, self.paste_action,
                         self.select_all_action])

        view = bar.addMenu("&View")
        view.addActions([self.zoom_in_action, self.zoom_out_action, self.fit_width_action,
                         self.fit_page_action])
        view.addSeparator()
        view.addAction(self.snap_action)
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())

        go = bar.addMenu("&Go")
        go.addActions([self.next_page_action, self.prev_page_action, self.first_page_action,
                       self.last_page_action, self.goto_page_action])
        go.addSeparator()
        go.addActions([self.next_doc_action, self.prev_doc_action])

        doc = bar.addMenu("&Document")
        doc.addAction(self.submit_action)
        doc.addSeparator()
        doc.addActions([self.approve_action, self.reject_action, self.assign_action])

        self.optional_actions: dict[str, QAction] = {}
        self._optional_menu(bar, "&Schema", [
            ("schema_editor", "Schema &editor…", self.open_schema_editor, False),
        ])
        self._optional_menu(bar, "&Review", [
            ("review_view", "&Review corrections…", self.open_review, True),
            ("audit_view", "&Audit…", self.open_audit, False),
            ("history_dialog", "Region &history…", self.open_history_of_selection, False),
        ])
        self._optional_menu(bar, "D&ataset", [
            ("versions_view", "&Versions…", self.open_versions, False),
            ("prelabel_dialog", "&Pre-label…", self.open_prelabel, False),
            ("agreement_view", "&Agreement…", self.open_agreement, False),
            ("models_view", "&Models…", self.open_models, False),
        ])

    def _optional_menu(self, bar: Any, title: str,
                       entries: list[tuple[str, str, Callable[[], Any], bool]]) -> None:
        present = [e for e in entries if module_available(e[0])]
        if not present:
            return
        menu: QMenu = bar.addMenu(title)
        for module, text, slot, leads_only in present:
            action = self._action(text, slot)
            action.setProperty("leads_only", leads_only)
            if module == "history_dialog":
                action.setShortcut(QKeySequence("Ctrl+H"))
            menu.addAction(action)
            self.optional_actions[module] = action

    def _build_toolbar(self) -> None:
        tools = QToolBar("Tools", self)
        tools.setObjectName("toolbar-main")
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tools.addActions([self.import_action])
        tools.addSeparator()
        tools.addActions([self.undo_action, self.redo_action, self.delete_action])
        tools.addSeparator()
        tools.addActions([self.prev_doc_action, self.prev_page_action, self.next_page_action,
                          self.next_doc_action])
        tools.addSeparator()
        for action, label in ((self.zoom_out_action, "−"), (self.zoom_in_action, "+"),
                              (self.fit_width_action, "Width"), (self.fit_page_action, "Page")):
            action.setIconText(label)
        tools.addActions([self.zoom_out_action, self.zoom_in_action, self.fit_width_action,
                          self.fit_page_action])
        for action in (self.zoom_out_action, self.zoom_in_action, self.fit_width_action,
                       self.fit_page_action):
            tools.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addSeparator()
        self.snap_action.setIconText("Snap")
        tools.addAction(self.snap_action)
        tools.widgetForAction(self.snap_action).setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addSeparator()
        self.class_label = QLabel()
        self.class_label.setToolTip("The class new boxes are drawn with: click one in Labels "
                                    "or press its key on the page")
        self.class_label.setContentsMargins(6, 0, 6, 0)
        tools.addWidget(self.class_label)
        tools.addSeparator()
        self.submit_action.setIconText("Submit")
        self.approve_action.setIconText("Approve")
        self.reject_action.setIconText("Reject")
        tools.addActions([self.submit_action, self.approve_action, self.reject_action])
        for action in (self.submit_action, self.approve_action, self.reject_action):
            tools.widgetForAction(action).setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(tools)
        self.toolbar = tools

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.user_label = QLabel()
        self.schema_label = QLabel()
        self.page_label = QLabel()
        self.zoom_label = QLabel()
        self.cursor_label = QLabel()
        self.cursor_label.setMinimumWidth(150)
        self.cursor_label.setText("x —  y — pt")
        for label in (self.user_label, self.schema_label, self.page_label, self.zoom_label,
                      self.cursor_label):
            label.setContentsMargins(6, 0, 6, 0)
            status.addPermanentWidget(label)

    def _connect(self) -> None:
        s, c = self.session, self.canvas
        c.selectionChangedIds.connect(self.regions_panel.select_ids)
        c.selectionChangedIds.connect(self.attributes.set_regions)
        c.selectionChangedIds.connect(self._on_selection)
        self.regions_panel.selectionChangedIds.connect(c.select_regions)
        c.cursorMoved.connect(self._on_cursor)
        c.zoomChanged.connect(lambda _z: self._update_status())
        c.currentClassChanged.connect(self._on_class)
        c.pageFailed.connect(lambda _d, p, why: self.show_message(
            f"Page {p + 1} could not be shown: {why}"))
        c.editFailed.connect(self.show_message)
        c.historyRequested.connect(self.open_history)
        self.attributes.editFailed.connect(self.show_message)
        s.commandFailed.connect(self.show_message)
        self.palette_panel.classChosen.connect(self.choose_class)
        self.documents_panel.documentActivated.connect(lambda d: self._guard(
            lambda: self.open_document(d)))
        self.thumbnails.pageActivated.connect(lambda p: self._guard(lambda: self.go_page(p)))
        s.documentsChanged.connect(self._on_documents_changed)
        s.schemaChanged.connect(self._update_status)
        s.usersChanged.connect(self._apply_role)
        self._on_class(c.current_class())
        self._on_selection([])

    # --- navigation ----------------------------------------------------------------------

    def open_page(self, document_id: int, page: int) -> None:
        """Show a page (0-based, clamped to the document) and point every panel at it."""
        project = self.session.project
        doc = documents.resolve(project, document_id)
        page = min(max(page, 0), max(doc.page_count - 1, 0))
        changed = self.doc is None or self.doc.id != doc.id
        self.doc, self.page = doc, page
        self.canvas.show_page(doc.id, page)
        if changed:
            self.thumbnails.set_document(doc.id)
            self.palette_panel.set_document(doc.id)
            self.documents_panel.set_current(doc.id)
        self.thumbnails.set_current_page(page)
        self.regions_panel.set_page(doc.id, page)
        self.attributes.set_regions(self.canvas.selected_ids())
        self.settings.setValue(self._position_key(), f"{doc.id}:{page}")
        self._update_title()
        self._update_status()
        self._update_actions()

    def open_document(self, document_id: int, page: int = 0) -> None:
        self.open_page(document_id, page)
        self.canvas.setFocus()

    def open_initial(self, doc_ref: str | int | None = None, page: int | None = None) -> bool:
        """Open the requested document (else where the user left off, else the first one).
        False when the project has no documents."""
        project = self.session.project
        if doc_ref is not None:
            doc = documents.resolve(project, doc_ref)
            self.open_page(doc.id, page or 0)
            return True
        last = str(self.settings.value(self._position_key(), "") or "")
        if last and page is None:
            try:
                d, p = (int(x) for x in last.split(":"))
                self.open_page(d, p)
                return True
            except (ValueError, AalError):
                pass
        docs = documents.list_documents(project)
        if not docs:
            self._update_actions()
            return False
        self.open_page(docs[0].id, page or 0)
        return True

    def go_page(self, page: int) -> None:
        if self.doc is None:
            return
        target = min(max(page, 0), self.doc.page_count - 1)
        if target == self.page and self.canvas.current() == (self.doc.id, target):
            return
        self.open_page(self.doc.id, target)

    def go_document(self, step: int) -> None:
        """Next/previous document in the documents panel's order (filters applied)."""
        ids = self.documents_panel.visible_ids()
        if self.doc is None or self.doc.id not in ids:
            ids = [d.id for d in documents.list_documents(self.session.project)]
        if not ids:
            return
        if self.doc is None or self.doc.id not in ids:
            self.open_document(ids[0])
            return
        i = ids.index(self.doc.id) + step
        if 0 <= i < len(ids):
            self.open_document(ids[i])
        else:
            self.show_message("This is the last document." if step > 0
                              else "This is the first document.")

    def ask_page(self) -> None:
        if self.doc is None:
            return
        n, ok = QInputDialog.getInt(self, "Go to page", f"Page (1-{self.doc.page_count}):",
                                    self.page + 1, 1, self.doc.page_count)
        if ok:
            self.go_page(n - 1)

    def _position_key(self) -> str:
        digest = hashlib.sha1(str(self.session.project.path.resolve()).encode()).hexdigest()
        return f"positions/{digest[:16]}"

    # --- editing glue --------------------------------------------------------------------

    @Slot(str)
    def choose_class(self, key: str) -> None:
        self.canvas.set_current_class(key)
        self.canvas.setFocus()

    def set_snap(self, on: bool) -> None:
        self.canvas.set_snap(on)
        self.show_message("Snap to text on: boxes shrink to the words they cover." if on
                          else "Snap to text off.")

    @Slot(str)
    def _on_class(self, key: str) -> None:
        cls = self.session.schema.get(key)
        self.palette_panel.set_current(key)
        if cls is None:
            self.class_label.setText(f"Drawing: {key}")
            return
        hotkey = f" ({cls.hotkey.upper()})" if cls.hotkey else ""
        self.class_label.setText(
            f"Drawing: <span style='color:{cls.color}; font-size:14pt'>&#9632;</span> "
            f"<b>{cls.name}</b>{hotkey}")
        self.class_label.setProperty("class_key", key)

    @Slot(list)
    def _on_selection(self, ids: list[str]) -> None:
        on = bool(ids)
        self.delete_action.setEnabled(on)
        self.copy_action.setEnabled(on)
        if "history_dialog" in self.optional_actions:
            self.optional_actions["history_dialog"].setEnabled(len(ids) == 1)

    @Slot(float, float)
    def _on_cursor(self, x: float, y: float) -> None:
        self.cursor_label.setText(f"x {x:7.1f}  y {y:7.1f} pt")

    # --- workflow ------------------------------------------------------------------------

    def set_status(self, status: DocStatus) -> None:
        if self.doc is None:
            return
        self.doc = documents.set_status(self.session.project, self.doc.id, status)
        self.show_message(f"{self.doc.filename} is now {status.value.replace('_', ' ')}.")
        self._update_status()

    def reject_document(self) -> None:
        if self.doc is None:
            return
        reason, ok = QInputDialog.getText(self, "Reject document",
                                          f"Why is {self.doc.filename} sent back?")
        if ok:
            self.doc = documents.set_status(self.session.project, self.doc.id,
                                            DocStatus.rejected, reason.strip() or None)
            self.show_message(f"{self.doc.filename} is now rejected.")
            self._update_status()

    def assign_document(self) -> None:
        if self.doc is None:
            return
        dialog = AssignDialog(self.session, self.doc, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            documents.assign(self.session.project, self.doc.id, dialog.chosen())
            self.show_message(f"{self.doc.filename} assigned to {', '.join(dialog.chosen())}.")

    def switch_user(self) -> None:
        dialog = UserDialog(self.session.project, self.session.project.user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.set_user(str(dialog.chosen()))

    def set_user(self, name: str) -> None:
        """Act as another person from now on (their own undo history starts empty)."""
        self.session.project.switch_user(name)
        self.session.undo_stack.clear()
        self.settings.setValue("user", name)
        self._apply_role()
        self.userSwitched.emit(name)
        self.show_message(f"Working as {name} ({self.session.project.role.value}).")

    @Slot()
    def _apply_role(self) -> None:
        """Lead-only actions are hidden for annotators (the services refuse them anyway)."""
        lead = self.session.project.is_lead
        for action in (self.approve_action, self.reject_action, self.assign_action):
            action.setVisible(lead)
        for action in self.optional_actions.values():
            if action.property("leads_only"):
                action.setVisible(lead)
        self._update_status()
        self._update_actions()

    # --- importing -----------------------------------------------------------------------

    def choose_and_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import PDFs", "",
                                                "PDF files (*.pdf *.PDF);;All files (*)")
        if files:
            self.import_files(files)

    def choose_folder_and_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import every PDF under a folder")
        if folder:
            self.import_files([folder])

    def import_files(self, paths: list[str]) -> ImportRun:
        """Import in the background with a progress dialog and a summary at the end."""
        run = import_paths_with_progress(self.session, paths, self)
        self._imports.append(run)
        run.finished.connect(lambda _o, r=run: self._imports.remove(r)
                             if r in self._imports else None)
        return run

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    @staticmethod
    def _dropped_paths(mime: Any) -> list[str]:
        if not mime.hasUrls():
            return []
        out = []
        for url in mime.urls():
            if url.isLocalFile():
                p = Path(url.toLocalFile())
                if p.is_dir() or p.suffix.lower() == ".pdf":
                    out.append(str(p))
        return out

    @Slot()
    def _on_documents_changed(self) -> None:
        if self.doc is None:
            if self.open_initial():
                self.canvas.setFocus()
            return
        try:
            self.doc = documents.resolve(self.session.project, self.doc.id)
        except AalError:
            return
        self._update_status()

    # --- projects ------------------------------------------------------------------------

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project database", str(self.session.project.folder),
            "AAL projects (*.sqlite3 *.sqlite *.db);;All files (*)")
        if path:
            self.request_project(path)

    def choose_project_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open (or create) a project folder",
                                                  str(self.session.project.folder))
        if folder:
            self.request_project(str(Path(folder) / "aal.sqlite3"))

    def request_project(self, path: str) -> None:
        remember_project(self.settings, path)
        self.projectRequested.emit(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = str(self.session.project.path.resolve())
        entries = [p for p in recent_projects(self.settings) if p != current]
        for p in entries:
            action = self.recent_menu.addAction(p)
            action.triggered.connect(lambda _=False, path=p: self.request_project(path))
        if not entries:
            empty = self.recent_menu.addAction("No other recent projects")
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(lambda: self.settings.setValue(RECENT_KEY, [current]))

    # --- other engineers' dialogs ----------------------------------------------------------

    def _open_dialog(self, module: str, cls_name: str, *args: Any) -> QWidget:
        """Build a dialog from its module and show it non-modally."""
        mod = importlib.import_module(f"aal_desktop.ui.{module}")
        dialog = getattr(mod, cls_name)(self.session, *args, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs = [d for d in self._dialogs if _alive(d)]
        self._dialogs.append(dialog)
        dialog.show()
        return dialog

    def open_schema_editor(self) -> None:
        self._open_dialog("schema_editor", "SchemaEditorDialog")

    def open_review(self) -> None:
        self._open_dialog("review_view", "ReviewWindow")

    def open_audit(self) -> None:
        self._open_dialog("audit_view", "AuditDialog")

    def open_history_of_selection(self) -> None:
        ids = self.canvas.selected_ids()
        if not ids:
            self.show_message("Select a region to see its history.")
            return
        self.open_history(ids[0])

    @Slot(str)
    def open_history(self, region_id: str) -> None:
        if module_available("history_dialog"):
            self._guard(lambda: self._open_dialog("history_dialog", "RegionHistoryDialog",
                                                  region_id))

    def open_versions(self) -> None:
        self._open_dialog("versions_view", "VersionsDialog")

    def open_prelabel(self) -> None:
        if self.doc is None:
            self.show_message("Open a document to pre-label it.")
            return
        self._open_dialog("prelabel_dialog", "PrelabelDialog", [self.doc.id], None)

    def open_agreement(self) -> None:
        self._open_dialog("agreement_view", "AgreementDialog")

    def open_models(self) -> None:
        self._open_dialog("models_view", "ModelsDialog")

    # --- feedback ------------------------------------------------------------------------

    def _guard(self, fn: Callable[[], Any]) -> Any:
        """Run an action; a service's refusal becomes a clear message."""
        try:
            return fn()
        except AalError as exc:
            self.show_error(str(exc))
            return None

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> None:
        """A refused action: in the status bar and in a (non-blocking) message box."""
        self.show_message(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "AAL Desktop", text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = text

    def _update_title(self) -> None:
        folder = self.session.project.folder.name or str(self.session.project.folder)
        doc = f"{self.doc.filename} — " if self.doc is not None else ""
        self.setWindowTitle(f"{doc}{folder} — AAL Desktop")

    @Slot()
    def _update_status(self) -> None:
        project = self.session.project
        self.user_label.setText(f"{project.user} ({project.role.value})")
        schema = self.session.schema
        self.schema_label.setText(f"Schema {schema.name} v{schema.version}")
        if self.doc is None:
            self.page_label.setText("No document")
        else:
            status = self.doc.status.value.replace("_", " ")
            self.page_label.setText(f"Page {self.page + 1}/{self.doc.page_count} · {status}")
        self.zoom_label.setText(f"{self.canvas.zoom() * 100:.0f}%")

    def _update_actions(self) -> None:
        has_doc = self.doc is not None
        for action in (self.submit_action, self.approve_action, self.reject_action,
                       self.assign_action, self.next_page_action, self.prev_page_action,
                       self.first_page_action, self.last_page_action, self.goto_page_action,
                       self.paste_action, self.select_all_action):
            action.setEnabled(has_doc)

    # --- layout memory -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        snap = self.settings.value("snap_to_text", False)
        self.snap_action.setChecked(str(snap).lower() in ("true", "1"))

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("snap_to_text", self.snap_action.isChecked())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        for run in list(self._imports):
            run.cancel()
            run.thread.quit()
            run.thread.wait(30000)
        super().closeEvent(event)


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
        return True
    except RuntimeError:  # deleted on close
        return False
