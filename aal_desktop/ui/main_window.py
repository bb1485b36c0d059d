"""The main window: a thin assembly of the canvas, dock panels, actions, menus, status bar.

Panels and the canvas redraw from the session's signals; the window only wires them
together and turns menu actions into service calls (or undo commands). The actions are a
table (window_actions.action_specs) held in one ActionRegistry, looked up by id. Three
helpers the window owns do the rest: its dialogs (window_dialogs, each imported by name when
first opened, to keep start-up quick), PDF imports (window_imports) and the workflow actions
(window_workflow: document status, assignment, who is working).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import Document
from ..services import documents
from ..services import regions as region_service
from . import prelabel_workspace, window_actions
from .action_registry import ActionRegistry, UiState
from .icons import contrasts
from .page_canvas import PageCanvas
from .page_hint import PageHint
from .panels.attributes_editor import AttributesEditor
from .panels.documents_panel import DocumentsPanel
from .panels.labels_palette import LabelsPalette
from .panels.regions_panel import RegionsPanel
from .panels.thumbnails import ThumbnailStrip
from .session import Replay, Session
from .team_menu import install_team_menu
from .window_actions import RECENT_KEY, recent_projects, remember_project
from .window_dialogs import WindowDialogs
from .window_imports import WindowImports
from .window_workflow import WindowWorkflow


class MainWindow(QMainWindow):
    """Canvas in the centre; documents, pages, labels, regions and attributes around it."""

    projectRequested = Signal(str)  # the app reopens on another project database
    userSwitched = Signal(str)

    def __init__(
        self, session: Session, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings if settings is not None else QSettings()
        self.doc: Document | None = None
        self.page = 0
        self.dialogs = WindowDialogs(self)
        self.imports = WindowImports(self)
        self.workflow = WindowWorkflow(self)
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )

        self.canvas = PageCanvas(session, self)
        self.setCentralWidget(self.canvas)
        self.page_hint = PageHint(self.canvas)
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

        self.action_registry: ActionRegistry = window_actions.build_actions(self)
        self.recent_menu = window_actions.build_menus(self, self.action_registry)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        self.toolbar, self.class_label = window_actions.build_toolbar(self, self.action_registry)
        (
            self.user_label,
            self.schema_label,
            self.page_label,
            self.zoom_label,
            self.cursor_label,
        ) = window_actions.build_status_bar(self)
        self.team_menu = install_team_menu(self)
        self._selected_count = 0
        self.last_error: str | None = None
        self._connect()
        self._apply_role()
        self.resize(1400, 900)
        self.resizeDocks(
            [self.docks["documents"], self.docks["labels"]], [320, 310], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["documents"], self.docks["pages"]], [250, 600], Qt.Orientation.Vertical
        )
        self.resizeDocks(
            [self.docks["labels"], self.docks["regions"], self.docks["attributes"]],
            [330, 300, 200],
            Qt.Orientation.Vertical,
        )
        self._restore_layout()
        remember_project(self.settings, session.project.path)
        self._update_title()
        self._update_status()

    # --- assembly ------------------------------------------------------------------------

    def action(self, action_id: str) -> QAction:
        """The window's action with this id (see window_actions.action_specs)."""
        return self.action_registry[action_id]

    @property
    def dialog_actions(self) -> dict[str, QAction]:
        """The menu entries that open dialogs, by their module's name."""
        return self.action_registry.group("dialogs")

    @property
    def prelabel_actions(self) -> dict[str, QAction]:
        """Dataset → Pre-label entries by scope: "page", "document", "selected"."""
        return {
            k.removeprefix("prelabel_"): a
            for k, a in self.action_registry.group("prelabel").items()
        }

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.split()[0].lower()}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        s, c = self.session, self.canvas
        c.selectionChangedIds.connect(self.regions_panel.select_ids)
        c.selectionChangedIds.connect(self.attributes.set_regions)
        c.selectionChangedIds.connect(self._on_selection)
        self.regions_panel.selectionChangedIds.connect(c.select_regions)
        c.cursorMoved.connect(self._on_cursor)
        c.zoomChanged.connect(lambda _z: self._update_status())
        c.currentClassChanged.connect(self._on_class)
        c.pageFailed.connect(
            lambda _d, p, why: self.show_message(f"Page {p + 1} could not be shown: {why}")
        )
        c.editFailed.connect(self.show_message)
        c.message.connect(self.show_message)
        c.clipboardChanged.connect(lambda _has: self._update_actions())
        c.pageReady.connect(self._drop_failure_message)
        s.stepReplayed.connect(self._on_replay)
        self.regions_panel.table.focusPageRequested.connect(c.setFocus)
        self.regions_panel.table.page_keys = c.take_key
        c.historyRequested.connect(self.dialogs.open_history)
        self.attributes.editFailed.connect(self.show_message)
        s.commandFailed.connect(self.show_message)
        self.palette_panel.classChosen.connect(self.choose_class)
        self.documents_panel.documentActivated.connect(
            lambda d: self._guard(lambda: self.open_document(d))
        )
        self.thumbnails.pageActivated.connect(lambda p: self._guard(lambda: self.go_page(p)))
        s.documentsChanged.connect(self._on_documents_changed)
        s.regionsChanged.connect(lambda _d, _p: self._update_hint())
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
        self._update_hint()
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
            self.show_message(
                "This is the last document." if step > 0 else "This is the first document."
            )

    def ask_page(self) -> None:
        if self.doc is None:
            return
        n, ok = QInputDialog.getInt(
            self,
            "Go to page",
            f"Page (1-{self.doc.page_count}):",
            self.page + 1,
            1,
            self.doc.page_count,
        )
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
        self.show_message(
            "Snap to text on: boxes shrink to the words they cover." if on else "Snap to text off."
        )

    @Slot(str)
    def _on_class(self, key: str) -> None:
        cls = self.session.schema.get(key)
        self.palette_panel.set_current(key)
        if cls is None:
            self.class_label.setText(f"Drawing: {key}")
            return
        hotkey = f" ({cls.hotkey.upper()})" if cls.hotkey else ""
        window = self.palette().color(self.backgroundRole())
        # a navy square on a dark tool bar is invisible: give it a contrasting backing
        backing = (
            ""
            if contrasts(cls.color, window)
            else ("; background-color:" + ("#dfe1e5" if window.lightness() < 128 else "#3c3f41"))
        )
        self.class_label.setText(
            f"Drawing: <span style='color:{cls.color}; font-size:14pt{backing}'>&#9632;</span> "
            f"<b>{cls.name}</b>{hotkey}"
        )
        self.class_label.setProperty("class_key", key)

    @Slot(list)
    def _on_selection(self, ids: list[str]) -> None:
        self._selected_count = len(ids)
        self._update_actions()

    @Slot(float, float)
    def _on_cursor(self, x: float, y: float) -> None:
        self.cursor_label.setText(f"x {x:7.1f}  y {y:7.1f} pt")

    # --- workflow ------------------------------------------------------------------------

    @Slot()
    def _apply_role(self) -> None:
        """Lead-only actions are hidden for annotators (the services refuse them anyway)."""
        self._update_status()
        self._update_actions()

    # --- importing (window_imports) --------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.imports.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.imports.drop(event)

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
            self,
            "Open project database",
            str(self.session.project.folder),
            "AAL projects (*.sqlite3 *.sqlite *.db);;All files (*)",
        )
        if path:
            self.request_project(path)

    def choose_project_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Open (or create) a project folder", str(self.session.project.folder)
        )
        if folder:
            self.request_project(str(Path(folder) / "aal.sqlite3"))

    def request_project(self, path: str) -> None:
        """Ask the app to open another project; it is remembered once it opened (App)."""
        self.projectRequested.emit(path)

    def _fill_recent(self) -> None:
        current = str(self.session.project.path.resolve())
        window_actions.fill_recent(
            self,
            self.recent_menu,
            recent_projects(self.settings),
            current,
            lambda: self.settings.setValue(RECENT_KEY, [current]),
        )

    # --- pre-labels ----------------------------------------------------------------------

    def accept_prelabels_on_page(self) -> int:
        return prelabel_workspace.accept_on_page(self)

    def accept_prelabels_above(self) -> int:
        return prelabel_workspace.accept_above(self)

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

    def _drop_failure_message(self, _doc: int, _page: int) -> None:
        """A good page: the last page's failure no longer applies."""
        if "could not be shown" in self.statusBar().currentMessage():
            self.statusBar().clearMessage()

    def _on_replay(self, replay: Replay) -> None:
        """An undo/redo: go to the page it changed, and say what was undone."""
        if (
            replay.document_id is not None
            and replay.page is not None
            and (self.canvas.current() != (replay.document_id, replay.page))
        ):
            self.open_page(replay.document_id, replay.page)
        where = f" (page {replay.page + 1})" if replay.page is not None else ""
        self.show_message(replay.message() + where)

    def show_error(self, text: str) -> None:
        """A refused action: in the status bar and in a (non-blocking) message box."""
        self.show_message(text)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "AAL Desktop", text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = text

    def _update_hint(self) -> None:
        """The drawing hint over a page with no regions yet."""
        if self.doc is None:
            self.page_hint.set_empty(False)
            return
        empty = not region_service.page_has_regions(self.session.project, self.doc.id, self.page)
        self.page_hint.set_empty(empty)

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
        """Enable and show the actions as their specs say (document open, selection, role)."""
        self.action_registry.refresh(
            UiState(
                has_document=self.doc is not None,
                selected=self._selected_count,
                is_lead=self.session.project.is_lead,
            )
        )
        self.action("paste").setEnabled(self.doc is not None and self.canvas.can_paste())

    # --- layout memory -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        snap = self.settings.value("snap_to_text", False)
        self.action("snap").setChecked(str(snap).lower() in ("true", "1"))

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("snap_to_text", self.action("snap").isChecked())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.imports.cancel_all()
        super().closeEvent(event)
