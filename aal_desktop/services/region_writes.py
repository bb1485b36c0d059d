"""How a change of regions is written: the one pipeline every region service goes through.

Checks first (the box on its page, the class usable, the document open to this person),
then, inside the gesture's write transaction: the new row, one event per region holding
its original and new value (hash-chained), the document's move from todo to in progress,
the person's undo step, and one change notice for the views. services/regions.py holds the
use cases (draw, relabel, move, delete, revert ...) that build the changes.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import NotFound, PermissionDenied, ValidationFailed
from ..core.geometry import Box
from ..core.records import ChangeType, DocStatus, Document, EventKind, Region
from ..core.schema import LabelClass, LabelSchema, validate_attributes
from ..store import documents as document_rows
from ..store import events as event_log
from ..store import regions as region_rows
from ..store.events import NewEvent, now_iso
from . import documents, schemas, text
from . import history as undo_history
from .project import Change, ChangeKind, Project

MIN_SIDE_PT = 0.5


@dataclass(frozen=True)
class Edit:
    """A region's state before and after one change, and the event that records it."""

    before: Region | None
    after: Region
    event_id: int


@dataclass(frozen=True)
class Item:
    before: Region
    after: Region
    kind: EventKind
    change: ChangeType = ChangeType.corrective
    reverts: int | None = None


def check_box(box: Box, width: float, height: float, page_no: int) -> Box:
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in box):
        raise ValidationFailed(f"box {tuple(box)} must be four finite numbers (points)")
    box = Box.normalized(*box).rounded()
    if box.width < MIN_SIDE_PT or box.height < MIN_SIDE_PT:
        raise ValidationFailed(
            f"box {tuple(box)} has (almost) zero area; draw at least {MIN_SIDE_PT} pt each way"
        )
    if not box.within(width, height, tolerance=0.5):
        raise ValidationFailed(
            f"box {tuple(box)} lies outside page {page_no + 1} "
            f"(0 0 {width:g} {height:g} pt, displayed space)"
        )
    return box.clipped(width, height)


def schema_for(project: Project, region: Region) -> LabelSchema:
    """The schema a region is checked against: the current published one, or the newer
    draft a migration moved it to (its new class exists only there until publication)."""
    current = schemas.current_version(project)
    if region.schema_version > current:
        return schemas.get(project, region.schema_version)
    return schemas.get(project, current)


def usable_class(schema: LabelSchema, class_key: str) -> LabelClass:
    cls = schema.require(class_key)
    if cls.deprecated:
        raise ValidationFailed(
            f"class '{class_key}' is deprecated in schema v{schema.version}; "
            "new regions cannot use it"
        )
    return cls


def event_for(
    project: Project,
    kind: EventKind,
    change: ChangeType,
    before: Region | None,
    after: Region,
    reason: str | None,
    schema: LabelSchema,
    batch: str | None,
    reverts: int | None = None,
) -> NewEvent:
    return NewEvent(
        kind=kind.value,
        user=project.user,
        change_type=change.value,
        region_id=after.id,
        document_id=after.document_id,
        page=after.page,
        original=before.snapshot() if before is not None else None,
        new=after.snapshot(),
        reason=reason,
        schema_version=schema.version,
        guideline_version=schema.guideline_version,
        batch=batch,
        reverts=reverts,
    )


def open_for_adding(project: Project, doc: str | int, page: int) -> Document:
    """The document, refused if retired, with the page's words read BEFORE the write lock
    (extracting them may take a PyMuPDF worker seconds)."""
    document = documents.resolve(project, doc)
    if document.retired_at:
        raise ValidationFailed(f"document {document.id} is retired; it takes no new regions")
    text.page_words(project, document.id, document.sha256, page)
    return document


