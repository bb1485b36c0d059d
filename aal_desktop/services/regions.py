"""Region use cases. Each call writes the new state and its event in one transaction.

Change types: creating a region, and a person accepting a proposal as it is, are
`additive`; every other change to an existing region is `corrective` (a proposal changed
before acceptance is a correction whose original is the model's value); schema migrations
write `schema` events (services/migrations). An undo or a review revert is itself a new
event with `reverts` pointing at the event it takes back: events are never removed.

Every gesture takes the write lock (`BEGIN IMMEDIATE`) BEFORE it reads the regions it
changes, so the original an event records is the state right before it even with other
writers about; each gesture records one undo step (services/history). An annotator may not
change a document a lead approved, until a lead sets another status.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import NotFound, ValidationFailed
from ..core.geometry import Box
from ..core.records import (
    ChangeType,
    DocStatus,
    Document,
    Event,
    EventKind,
    Outline,
    PageRecord,
    Region,
)
from ..core.schema import LabelSchema, validate_attributes
from ..store import events as event_log
from ..store import regions as region_rows
from ..store.db import transaction
from . import documents, schemas, text
from . import history as undo_history
from . import region_writes as writes
from .project import Change, Project
from .region_writes import MIN_SIDE_PT, Edit

__all__ = ["MIN_SIDE_PT", "Edit", "Revert"]  # the values callers of these services handle


@dataclass(frozen=True)
class Revert:
    """Bring one region back to a recorded snapshot (None: the state before its create,
    i.e. deleted), as a new event that `reverts` the given one. `kind` and `change_type`
    default to what the difference is (a redo passes the original event's)."""

    region_id: str
    snapshot: dict[str, Any] | None
    reverts: int | None = None
    kind: EventKind | None = None
    change_type: ChangeType | None = None


def get(project: Project, region_id: str) -> Region:
    r = region_rows.get(project.db, region_id)
    if r is None:
        raise NotFound(f"no region {region_id} (see `aal region list`)")
    return r


def get_many(project: Project, region_ids: Sequence[str]) -> dict[str, Region]:
    """The regions of these ids that exist, by id (an id not found is left out)."""
    return region_rows.get_many(project.db, region_ids)


def changed_states(project: Project, change: Change) -> dict[str, Region | None]:
    """The state now of each region a change names, in its order: the one it carries, else
    read (a chunk at a time); None for a region that is gone."""
    carried = {r.id: r for r in change.regions}
    ids = [str(i) for i in change.ids]
    read = get_many(project, [i for i in ids if i not in carried])
    return {i: carried.get(i) or read.get(i) for i in ids}


def list_regions(
    project: Project,
    document_id: int | None = None,
    page: int | None = None,
    include_deleted: bool = False,
    annotator: str | None = None,
    attention_only: bool = False,
) -> list[Region]:
    return region_rows.list_regions(
        project.db, document_id, page, include_deleted, annotator, attention_only
    )


def page_outlines(project: Project, document_id: int, page: int) -> list[Outline]:
    """What a page view draws of the page's live regions (full ones: `get`)."""
    return region_rows.page_outlines(project.db, document_id, page)


def page_has_regions(project: Project, document_id: int, page: int) -> bool:
    return region_rows.page_has_regions(project.db, document_id, page)


def history(project: Project, region_id: str) -> list[Event]:
    get(project, region_id)
    return event_log.list_events(project.db, event_log.EventFilter(region_id=region_id))


def add_region(
    project: Project,
    doc: str | int,
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
) -> Region:
    """Draw a new region (page is 0-based). Validates everything before writing anything."""
    if confidence is not None and not (math.isfinite(confidence) and 0 <= confidence <= 1):
        raise ValidationFailed(f"a confidence is a number from 0 to 1, not {confidence}")
    document = writes.open_for_adding(project, doc, page)
    with transaction(project.db):
        document = documents.resolve(project, document.id)  # its status, under the lock
        edit = writes.add(
            project,
            document,
            page,
            box,
            class_key,
            attrs,
            reason,
            snap=snap,
            region_id=region_id,
            parent_id=parent_id,
            reading_order=reading_order,
            origin=origin,
            model_name=model_name,
            model_version=model_version,
            confidence=confidence,
            annotator=annotator,
            batch=batch,
        )
    return edit.after


def add_many(
    project: Project,
    doc: str | int,
    page: int,
    items: Sequence[tuple[Sequence[float], str, dict[str, Any] | None]],
    reason: str | None = None,
    *,
    snap: bool = False,
    label: str | None = None,
) -> list[Edit]:
    """Draw or paste several regions on one page in ONE transaction (one undo step)."""
    document = writes.open_for_adding(project, doc, page)
    batch = str(uuid.uuid4()) if len(items) > 1 else None
    if label is None:
        label = f"Draw {items[0][1]}" if len(items) == 1 else f"Add {len(items)} regions"
    edits = []
    with undo_history.step(project, label), transaction(project.db), undo_history.gathered(project):
        document = documents.resolve(project, document.id)  # its status, under the lock
        for box, key, attrs in items:
            edits.append(
                writes.add(
                    project, document, page, box, key, attrs or None, reason, snap=snap, batch=batch
                )
            )
            if document.status == DocStatus.todo:  # the first one started it
                document = document.model_copy(update={"status": DocStatus.in_progress})
    return edits


def relabel_many(
    project: Project, region_ids: Sequence[str], class_key: str, reason: str | None = None
) -> list[Edit]:
    schema = schemas.current(project)
    cls = writes.usable_class(schema, class_key)
    with transaction(project.db):  # the write lock before reading the originals
        items = []
        for rid in region_ids:
            r = get(project, rid)
            if r.deleted:
                raise ValidationFailed(f"region {rid} is deleted; restore it before relabelling")
            if r.class_key == cls.key:
                continue
            values = validate_attributes(
                cls, {k: v for k, v in r.attrs.items() if cls.attribute(k) is not None}
            )
            items.append(
                writes.Item(
                    r,
                    writes.touched(
                        r,
                        class_key=cls.key,
                        attrs=values,
                        schema_version=schema.version,
                        attention=None,
                    ),
                    EventKind.region_relabel,
                )
            )
        return writes.apply(
            project,
            items,
            reason,
            schema,
            writes.batch_id(len(items)),
            writes.counted("Relabel", len(items), f" as {cls.key}"),
        )


def relabel(project: Project, region_id: str, class_key: str, reason: str | None = None) -> Region:
    edits = relabel_many(project, [region_id], class_key, reason)
    return edits[0].after if edits else get(project, region_id)


def move_many(
    project: Project,
    moves: Sequence[tuple[str, Sequence[float]]],
    reason: str | None = None,
    snap: bool = False,
    label: str | None = None,
    resize: bool = False,
) -> list[Edit]:
    """Move/resize regions to new boxes (points, displayed space); `resize`: the boxes were
    resized by their handles, recorded as region.resize rather than region.move."""
    schema = schemas.current(project)
    # the words under the boxes, before taking the write lock: once a page (a group drag
    # moves hundreds of boxes of one page)
    for doc_id, page_no, sha in region_rows.pages_of(project.db, [rid for rid, _box in moves]):
        text.page_words(project, doc_id, sha, page_no)
    kind = EventKind.region_resize if resize else EventKind.region_move
    with transaction(project.db):
        items = []
        # read under the lock once per document, page and schema version, not per region
        docs: dict[int, Document] = {}
        sizes: dict[tuple[int, int], PageRecord] = {}
        checked_by: dict[int, LabelSchema] = {}
        for rid, box in moves:
            r = get(project, rid)
            if r.deleted:
                raise ValidationFailed(f"region {rid} is deleted; restore it before moving it")
            document = docs.get(r.document_id)
            if document is None:
                document = docs[r.document_id] = documents.resolve(project, r.document_id)
            pg = sizes.get((r.document_id, r.page))
            if pg is None:
                pg = sizes[(r.document_id, r.page)] = documents.page(project, r.document_id, r.page)
            b = writes.check_box(Box(*box), pg.width, pg.height, r.page)
            region_schema = checked_by.get(r.schema_version)
            if region_schema is None:
                region_schema = checked_by[r.schema_version] = writes.schema_for(project, r)
            cls = region_schema.get(r.class_key)
            if snap and cls is not None and cls.snap_to_text:
                b = text.snapped(project, r.document_id, document.sha256, r.page, b)
            if b == r.box:
                continue
            new_text = text.text_under(project, r.document_id, document.sha256, r.page, b)
            items.append(writes.Item(r, writes.touched(r, box=b, text=new_text), kind))
        return writes.apply(
            project,
            items,
            reason,
            schema,
            writes.batch_id(len(items)),
            label or writes.counted("Move", len(items)),
        )


def move(
    project: Project,
    region_id: str,
    box: Sequence[float],
    reason: str | None = None,
    snap: bool = False,
) -> Region:
    edits = move_many(project, [(region_id, box)], reason, snap)
    return edits[0].after if edits else get(project, region_id)


def set_attributes_many(
    project: Project, region_id: str, values: dict[str, Any], reason: str | None = None
) -> list[Edit]:
    """Change some attributes (a value of None or "" clears one); the edit, if any."""
    with transaction(project.db):
        r = get(project, region_id)
        if r.deleted:
            raise ValidationFailed(f"region {region_id} is deleted; restore it first")
        schema = writes.schema_for(project, r)
        cls = schema.require(r.class_key)
        merged = {**r.attrs, **values}
        merged = {k: v for k, v in merged.items() if v is not None and v != ""}
        checked = validate_attributes(cls, merged)
        if checked == r.attrs:
            return []
        return writes.apply(
            project,
            [writes.Item(r, writes.touched(r, attrs=checked), EventKind.region_set)],
            reason,
            schema,
            label="Set attributes",
        )


def set_attributes(
    project: Project, region_id: str, values: dict[str, Any], reason: str | None = None
) -> Region:
    """Change some attributes; a value of None or "" clears one."""
    edits = set_attributes_many(project, region_id, values, reason)
    return edits[0].after if edits else get(project, region_id)


def delete_many(
    project: Project, region_ids: Sequence[str], reason: str | None = None
) -> list[Edit]:
    """Soft-delete (invariant 4): the row stays, flagged, and can be restored."""
    return _flag_deleted(project, region_ids, True, reason)


def delete(project: Project, region_id: str, reason: str | None = None) -> Region:
    get(project, region_id)
    edits = delete_many(project, [region_id], reason)
    return edits[0].after if edits else get(project, region_id)


def restore_many(
    project: Project, region_ids: Sequence[str], reason: str | None = None
) -> list[Edit]:
    return _flag_deleted(project, region_ids, False, reason)


def _flag_deleted(
    project: Project, region_ids: Sequence[str], deleted: bool, reason: str | None
) -> list[Edit]:
    """Set or clear the deleted flag of the regions not already so, as one gesture."""
    kind, verb = (
        (EventKind.region_delete, "Delete") if deleted else (EventKind.region_restore, "Restore")
    )
    schema = schemas.current(project)
    with transaction(project.db):
        items = []
        for rid in region_ids:
            r = get(project, rid)
            if r.deleted != deleted:
                items.append(writes.Item(r, r.model_copy(update={"deleted": deleted}), kind))
        return writes.apply(
            project,
            items,
            reason,
            schema,
            writes.batch_id(len(items)),
            writes.counted(verb, len(items)),
        )


def restore(project: Project, region_id: str, reason: str | None = None) -> Region:
    get(project, region_id)
    edits = restore_many(project, [region_id], reason)
    return edits[0].after if edits else get(project, region_id)


def link(
    project: Project,
    region_id: str,
    *,
    parent_id: str | None = ...,  # type: ignore[assignment]
    reading_order: int | None = ...,  # type: ignore[assignment]
    continues_id: str | None = ...,  # type: ignore[assignment]
    reason: str | None = None,
) -> Region:
    """Set document-level links: parent (caption → figure), reading order, continuation."""
    schema = schemas.current(project)
    with transaction(project.db):
        r = get(project, region_id)
        update: dict[str, Any] = {}
        for field, value in (("parent_id", parent_id), ("continues_id", continues_id)):
            if value is not ...:
                if value is not None:
                    if value == region_id:
                        raise ValidationFailed("a region cannot link to itself")
                    other = get(project, value)
                    if other.document_id != r.document_id:
                        raise ValidationFailed("linked regions must be in the same document")
                update[field] = value
        if reading_order is not ...:
            update["reading_order"] = reading_order
        after = r.model_copy(update=update)
        if after == r:
            return r
        return writes.apply(
            project,
            [writes.Item(r, after, EventKind.region_link)],
            reason,
            schema,
            label="Link region",
        )[0].after


def accept_prelabels(
    project: Project, region_ids: Sequence[str], reason: str | None = None
) -> list[Edit]:
    """A person confirms model pre-labels as they are: an addition to what people said,
    not a correction (issue 15), so the events are `additive`."""
    schema = schemas.current(project)
    with transaction(project.db):
        items = []
        for rid in region_ids:
            r = get(project, rid)
            if r.prelabel_state == "pending" and not r.deleted:
                items.append(
                    writes.Item(
                        r,
                        r.model_copy(update={"prelabel_state": "accepted"}),
                        EventKind.region_accept,
                        ChangeType.additive,
                    )
                )
        n = len(items)
        return writes.apply(
            project,
            items,
            reason,
            schema,
            writes.batch_id(n),
            f"Accept {n} pre-label{'s' if n != 1 else ''}",
        )


def _kind_between(current: Region, target: Region) -> EventKind:
    if current.deleted != target.deleted:
        return EventKind.region_restore if not target.deleted else EventKind.region_delete
    if current.class_key != target.class_key:
        return EventKind.region_relabel
    if current.box != target.box:
        return EventKind.region_move
    if current.attrs != target.attrs:
        return EventKind.region_set
    if current.prelabel_state != target.prelabel_state:
        return EventKind.region_accept  # accepting, or taking an acceptance back
    return EventKind.region_link


def _target(r: Region, snap: dict[str, Any] | None) -> Region:
    if snap is None:
        return r.model_copy(update={"deleted": True})
    return r.model_copy(
        update={
            "box": Box(*snap["box"]),
            "class_key": snap["class_key"],
            "attrs": dict(snap.get("attrs") or {}),
            "deleted": bool(snap["deleted"]),
            "parent_id": snap.get("parent_id"),
            "reading_order": snap.get("reading_order"),
            "continues_id": snap.get("continues_id"),
            "text": snap.get("text"),
            "prelabel_state": snap.get("prelabel_state"),
            "schema_version": snap.get("schema_version", r.schema_version),
            "attention": snap.get("attention"),
        }
    )


def revert(project: Project, reverts: Sequence[Revert], reason: str | None = None) -> list[Edit]:
    """Bring regions back to recorded snapshots (undo, redo, review revert) as new events,
    each with its own `reverts`. Records no undo step: it is itself an undo or a review."""
    schema = schemas.current(project)
    with transaction(project.db):
        items = []
        read = get_many(project, [rv.region_id for rv in reverts])
        for rv in reverts:
            r = read.get(rv.region_id) or get(project, rv.region_id)  # get: says it is gone
            target = _target(r, rv.snapshot)
            if target == r:
                continue
            items.append(
                writes.Item(
                    r,
                    target,
                    rv.kind or _kind_between(r, target),
                    rv.change_type or ChangeType.corrective,
                    rv.reverts,
                )
            )
        return writes.apply(project, items, reason, schema, writes.batch_id(len(items)))


def revert_to(
    project: Project,
    targets: Sequence[tuple[str, dict[str, Any] | None]],
    reason: str | None = None,
    reverts: int | None = None,
) -> list[Edit]:
    """`revert` with one `reverts` for every target (a review revert takes back one event).

    A snapshot of None-region (the state before a create) means "deleted".
    """
    return revert(project, [Revert(rid, snap, reverts) for rid, snap in targets], reason)
