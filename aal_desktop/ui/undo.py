"""The window's Undo/Redo menu: a QUndoStack as a thin pass-through over services/history.

The history lives in the project (services/history.py), like Anki's: each QUndoCommand
holds the id of ONE step the services recorded. Its first redo performs the edit through
the services inside `history.step` (with the view that asked as the initiator, so that view
skips its own echo); undo and later redos call `history.undo/redo(step_id)`, which write the
inverse change as new events. The menu label is the step's label, read from the service.
Use `perform(session, command)`: it pushes the command and raises the service's error, if
any, instead of leaving a dead step on the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QUndoCommand

from ..core.errors import AalError
from ..core.geometry import Box
from ..services import history
from ..services import prelabel as prelabel_service
from ..services import regions as region_service
from ..services.regions import Edit

if TYPE_CHECKING:
    from .session import Session

BoxLike = Sequence[float]


@contextmanager
def busy() -> Iterator[None]:
    """The wait cursor while a step is written or taken back: moving or undoing thousands
    of regions takes seconds, and the window does not answer meanwhile."""
    if QGuiApplication.instance() is None:
        yield
        return
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


class RegionCommand(QUndoCommand):
    """One step of the project's history; subclasses implement `_do()` (the first redo)."""

    def __init__(
        self, session: Session, label: str | None = None, initiator: object | None = None
    ) -> None:
        super().__init__(label or "Edit")
        self.session = session
        self.label = label
        self.initiator = initiator
        self.edits: list[Edit] = []
        self.error: Exception | None = None
        self.step_id: int | None = None
        self._done_once = False

    # subclasses ------------------------------------------------------------------------
    def _do(self) -> list[Edit]:
        raise NotImplementedError

    # QUndoCommand ----------------------------------------------------------------------
    def redo(self) -> None:
        with busy():
            self._redo()

    def undo(self) -> None:
        with busy():
            self._replay(history.undo, "undo")

    def _redo(self) -> None:
        project = self.session.project
        if not self._done_once:
            self._done_once = True
            try:
                with history.step(project, self.label, self.initiator) as step:
                    self.edits = self._do()
            except Exception as exc:  # handed back to perform(); the step is dropped
                self.error = exc
                self.setObsolete(True)
                return
            if not self.edits or step.step_id is None:
                self.setObsolete(True)  # nothing changed: no undo step
                return
            self.step_id = step.step_id
            self.setText(history.get(project, step.step_id).label)
            return
        self._replay(history.redo, "redo")

    def _replay(self, action: Callable[..., history.Outcome], verb: str) -> None:
        """Undo/redo through the service; a refusal (someone changed the regions since)
        changes nothing, is shown, and drops this step from the stack."""
        try:
            outcome = action(self.session.project, self.step_id)
        except AalError as exc:
            self.error = exc
            self.setObsolete(True)
            self.session.commandFailed.emit(f"{verb} failed: {exc}")
            return
        self.session.announce_replay(verb, outcome.step.label, [e.after for e in outcome.edits])


class ServiceCommand(RegionCommand):
    """Any service call (or several) as one step: `do` returns the edits it made."""

    def __init__(
        self,
        session: Session,
        label: str | None,
        do: Callable[[], list[Edit]],
        initiator: object | None = None,
    ) -> None:
        super().__init__(session, label, initiator)
        self._call = do

    def _do(self) -> list[Edit]:
        return self._call()


class AddRegionsCommand(RegionCommand):
    """Draw one box, or paste several: all added in ONE transaction."""

    def __init__(
        self,
        session: Session,
        document_id: int,
        page: int,
        items: Sequence[tuple[BoxLike, str, dict[str, Any]]],
        snap: bool = False,
        label: str | None = None,
        initiator: object | None = None,
    ) -> None:
        n = len(items)
        super().__init__(
            session, label or (f"Draw {items[0][1]}" if n == 1 else f"Paste {n} regions"), initiator
        )
        self.document_id = document_id
        self.page = page
        self.items = [(tuple(b), k, dict(a)) for b, k, a in items]
        self.snap = snap

    def _do(self) -> list[Edit]:
        return region_service.add_many(
            self.session.project, self.document_id, self.page, self.items, snap=self.snap
        )

    @property
    def regions(self) -> list[str]:
        return [e.after.id for e in self.edits]


