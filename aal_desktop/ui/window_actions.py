"""The main window's action table, menus, toolbar and status bar.

Every fixed action is one ActionSpec row in `action_specs` (id, text, shortcut, handler,
enabled-when, leads-only); `build_actions` turns the table into the window's ActionRegistry,
looked up by id (`window.action("delete")`). Menus and the toolbar are lists of those ids.
Dialogs are imported by name inside their handlers (window_dialogs: explicit imports,
loaded when first opened so start-up stays quick): a renamed module fails loudly instead of
hiding its menu.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QMenuBar,
    QStyle,
    QToolBar,
    QToolButton,
)

from ..core.records import DocStatus
from .action_registry import ActionRegistry, ActionSpec, When
from .dialogs.annotation_import_dialog import open_annotation_import
from .help_menu import help_specs
from .icons import edit_icon

if TYPE_CHECKING:
    from .main_window import MainWindow

SP = QStyle.StandardPixmap
RECENT_KEY = "recent_projects"
MAX_RECENT = 8
SEPARATOR = ""  # in a menu or toolbar layout: a separator line


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def remember_project(settings: QSettings, path: Path | str) -> None:
    """Put a project at the top of the recent list."""
    p = str(Path(path).resolve())
    items = [p] + [r for r in recent_projects(settings) if r != p]
    settings.setValue(RECENT_KEY, items[:MAX_RECENT])


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


def action_specs(w: MainWindow) -> list[ActionSpec]:
    """The table of the window's fixed actions (undo/redo come from the undo stack)."""
    c = w.canvas
    doc, sel = When.document, When.selection
    return [
        ActionSpec(
            "import",
            "&Import PDFs…",
            w.imports.choose_and_import,
            "Ctrl+I",
            SP.SP_DialogOpenButton,
            "Import PDF files into the project",
        ),
        ActionSpec(
            "import_folder",
            "Import &folder…",
            w.imports.choose_folder_and_import,
            None,
            SP.SP_DirOpenIcon,
            "Import every PDF under a folder",
        ),
        ActionSpec(
            "import_annotations",
            "Import &annotations…",
            lambda: open_annotation_import(w.session, w),
            None,
            SP.SP_FileDialogContentsView,
            "Import boxes from COCO, Label Studio, CVAT, labelme, PAWLS or PAGE XML",
        ),
        ActionSpec(
            "open_project",
            "&Open project…",
            w.choose_project,
            "Ctrl+O",
            SP.SP_DriveHDIcon,
            "Open another project database",
        ),
        ActionSpec(
            "open_folder",
            "Open project &folder…",
            w.choose_project_folder,
            None,
            SP.SP_DirIcon,
            "Open the project kept in a folder",
        ),
        ActionSpec(
            "switch_user",
            "Switch &user…",
            w.workflow.switch_user,
            None,
            None,
            "Choose the person whose work is recorded",
        ),
        ActionSpec("quit", "&Quit", w.close, "Ctrl+Q"),
        ActionSpec(
            "delete",
            "&Delete",
            c.delete_selection,
            "Delete",
            SP.SP_DialogDiscardButton,
            "Delete the selected regions",
            enabled_when=sel,
        ),
        ActionSpec("copy", "&Copy", c.copy_selection, "Ctrl+C", enabled_when=sel),
        ActionSpec("paste", "&Paste", c.paste, "Ctrl+V", enabled_when=doc),
        ActionSpec("select_all", "Select &all", c.select_all, "Ctrl+A", enabled_when=doc),
        ActionSpec("zoom_in", "Zoom &in", c.zoom_in, "Ctrl++", None, "Zoom in"),
        ActionSpec("zoom_out", "Zoom &out", c.zoom_out, "Ctrl+-", None, "Zoom out"),
        ActionSpec(
            "fit_width",
            "Fit &width",
            c.fit_width,
            "Ctrl+9",
            None,
            "Zoom so the page fills the width",
        ),
        ActionSpec(
            "fit_page", "Fit &page", c.fit_page, "Ctrl+0", None, "Zoom so the whole page is visible"
        ),
        ActionSpec(
            "snap",
            "&Snap to text",
            w.set_snap,
            "Ctrl+T",
            None,
            "Shrink drawn and moved boxes to the words they cover",
            checkable=True,
        ),
        ActionSpec(
            "next_page",
            "&Next page",
            lambda: w.go_page(w.page + 1),
            "PgDown",
            SP.SP_ArrowDown,
            "Next page",
            enabled_when=doc,
        ),
        ActionSpec(
            "prev_page",
            "&Previous page",
            lambda: w.go_page(w.page - 1),
            "PgUp",
            SP.SP_ArrowUp,
            "Previous page",
            enabled_when=doc,
        ),
        ActionSpec("first_page", "&First page", lambda: w.go_page(0), "Home", enabled_when=doc),
        ActionSpec("last_page", "&Last page", lambda: w.go_page(10**9), "End", enabled_when=doc),
        ActionSpec("goto_page", "&Go to page…", w.ask_page, "Ctrl+G", enabled_when=doc),
        ActionSpec(
            "next_doc",
            "Next &document",
            lambda: w.go_document(+1),
            "Ctrl+PgDown",
            SP.SP_MediaSkipForward,
            "Next document",
        ),
        ActionSpec(
            "prev_doc",
            "Previous d&ocument",
            lambda: w.go_document(-1),
            "Ctrl+PgUp",
            SP.SP_MediaSkipBackward,
            "Previous document",
        ),
        # Ctrl+Return accepts the page's pre-labels (issue 7), so submitting is Ctrl+Shift+S.
        ActionSpec(
            "submit",
            "Mark &submitted",
            lambda: w.workflow.set_status(DocStatus.submitted),
            "Ctrl+Shift+S",
            SP.SP_DialogApplyButton,
            "Hand this document in for review",
            enabled_when=doc,
        ),
        ActionSpec(
            "approve",
            "&Approve",
            lambda: w.workflow.set_status(DocStatus.approved),
            None,
            SP.SP_DialogYesButton,
            "Accept this document (leads)",
            enabled_when=doc,
            leads_only=True,
        ),
        ActionSpec(
            "reject",
            "&Reject…",
            w.workflow.reject_document,
            None,
            SP.SP_DialogNoButton,
            "Send this document back (leads)",
            enabled_when=doc,
            leads_only=True,
        ),
        ActionSpec(
            "assign",
            "Assi&gn…",
            w.workflow.assign_document,
            None,
            None,
            "Give this document to annotators (leads)",
            enabled_when=doc,
            leads_only=True,
        ),
        ActionSpec(
            "accept_page",
            "A&ccept pre-labels on this page",
            w.accept_prelabels_on_page,
            "Ctrl+Return",
            None,
            "Confirm every pending model pre-label on this page as it is",
            enabled_when=doc,
        ),
        ActionSpec(
            "accept_above",
            "Accept pre-labels a&bove confidence…",
            w.accept_prelabels_above,
            "Ctrl+Shift+Return",
            None,
            "Confirm this document's pending pre-labels the model is sure of",
            enabled_when=doc,
        ),
        # the dialogs (ids are their module names), each imported by name when opened
        ActionSpec(
            "schema_editor", "Schema &editor…", w.dialogs.open_schema_editor, group="dialogs"
        ),
        ActionSpec(
            "review_view",
            "&Review corrections…",
            w.dialogs.open_review,
            group="dialogs",
            leads_only=True,
        ),
        ActionSpec("audit_view", "&Audit…", w.dialogs.open_audit, group="dialogs"),
        ActionSpec(
            "history_dialog",
            "Region &history…",
            w.dialogs.open_history_of_selection,
            "Ctrl+H",
            group="dialogs",
            enabled_when=When.one_selected,
        ),
        ActionSpec("versions_view", "&Versions…", w.dialogs.open_versions, group="dialogs"),
        ActionSpec("prelabel_dialog", "&Pre-label", w.dialogs.open_prelabel, group="dialogs"),
        ActionSpec("agreement_view", "&Agreement…", w.dialogs.open_agreement, group="dialogs"),
        ActionSpec("models_view", "&Models…", w.dialogs.open_models, group="dialogs"),
        ActionSpec(
            "prelabel_page",
            "Current &page…",
            lambda: w.dialogs.open_prelabel("page"),
            None,
            None,
            "Pre-label the page on screen",
            group="prelabel",
            enabled_when=doc,
        ),
        ActionSpec(
            "prelabel_document",
            "&This document…",
            lambda: w.dialogs.open_prelabel("document"),
            None,
            None,
            "Pre-label every page of this document",
            group="prelabel",
            enabled_when=doc,
        ),
        ActionSpec(
            "prelabel_selected",
            "&Selected documents…",
            lambda: w.dialogs.open_prelabel("selected"),
            None,
            None,
            "Pre-label the documents selected in the Documents panel",
            group="prelabel",
        ),
        *help_specs(w),
    ]


