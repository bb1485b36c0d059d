"""Undo steps for region edits: one gesture = one QUndoCommand = one service call.

The first redo() performs the edit through services.regions; undo and later redos bring
the regions back to the snapshots recorded then, through `regions.revert_to(...,
reverts=<event id>)`, so an undo is itself a recorded, reviewable change and nothing is
ever removed from the log. Use `execute(session, command)`: it pushes the command and
raises the service's error, if any, instead of leaving a dead step on the stack.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from ..core.errors import AalError
from ..core.geometry import Box
from ..services import documents, text
from ..services import regions as region_service
from ..services.project import Change
from ..services.regions import Edit
from ..store.db import transaction

if TYPE_CHECKING:
    from .session import Session

BoxLike = Sequence[float]


class RegionCommand(QUndoCommand):
    """Base: subclasses implement `_do()` (the first redo); undo/redo replay snapshots."""

    def __init__(self, session: Session, label: str) -> None:
        super().__init__(label)
        self.session = session
        self.edits: list[Edit] = []
        self.error: Exception | None = None
        self.last_event_id: int | None = None  # the event the next undo/redo takes back
        self._done_once = False

    # subclasses ------------------------------------------------------------------------
    def _do(self) -> list[Edit]:
        raise NotImplementedError

    # QUndoCommand ----------------------------------------------------------------------
    def redo(self) -> None:
        if not self._done_once:
            self._done_once = True
            try:
                self.edits = self._do()
            except Exception as exc:  # handed back to execute(); the step is dropped
                self.error = exc
                self.setObsolete(True)
                return
            if not self.edits:
                self.setObsolete(True)  # nothing changed: no undo step
                return
            self.last_event_id = self.edits[0].event_id
            return
        targets = [(e.after.id, e.after.snapshot()) for e in self.edits]
        self._replay(targets, "redo")

    def undo(self) -> None:
        targets: list[tuple[str, Any]] = [
            (e.after.id, e.before.snapshot() if e.before is not None else None)
            for e in self.edits
        ]
        self._replay(targets, "undo")

    def _replay(self, targets: list[tuple[str, Any]], reason: str) -> None:
        try:
            edits = region_service.revert_to(self.session.project, targets, reason=reason,
                                             reverts=self.last_event_id)
        except AalError as exc:
            self.error = exc
            self.session.commandFailed.emit(f"{reason} failed: {exc}")
            return
        if edits:
            self.last_event_id = edits[0].event_id


class AddRegionsCommand(RegionCommand):
    """Draw one box, or paste several: all added in ONE transaction."""

    def __init__(self, session: Session, document_id: int, page: int,
                 items: Sequence[tuple[BoxLike, str, dict[str, Any]]], snap: bool = False,
                 label: str | None = None) -> None:
        n = len(items)
        super().__init__(session, label or (f"Draw {items[0][1]}" if n == 1
                                            else f"Paste {n} regions"))
        self.document_id = document_id
        self.page = page
        self.items = [(tuple(b), k, dict(a)) for b, k, a in items]
        self.snap = snap

    def _do(self) -> list[Edit]:
        project = self.session.project
        doc = documents.resolve(project, self.document_id)
        # extract the page's words before taking the write lock (it may ask a worker)
        text.page_words(project, doc.id, doc.sha256, self.page)
        batch = str(uuid.uuid4()) if len(self.items) > 1 else None
        edits: list[Edit] = []
        with transaction(project.db):
            for box, class_key, attrs in self.items:
                region = region_service.add_region(
                    project, doc.id, self.page, box, class_key, attrs or None,
                    snap=self.snap, batch=batch, notify=False,
                )
                row = project.db.execute(
                    "SELECT MAX(id) FROM events WHERE region_id = ?", [region.id]
                ).fetchone()
                edits.append(Edit(None, region, int(row[0])))
        project.notify(Change("region", tuple(e.after.id for e in edits),
                              document_id=doc.id, page=self.page))
        return edits

    @property
    def regions(self) -> list[str]:
        return [e.after.id for e in self.edits]


class RelabelCommand(RegionCommand):
    def __init__(self, session: Session, region_ids: Sequence[str], class_key: str) -> None:
        n = len(region_ids)
        super().__init__(session, f"Relabel {n} region{'s' if n != 1 else ''} as {class_key}")
        self.region_ids = list(region_ids)
        self.class_key = class_key

    def _do(self) -> list[Edit]:
        return region_service.relabel_many(self.session.project, self.region_ids,
                                           self.class_key)


class MoveCommand(RegionCommand):
    """Move, resize or nudge regions; with snap, the services shrink boxes to the text."""

    def __init__(self, session: Session, moves: Sequence[tuple[str, BoxLike]],
                 snap: bool = False, label: str | None = None) -> None:
        n = len(moves)
        super().__init__(session, label or f"Move {n} region{'s' if n != 1 else ''}")
        self.moves = [(rid, Box.normalized(*box)) for rid, box in moves]
        self.snap = snap

    def _do(self) -> list[Edit]:
        return region_service.move_many(self.session.project, self.moves, snap=self.snap)


class DeleteCommand(RegionCommand):
    def __init__(self, session: Session, region_ids: Sequence[str]) -> None:
        n = len(region_ids)
        super().__init__(session, f"Delete {n} region{'s' if n != 1 else ''}")
        self.region_ids = list(region_ids)

    def _do(self) -> list[Edit]:
        return region_service.delete_many(self.session.project, self.region_ids)


class SetAttributesCommand(RegionCommand):
    def __init__(self, session: Session, region_id: str, values: dict[str, Any]) -> None:
        super().__init__(session, "Set attributes")
        self.region_id = region_id
        self.values = dict(values)

    def _do(self) -> list[Edit]:
        project = self.session.project
        before = region_service.get(project, self.region_id)
        after = region_service.set_attributes(project, self.region_id, self.values)
        if after == before:
            return []
        row = project.db.execute(
            "SELECT MAX(id) FROM events WHERE region_id = ?", [self.region_id]
        ).fetchone()
        return [Edit(before, after, int(row[0]))]


class AcceptPrelabelsCommand(RegionCommand):
    def __init__(self, session: Session, region_ids: Sequence[str]) -> None:
        n = len(region_ids)
        super().__init__(session, f"Accept {n} pre-label{'s' if n != 1 else ''}")
        self.region_ids = list(region_ids)

    def _do(self) -> list[Edit]:
        return region_service.accept_prelabels(self.session.project, self.region_ids)


def execute(session: Session, command: RegionCommand) -> list[Edit]:
    """Push `command` (its first redo performs the edit) and return its edits.

    A refused edit raises the service's error (AalError) and leaves no undo step; an edit
    that changes nothing leaves no undo step either.
    """
    session.undo_stack.push(command)
    if command.error is not None:
        raise command.error
    return command.edits