class RelabelCommand(RegionCommand):
    def __init__(
        self,
        session: Session,
        region_ids: Sequence[str],
        class_key: str,
        initiator: object | None = None,
    ) -> None:
        super().__init__(session, None, initiator)
        self.region_ids = list(region_ids)
        self.class_key = class_key

    def _do(self) -> list[Edit]:
        return region_service.relabel_many(self.session.project, self.region_ids, self.class_key)


class MoveCommand(RegionCommand):
    """Move, resize or nudge regions; with snap, the services shrink boxes to the text."""

    def __init__(
        self,
        session: Session,
        moves: Sequence[tuple[str, BoxLike]],
        snap: bool = False,
        label: str | None = None,
        initiator: object | None = None,
        resize: bool = False,
    ) -> None:
        super().__init__(session, label, initiator)
        self.moves = [(rid, Box.normalized(*box)) for rid, box in moves]
        self.snap = snap
        self.resize = resize

    def _do(self) -> list[Edit]:
        return region_service.move_many(
            self.session.project, self.moves, snap=self.snap, resize=self.resize
        )


def nudge(session: Session, moves: Sequence[tuple[str, BoxLike]]) -> MoveCommand:
    """The move of a nudge by the arrow keys, labelled as one."""
    n = len(moves)
    label = f"Nudge {n} region{'s' if n != 1 else ''}"
    return MoveCommand(session, moves, snap=False, label=label)


class DeleteCommand(RegionCommand):
    def __init__(
        self, session: Session, region_ids: Sequence[str], initiator: object | None = None
    ) -> None:
        super().__init__(session, None, initiator)
        self.region_ids = list(region_ids)

    def _do(self) -> list[Edit]:
        return region_service.delete_many(self.session.project, self.region_ids)


class SetAttributesCommand(RegionCommand):
    def __init__(
        self,
        session: Session,
        region_id: str,
        values: dict[str, Any],
        initiator: object | None = None,
    ) -> None:
        super().__init__(session, None, initiator)
        self.region_id = region_id
        self.values = dict(values)

    def _do(self) -> list[Edit]:
        return region_service.set_attributes_many(self.session.project, self.region_id, self.values)


class AcceptPrelabelsCommand(RegionCommand):
    def __init__(
        self, session: Session, region_ids: Sequence[str], initiator: object | None = None
    ) -> None:
        super().__init__(session, None, initiator)
        self.region_ids = list(region_ids)

    def _do(self) -> list[Edit]:
        return region_service.accept_prelabels(self.session.project, self.region_ids)


def accept_page(session: Session, document_id: int, page: int) -> ServiceCommand:
    """Accept every pending pre-label of a page (selected by services/prelabel)."""
    return ServiceCommand(
        session, None, lambda: prelabel_service.accept_page(session.project, document_id, page)
    )


def accept_above(
    session: Session, document_id: int, min_confidence: float, page: int | None = None
) -> ServiceCommand:
    """Accept a document's pending pre-labels at or above a confidence (services/prelabel)."""
    return ServiceCommand(
        session,
        None,
        lambda: prelabel_service.accept_above(session.project, document_id, min_confidence, page),
    )


def perform(session: Session, command: RegionCommand) -> list[Edit]:
    """Push `command` (its first redo performs the edit) and return its edits.

    A refused edit raises the service's error (AalError) and leaves no undo step; an edit
    that changes nothing leaves no undo step either.
    """
    session.undo_stack.push(command)
    if command.error is not None:
        raise command.error
    return command.edits