def add(
    project: Project,
    document: Document,
    page: int,
    box: Sequence[float],
    class_key: str,
    attrs: dict[str, Any] | None = None,
    reason: str | None = None,
    *,
    snap: bool = False,
    region_id: str | None = None,
    parent_id: str | None = None,
    reading_order: int | None = None,
    origin: str = "human",
    model_name: str | None = None,
    model_version: str | None = None,
    confidence: float | None = None,
    annotator: str | None = None,
    batch: str | None = None,
) -> Edit:
    """Write one new region and its event; runs under the write lock."""
    require_editable(project, document.id, document.status)
    pg = documents.page(project, document.id, page)
    schema = schemas.current(project)
    cls = usable_class(schema, class_key)
    values = validate_attributes(cls, attrs or {})
    b = check_box(Box(*box), pg.width, pg.height, page)
    if snap and cls.snap_to_text:
        b = text.snapped(project, document.id, document.sha256, page, b)
    if parent_id is not None and region_rows.get(project.db, parent_id) is None:
        raise NotFound(f"no region {parent_id} (see `aal region list`)")
    rid = region_id or str(uuid.uuid4())
    if region_id is not None and region_rows.get(project.db, rid) is not None:
        raise ValidationFailed(f"a region with id {rid} already exists")
    now = now_iso()
    region = Region(
        id=rid,
        document_id=document.id,
        page=page,
        box=b,
        class_key=cls.key,
        attrs=values,
        schema_version=schema.version,
        parent_id=parent_id,
        reading_order=reading_order,
        origin=origin,
        model_name=model_name,
        model_version=model_version,
        confidence=confidence,
        prelabel_state="pending" if origin == "model" else None,
        annotator=annotator or project.user,
        text=text.text_under(project, document.id, document.sha256, page, b),
        created_by=project.user,
        created_at=now,
    )
    region_rows.insert(project.db, region)
    eid = event_log.append(
        project.db,
        event_for(
            project,
            EventKind.region_create,
            ChangeType.additive,
            None,
            region,
            reason,
            schema,
            batch,
        ),
        at=now,
    )
    if document.status == "todo" and origin == "human":
        start_document(project, document.id, now)
    edit = Edit(None, region, eid)
    if origin == "human":  # a model's proposal is not a person's step to undo
        undo_history.record(project, f"Draw {cls.key}", [edit])
    project.notify(
        Change(ChangeKind.region, (rid,), document_id=document.id, page=page, regions=(region,))
    )
    return edit


def require_editable(project: Project, document_id: int, status: str) -> None:
    """An approved document is the lead's: annotators are refused until a lead reopens it."""
    if status == DocStatus.approved and not project.is_lead:
        raise PermissionDenied(
            f"document {document_id} is approved; '{project.user}' is an annotator and "
            f"cannot change it (a lead reopens it with `aal doc status {document_id} "
            "in_progress`)"
        )


def start_document(
    project: Project, document_id: int, now: str, reason: str = "first region drawn"
) -> None:
    """A person's first work on a document moves it from todo to in progress (recorded)."""
    document_rows.start(project.db, document_id, project.user, now, reason)


def touched(region: Region, **changes: Any) -> Region:
    """A person changed it: a pending pre-label stops being one, and an accepted one is no
    longer the model's box unchanged (its export says "corrected", not "accepted")."""
    if region.prelabel_state in ("pending", "accepted"):
        changes.setdefault("prelabel_state", "touched")
    return region.model_copy(update=changes)


def apply(
    project: Project,
    items: list[Item],
    reason: str | None,
    schema: LabelSchema,
    batch: str | None = None,
    label: str | None = None,
) -> list[Edit]:
    """Write several changes and their events in the caller's write transaction (one
    gesture, one undo step named `label`; None: an undo, redo or review revert, which is
    no new step). The caller opened it before reading the originals, so they cannot be
    stale, and nothing runs between here and its end: no savepoint of its own is needed."""
    if not items:
        return []
    if not project.db.conn.in_transaction:
        raise RuntimeError("region_writes.apply() runs inside the caller's write transaction")
    now = now_iso()
    edits: list[Edit] = []
    # one status read per document: the approved check and the todo -> in progress move
    statuses: dict[int, str] = {}
    for doc_id in dict.fromkeys(i.before.document_id for i in items):
        status = document_rows.status_of(project.db, doc_id)
        if status is None:
            raise NotFound(f"no document {doc_id}")
        require_editable(project, doc_id, status)
        statuses[doc_id] = status
    for item in items:
        before = item.before
        after = item.after.model_copy(update={"updated_by": project.user, "updated_at": now})
        region_rows.replace(project.db, after, before)
        eid = event_log.append(
            project.db,
            event_for(
                project, item.kind, item.change, before, after, reason, schema, batch, item.reverts
            ),
            at=now,
        )
        edits.append(Edit(before, after, eid))
    for doc_id in {e.after.document_id for e in edits}:
        status = statuses.get(doc_id) or document_rows.status_of(project.db, doc_id)
        if status == "todo":
            start_document(project, doc_id, now, "first correction")
    if label is not None:
        undo_history.record(project, label, edits, now)
    docs = {e.after.document_id for e in edits}
    pages = {(e.after.document_id, e.after.page) for e in edits}
    project.notify(
        Change(
            ChangeKind.region,
            tuple(e.after.id for e in edits),
            document_id=next(iter(docs)) if len(docs) == 1 else None,
            page=edits[0].after.page if len(pages) == 1 else None,
            regions=tuple(e.after for e in edits),
        )
    )
    return edits


def counted(verb: str, n: int, tail: str = "") -> str:
    return f"{verb} {'region' if n == 1 else f'{n} regions'}{tail}"


def batch_id(n: int) -> str | None:
    return str(uuid.uuid4()) if n > 1 else None
