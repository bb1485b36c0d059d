"""Correction review: a lead accepts a region change, or reverts it with a reason.

Decisions are rows in the append-only `reviews` table; an event's review state is its
latest decision (else 'pending'). A revert never removes anything: it writes a NEW
corrective event (through `regions.revert_to`, with `reverts` = the reverted event) that
puts back the values the reviewed event changed, and records the decision beside it, in
one transaction.

Which events can be reviewed: region changes (`region.*` events with a region). Other
events (schema versions, documents) are reviewed elsewhere or not at all.

What a revert restores, when the region changed again after the reviewed event: only the
fields that event changed go back (a relabel's revert does not undo a later move). If a
LATER event changed one of those same fields again, reverting would silently throw that
later work away, so the revert is refused and names the later event: revert newest first.
Reverting a create deletes the region (soft), whatever happened to it since: the lead is
saying the region should not exist. Schema-migration events are not reverted here (a schema
change is taken back by another migration); they can be accepted.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.audit import EventFilter
from ..core.errors import ValidationFailed
from ..core.records import ChangeType, Event, EventKind
from ..core.review import AnnotatorSummary as AnnotatorSummary  # its home before core
from ..core.review import ReviewDecision as ReviewDecision
from ..core.wording import article
from ..store import event_table
from ..store import events as event_log
from ..store import review as review_rows
from ..store.db import transaction
from ..store.event_table import EventRow as EventRow
from ..store.events import now_iso
from . import regions
from .audit import get_event
from .project import Change, ChangeKind, Project

REVIEW_STATES = ("pending", "accepted", "reverted")
# Fields a region change is ABOUT; a revert puts these back and checks them for conflicts.
CONTENT_FIELDS = (
    "class_key",
    "box",
    "attrs",
    "deleted",
    "parent_id",
    "reading_order",
    "continues_id",
)
# Fields that follow from the content (text under the box, schema the label was made under,
# attention flags, pre-label state): restored only when nothing changed them since.
DERIVED_FIELDS = ("schema_version", "attention", "prelabel_state", "text")
FIELD_LABELS = {
    "class_key": "class",
    "box": "box",
    "attrs": "attributes",
    "deleted": "deleted",
    "parent_id": "parent",
    "reading_order": "order",
    "continues_id": "continues",
    "prelabel_state": "pre-label",
    "schema_version": "schema",
    "attention": "attention",
    "text": "text",
}


# --- reading ---------------------------------------------------------------------------------


def decisions(project: Project, event_id: int) -> list[ReviewDecision]:
    """Every decision ever made about an event, oldest first (the last one counts)."""
    return review_rows.decisions_for(project.db, event_id)


def latest_decision(project: Project, event_id: int) -> ReviewDecision | None:
    found = decisions(project, event_id)
    return found[-1] if found else None


def is_reviewable(event: Event) -> bool:
    return event.kind.startswith("region.") and bool(event.region_id)


def query_events(
    project: Project,
    flt: EventFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
    order: str = "id",
    descending: bool = False,
) -> list[Event]:
    """Events for the review table, in the order of any of its columns."""
    return event_log.list_events(
        project.db, flt, limit=limit, offset=offset, order=order, descending=descending
    )


def count_events(project: Project, flt: EventFilter | None = None) -> int:
    """How many events a filter matches (the review table's total and queue size)."""
    return event_table.count(project.db, flt)


def table_rows(
    project: Project,
    flt: EventFilter | None = None,
    limit: int = 500,
    offset: int = 0,
    order: str = "id",
    descending: bool = False,
) -> list[EventRow]:
    """One page of the review table as light rows (what painting needs), same order as
    `query_events`; the full Event of a row is read only when someone acts on it."""
    return event_table.rows(
        project.db, flt, limit=limit, offset=offset, order=order, descending=descending
    )


def history(project: Project, region_id: str) -> list[Event]:
    """Every event of a region, oldest first, with review states (no lead needed)."""
    return regions.history(project, region_id)


# --- describing a change ---------------------------------------------------------------------


def _norm(field: str, value: Any) -> Any:
    if field == "box" and value is not None:
        return [round(float(v), 2) for v in value]
    if field == "attrs":
        return dict(value or {})
    if field == "deleted":
        return bool(value)
    return value


def changed_fields(original: Any, new: Any) -> list[str]:
    """The content fields an event changed (all of them for a create or a deletion view)."""
    if not isinstance(new, dict):
        return []
    if not isinstance(original, dict):
        return ["class_key", "box"] + (["attrs"] if new.get("attrs") else [])
    fields = [
        f
        for f in (*CONTENT_FIELDS, "prelabel_state")
        if _norm(f, original.get(f)) != _norm(f, new.get(f))
    ]
    return fields


def format_value(field: str, value: Any) -> str:
    if field == "box" and value is not None:
        return "(" + ", ".join(f"{float(v):g}" for v in value) + ")"
    if field == "attrs":
        return json.dumps(value or {}, sort_keys=True, ensure_ascii=False)
    if value is None:
        return "—"
    return str(value)


def describe(snapshot: Any, fields: Iterable[str]) -> str:
    """'class text; box (70, 90, 200, 110)' for the given fields of a snapshot."""
    if not isinstance(snapshot, dict):
        return "(none)"
    return "; ".join(f"{FIELD_LABELS.get(f, f)} {format_value(f, snapshot.get(f))}" for f in fields)


def describe_change(event: Event) -> tuple[str, str]:
    """Before and after of an event, naming only what it changed."""
    fields = changed_fields(event.original, event.new)
    if event.original is None:
        return "(did not exist)", describe(event.new, fields)
    if not fields:
        return "(no change)", "(no change)"
    return describe(event.original, fields), describe(event.new, fields)


# --- deciding --------------------------------------------------------------------------------


def _require_reviewable(event: Event) -> None:
    if not is_reviewable(event):
        raise ValidationFailed(
            f"event {event.id} is {article(event.kind)} event; only region changes are reviewed"
        )


def _insert_decision(
    project: Project,
    event_id: int,
    decision: str,
    reason: str | None,
    revert_event_id: int | None = None,
    at: str | None = None,
) -> int:
    return review_rows.insert(
        project.db,
        event_id,
        decision,
        project.user,
        at or now_iso(),
        reason or None,
        revert_event_id,
    )


def _decision_by_id(project: Project, review_id: int) -> ReviewDecision:
    return review_rows.get(project.db, review_id)


def _check_acceptable(project: Project, event: Event) -> ReviewDecision | None:
    """None if the event can be accepted now; its decision if already accepted."""
    _require_reviewable(event)
    last = latest_decision(project, event.id)
    if last is not None and last.decision == "reverted":
        raise ValidationFailed(
            f"event {event.id} was reverted in review by {last.user} (event "
            f"{last.revert_event_id}); a reverted change cannot be accepted"
        )
    if last is not None and last.decision == "accepted":
        return dataclasses.replace(last, already=True)
    return None


def accept(project: Project, event_id: int, reason: str | None = None) -> ReviewDecision:
    """Mark a change as reviewed and kept. Accepting twice changes nothing."""
    return accept_many(project, [event_id], reason)[0]


def accept_many(
    project: Project, event_ids: Sequence[int], reason: str | None = None
) -> list[ReviewDecision]:
    """Accept several changes in ONE transaction; every id is checked before any is written.

    Returns one decision per id, in the order given (`already=True` for those accepted
    before).
    """
    project.require_lead("review corrections")
    events = [get_event(project, int(i)) for i in event_ids]
    previous = {e.id: _check_acceptable(project, e) for e in events}
    out: dict[int, ReviewDecision] = {}
    now = now_iso()
    with transaction(project.db):
        for e in events:
            before = previous[e.id]
            if before is not None:
                out[e.id] = before
            elif e.id not in out:
                out[e.id] = _decision_by_id(
                    project, _insert_decision(project, e.id, "accepted", reason, at=now)
                )
    fresh = [d.event_id for d in out.values() if not d.already]
    if fresh:
        project.notify(Change(ChangeKind.review, tuple(fresh), detail={"decision": "accepted"}))
    return [out[e.id] for e in events]


def accept_filtered(project: Project, flt: EventFilter, reason: str | None = None) -> int:
    """Accept every PENDING reviewable event the filter matches; returns how many.

    One INSERT ... SELECT in one transaction, so accepting a day's work is instant.
    """
    project.require_lead("review corrections")
    with transaction(project.db):
        ids = review_rows.accept_pending(project.db, flt, project.user, now_iso(), reason or None)
    if ids:
        project.notify(Change(ChangeKind.review, tuple(ids), detail={"decision": "accepted"}))
    return len(ids)


def _later_change(project: Project, event: Event, field: str) -> Event | None:
    """The first event after `event` that changed `field` of the same region."""
    for later in event_log.list_events(project.db, EventFilter(region_id=event.region_id)):
        if later.id <= event.id:
            continue
        o, n = later.original or {}, later.new or {}
        if _norm(field, o.get(field)) != _norm(field, n.get(field)):
            return later
    return None


def revert_target(project: Project, event: Event) -> dict[str, Any] | None:
    """The snapshot a revert of `event` brings the region to (None: deleted, for a create).

    Raises ValidationFailed when the revert cannot be made (see module docstring).
    """
    _require_reviewable(event)
    if event.change_type == ChangeType.schema:
        raise ValidationFailed(
            f"event {event.id} comes from a schema migration; take it back with a new schema "
            "migration, or accept it"
        )
    assert event.region_id is not None
    current = regions.get(project, event.region_id)
    if event.original is None:  # a create: the region should not exist
        if current.deleted:
            raise ValidationFailed(f"region {current.id} is already deleted; nothing to revert")
        return None
    original, new, now = event.original, event.new or {}, current.snapshot()
    fields = [f for f in CONTENT_FIELDS if _norm(f, original.get(f)) != _norm(f, new.get(f))]
    if event.kind == EventKind.region_accept.value:
        fields.append("prelabel_state")
    for f in fields:
        if _norm(f, now.get(f)) != _norm(f, new.get(f)):
            later = _later_change(project, event, f)
            who = f" (event {later.id}, {later.kind} by {later.user})" if later else ""
            raise ValidationFailed(
                f"the {FIELD_LABELS.get(f, f)} of region {current.id} changed again after "
                f"event {event.id}{who}; review that later event first (revert newest first)"
            )
    target = dict(now)
    for f in fields:
        target[f] = original.get(f)
    for f in DERIVED_FIELDS:
        if f not in fields and _norm(f, now.get(f)) == _norm(f, new.get(f)):
            target[f] = original.get(f)
    if "box" in fields:
        target["text"] = original.get("text")
    if all(
        _norm(f, target.get(f)) == _norm(f, now.get(f)) for f in (*CONTENT_FIELDS, *DERIVED_FIELDS)
    ):
        raise ValidationFailed(
            f"region {current.id} already has the values event {event.id} replaced; "
            "nothing to revert"
        )
    return target


def revert(project: Project, event_id: int, reason: str | None = None) -> ReviewDecision:
    """Put back what an event changed, as a new corrective event, and record the decision.

    The corrective event carries the lead's reason and `reverts` = the reverted event; it is
    itself recorded as accepted (a lead's review decision needs no second review).
    """
    project.require_lead("review corrections")
    event = get_event(project, event_id)
    _require_reviewable(event)
    last = latest_decision(project, event_id)
    if last is not None and last.decision == "reverted":
        raise ValidationFailed(
            f"event {event_id} was already reverted by {last.user} (event {last.revert_event_id})"
        )
    target = revert_target(project, event)
    assert event.region_id is not None
    why = (reason or "").strip() or f"reverted in review (event {event_id})"
    with transaction(project.db):
        edits = regions.revert_to(
            project, [(event.region_id, target)], reason=why, reverts=event_id
        )  # type: ignore[list-item]
        if not edits:
            raise ValidationFailed(f"event {event_id}: nothing to revert")
        revert_id = edits[0].event_id
        now = now_iso()
        rid = _insert_decision(project, event_id, "reverted", why, revert_id, at=now)
        _insert_decision(project, revert_id, "accepted", f"revert of event {event_id}", at=now)
    project.notify(
        Change(
            ChangeKind.review,
            (event_id, revert_id),
            document_id=event.document_id,
            page=event.page,
            detail={"decision": "reverted"},
        )
    )
    return _decision_by_id(project, rid)


# --- summary ---------------------------------------------------------------------------------


def annotator_summary(project: Project) -> list[AnnotatorSummary]:
    """Per person: regions made, corrections made, and how review treated their changes.

    Corrections exclude the corrective events a review revert writes (those are review
    decisions, counted under the person whose change was reverted).
    """
    return review_rows.annotator_summaries(project.db)


def event_users(project: Project) -> list[str]:
    """Everyone who wrote an event (for the annotator filter)."""
    return event_log.distinct_users(project.db)
