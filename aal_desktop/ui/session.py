"""The window's handle on one project: Qt signals for committed changes, undo, renders.

Services tell listeners what they changed after each commit (`Project.subscribe`); the
Session turns those plain callbacks into Qt signals delivered on the GUI thread, so panels
redraw from what the services say happened and never poll the database. `regionsEdited`
carries the whole Change (ids, new region states, initiator): the view that made a change
sees itself as the initiator and skips its own echo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack

from ..core.errors import AalError
from ..core.records import Document, Region
from ..core.schema import LabelSchema
from ..pdf.words import Word
from ..services import schemas, text
from ..services.project import Change, ChangeKind, Project
from .render_service import RenderService


@dataclass(frozen=True)
class Replay:
    """An undo or redo that went through: its verb, step label, page and live regions."""

    verb: str  # "undo" / "redo"
    label: str
    document_id: int | None
    page: int | None
    region_ids: list[str]

    def message(self) -> str:
        return f"{'Undid' if self.verb == 'undo' else 'Redid'}: {self.label}"


class Session(QObject):
    """The window's handle on one project: Qt signals for committed changes, the undo stack,
    renders."""

    regionsChanged = Signal(int, int)  # document_id, page (-1: several/unknown pages)
    regionsEdited = Signal(object)  # the region Change itself (ids, regions, initiator)
    documentsChanged = Signal()
    schemaChanged = Signal()
    eventsChanged = Signal()  # any new event / review decision
    versionsChanged = Signal()  # dataset versions, releases, models
    usersChanged = Signal()  # acting user added or switched (extra: not in the contract)
    # an undo/redo happened: Replay (what, which page, which regions are back); the window
    # goes to that page and says so, the canvas reselects the restored regions
    stepReplayed = Signal(object)
    commandFailed = Signal(str)  # an undo/redo the services refused, with the reason (extra)

    _incoming = Signal(object)  # a Change, from whatever thread committed it

    def __init__(
        self, project: Project, parent: QObject | None = None, renderer: RenderService | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        if renderer is None:  # the app passes one it started before opening the project
            renderer = RenderService()
            renderer.warm_up()  # PyMuPDF loads in the workers while the window builds
        renderer.setParent(self)
        self.renderer = renderer
        self._schema: LabelSchema | None = None
        self._closed = False
        # Always queued: a listener that redraws must never run inside the service call
        # (e.g. in the middle of a mouse-release handler whose item it would delete).
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] = project.subscribe(self._on_change)
        renderer.wordsReady.connect(self._on_words)

    @property
    def schema(self) -> LabelSchema:
        """The current published schema, cached until a schema change arrives."""
        if self._schema is None:
            self._schema = schemas.current(self.project)
        return self._schema

    def refresh_schema(self) -> LabelSchema:
        """Drop the cached schema now (e.g. right after publishing) and read it again."""
        self._schema = None
        return self.schema

    def _on_change(self, change: Change) -> None:
        """Project listener: may run on any thread, so it only hands the change over."""
        if not self._closed:
            self._incoming.emit(change)

    @Slot(object)
    def _dispatch(self, change: Change) -> None:
        if self._closed:
            return
        kind = change.kind
        if kind == ChangeKind.region:
            doc = change.document_id if change.document_id is not None else -1
            page = change.page if change.page is not None else -1
            self.regionsEdited.emit(change)
            self.regionsChanged.emit(doc, page)
            self.eventsChanged.emit()
        elif kind == ChangeKind.document:
            self.documentsChanged.emit()
        elif kind == ChangeKind.schema:
            self._schema = None
            self.schemaChanged.emit()
            self.eventsChanged.emit()
        elif kind in (ChangeKind.review, ChangeKind.prelabel):
            self.eventsChanged.emit()  # a revert also sends its own region change
        elif kind in (ChangeKind.version, ChangeKind.model):
            self.versionsChanged.emit()
        elif kind == ChangeKind.user:
            self.usersChanged.emit()

    @property
    def closed(self) -> bool:
        """The project is closed: views left on screen must not read it any more."""
        return self._closed

    def announce_replay(self, verb: str, label: str, regions: list[Region]) -> None:
        first = regions[0] if regions else None
        self.stepReplayed.emit(
            Replay(
                verb,
                label,
                first.document_id if first else None,
                first.page if first else None,
                [r.id for r in regions if not r.deleted],
            )
        )

    def prefetch_words(self, document: Document, page: int) -> None:
        """Extract a page's words in a render worker while the person looks at it: the first
        box drawn or moved on a page takes its text from them, and extracting them then (the
        project's own PDF process starting, the first time) froze the window for seconds."""
        if self._closed or text.has_words(self.project, document.id, page):
            return
        try:
            path = self.project.pdf_path(document.sha256)
        except AalError:  # a missing file is reported where it is opened
            return
        self.renderer.request_words(document.id, str(path), page)

    @Slot(object, object)
    def _on_words(self, key: tuple[int, int], words: list[Word]) -> None:
        if self._closed:
            return
        try:
            text.remember_words(self.project, key[0], key[1], words)
        except AalError:  # e.g. a full disk: the first edit extracts them and says why
            return

    def close(self) -> None:
        """Stop listening and rendering, drop undo history, and close the project."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self.undo_stack.clear()
        self.renderer.close()
        self.project.close()