def build_actions(w: MainWindow) -> ActionRegistry:
    """The window's registry: undo/redo from the session's stack, then the table."""
    registry = ActionRegistry()
    stack = w.session.undo_stack
    undo = stack.createUndoAction(w, "&Undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    undo.setIcon(edit_icon(w, "edit-undo"))  # not the arrows the page buttons use
    redo = stack.createRedoAction(w, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    redo.setIcon(edit_icon(w, "edit-redo"))
    for action in (undo, redo):
        w.addAction(action)  # shortcuts work even when the menu bar is hidden
    _name_the_step(undo, "Undo", "Ctrl+Z", stack.undoText(), stack.undoTextChanged)
    _name_the_step(redo, "Redo", "Ctrl+Shift+Z", stack.redoText(), stack.redoTextChanged)
    registry.add(ActionSpec("undo", "&Undo", stack.undo, enabled_when=When.managed), undo)
    registry.add(ActionSpec("redo", "&Redo", stack.redo, enabled_when=When.managed), redo)
    registry.build(w, action_specs(w), w._guard)
    return registry


def _name_the_step(action: QAction, verb: str, keys: str, text: str, changed: Any) -> None:
    """The tool tip says which step undo/redo would take back ("Undo draw title (Ctrl+Z)")."""

    def update(step: str) -> None:
        action.setToolTip(f"{verb} {step} ({keys})" if step else f"Nothing to {verb.lower()}")

    update(text)
    changed.connect(update)


MENUS: list[tuple[str, list[str]]] = [
    (
        "&File",
        [
            "import",
            "import_folder",
            "import_annotations",
            SEPARATOR,
            "open_project",
            "open_folder",
            "@recent",
            SEPARATOR,
            "switch_user",
            SEPARATOR,
            "quit",
        ],
    ),
    (
        "&Edit",
        [
            "undo",
            "redo",
            SEPARATOR,
            "delete",
            "copy",
            "paste",
            "select_all",
            SEPARATOR,
            "accept_page",
            "accept_above",
        ],
    ),
    (
        "&View",
        ["zoom_in", "zoom_out", "fit_width", "fit_page", SEPARATOR, "snap", SEPARATOR, "@panels"],
    ),
    (
        "&Go",
        [
            "next_page",
            "prev_page",
            "first_page",
            "last_page",
            "goto_page",
            SEPARATOR,
            "next_doc",
            "prev_doc",
        ],
    ),
    ("&Document", ["submit", SEPARATOR, "approve", "reject", "assign"]),
    ("&Schema", ["schema_editor"]),
    ("&Review", ["review_view", "audit_view", "history_dialog"]),
    ("D&ataset", ["versions_view", "@prelabel", "agreement_view", "models_view"]),
    ("&Help", ["how_to_label", "shortcuts", SEPARATOR, "about"]),
]


def build_menus(w: MainWindow, registry: ActionRegistry) -> QMenu:
    """The menu bar from MENUS; returns the Recent projects menu (filled when shown)."""
    bar: QMenuBar = w.menuBar()
    recent = QMenu("&Recent projects", w)
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry == SEPARATOR:
                menu.addSeparator()
            elif entry == "@recent":
                menu.addMenu(recent)
            elif entry == "@panels":
                panels = menu.addMenu("&Panels")
                for dock in w.docks.values():
                    panels.addAction(dock.toggleViewAction())
            elif entry == "@prelabel":
                menu.addAction(prelabel_submenu(w, registry, menu))
            else:
                menu.addAction(registry[entry])
    return recent


def prelabel_submenu(w: MainWindow, registry: ActionRegistry, menu: QMenu) -> Any:
    """Dataset → Pre-label is a submenu: current page, this document, selection."""
    sub = QMenu("&Pre-label", menu)
    sub.addActions(list(registry.group("prelabel").values()))
    sub.addSeparator()
    sub.addActions([registry["accept_page"], registry["accept_above"]])
    action = registry["prelabel_dialog"]
    action.setMenu(sub)  # the single entry opens the submenu
    # Ctrl/Shift-click picks several documents for "Selected documents…".
    w.documents_panel.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    return action


TOOLBAR = [
    "import",
    SEPARATOR,
    "undo",
    "redo",
    "delete",
    SEPARATOR,
    "prev_doc",
    "prev_page",
    "next_page",
    "next_doc",
    SEPARATOR,
]
TOOLBAR_TEXT = [
    ("zoom_out", "−"),
    ("zoom_in", "+"),
    ("fit_width", "Width"),
    ("fit_page", "Page"),
    (SEPARATOR, ""),
    ("snap", "Snap"),
]
TOOLBAR_WORKFLOW = [("submit", "Submit"), ("approve", "Approve"), ("reject", "Reject")]


def build_toolbar(w: MainWindow, registry: ActionRegistry) -> tuple[QToolBar, QLabel]:
    """The tool bar; returns it and the "Drawing: <class>" label it holds."""
    tools = QToolBar("Tools", w)
    tools.setObjectName("toolbar-main")
    tools.setIconSize(QSize(18, 18))
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for entry in TOOLBAR:
        if entry == SEPARATOR:
            tools.addSeparator()
        else:
            tools.addAction(registry[entry])
    text_only = Qt.ToolButtonStyle.ToolButtonTextOnly
    for entry, label in TOOLBAR_TEXT:
        if entry == SEPARATOR:
            tools.addSeparator()
            continue
        action = registry[entry]
        action.setIconText(label)
        tools.addAction(action)
        _button_style(tools, action, text_only)
    tools.addSeparator()
    class_label = QLabel()
    class_label.setToolTip(
        "The class new boxes are drawn with: click one in Labels or press its key on the page"
    )
    class_label.setContentsMargins(6, 0, 6, 0)
    tools.addWidget(class_label)
    tools.addSeparator()
    for entry, label in TOOLBAR_WORKFLOW:
        action = registry[entry]
        action.setIconText(label)
        tools.addAction(action)
        _button_style(tools, action, Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    w.addToolBar(tools)
    return tools, class_label


def _button_style(tools: QToolBar, action: QAction, style: Qt.ToolButtonStyle) -> None:
    button = tools.widgetForAction(action)
    if isinstance(button, QToolButton):
        button.setToolButtonStyle(style)


def build_status_bar(w: MainWindow) -> list[QLabel]:
    """The permanent labels of the status bar: user, schema, page, zoom, cursor."""
    status = w.statusBar()
    labels = [QLabel() for _ in range(5)]
    cursor = labels[4]
    cursor.setMinimumWidth(150)
    cursor.setText("x —  y — pt")
    for label in labels:
        label.setContentsMargins(6, 0, 6, 0)
        status.addPermanentWidget(label)
    return labels


def fill_recent(
    w: MainWindow, menu: QMenu, recent: list[str], current: str, clear: Callable[[], None]
) -> None:
    """The File → Recent projects entries (every project but the open one)."""
    menu.clear()
    entries = [p for p in recent if p != current]
    for p in entries:
        action = menu.addAction(p)
        action.triggered.connect(lambda _=False, path=p: w.request_project(path))
    if not entries:
        menu.addAction("No other recent projects").setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction("Clear list").triggered.connect(clear)
