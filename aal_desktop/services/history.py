"""Undo and redo as services: each user action is one step, kept in the project per user.

Anki keeps undo in its collection and the GUI only reads it; so here. A region service
records the step of the gesture it performs (`record`, inside its write transaction);
everything recorded in one transaction, or inside `step(project, label)`, is ONE step.
Steps live in the database (store/history.py), so `aal undo` works in a later run and the
window's menu reads its labels from here.

Undo writes the inverse change through services.regions, as new events, one per event the
step wrote, each with `reverts` = that event; redo likewise reverts the undo's events.
Undo is conditional: if a region no longer has the value the step left (someone changed it
since), nothing is undone and the error says who changed what when.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..core.errors import NotFound, ValidationFailed
from ..core.records import EventKind
from ..store import events as event_log
from ..store import history as step_rows
from ..store.db import transaction
from ..store.events import now_iso
from . import regions
from .project import Project

# What a later change did to a region, for "region … was relabelled by bob at … since".
_DONE_BY = {
    EventKind.region_create.value: "created",
    EventKind.region_relabel.value: "relabelled",
    EventKind.region_move.value: "moved",
    EventKind.region_resize.value: "resized",
    EventKind.region_set.value: "given new attributes",
    EventKind.region_delete.value: "deleted",
    EventKind.region_restore.value: "restored",
    EventKind.region_link.value: "relinked",
    EventKind.region_accept.value: "accepted",
    EventKind.region_schema.value: "migrated to a new schema",
}
# Fields an undo compares: everything an event records except the derived text.
_COMPARED = (
    "box",
    "class_key",
    "attrs",
    "schema_version",
    "parent_id",
    "reading_order",
    "continues_id",
    "prelabel_state",
    "attention",
    "deleted",
)


@dataclass(frozen=True)
class Step:
    """One user action as the history holds it; `label` is what the menu shows."""

    id: int
    user: str
    label: str
    state: str  # done / undone / dropped
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class Outcome:
    """What an undo or redo did: the step and the new edits (with their event ids)."""

    step: Step
    edits: list[regions.Edit]


@dataclass
class OpenStep:
    """The step being recorded in the current transaction; `step_id` once it has one."""

    label: str | None = None
    step_id: int | None = None
    labels: list[str] = field(default_factory=list)
    quiet: bool = False  # an undo/redo in progress records no new step
    explicit: bool = False  # opened by step(): lasts across transactions, not just one
    # inside gathered(): (label, event ids, time) of each record, written once at its end
    gathering: list[tuple[str, list[int], str | None]] | None = None


def _step(row: step_rows.StepRow) -> Step:
    return Step(row.id, row.user, row.label, row.state, row.event_ids)


@contextlib.contextmanager
def step(
    project: Project, label: str | None = None, initiator: object | None = None
) -> Iterator[OpenStep]:
    """Everything the services write inside this block is ONE step, named `label` in the
    Undo menu (default: the services' own names). Each service still takes its own write
    lock, after its slow reads (words of a page); `initiator` goes with the change
    notifications (a view passes itself to skip its own echo)."""
    with project.initiated_by(initiator):
        if project.open_step is not None:  # inside another step or a service's transaction
            yield project.open_step
            return
        project.open_step = OpenStep(label, explicit=True)
        try:
            yield project.open_step
        finally:
            project.open_step = None


@contextlib.contextmanager
def unrecorded(project: Project) -> Iterator[None]:
    """What the services write inside is nobody's undo step: a team merge replays other
    people's work, which the lead's Undo must not take back (and which, recorded, made one
    step grow by an event at a time over a whole bundle)."""
    previous = project.open_step
    project.open_step = OpenStep(quiet=True, explicit=True)
    try:
        yield
    finally:
        project.open_step = previous


def record(project: Project, label: str, edits: list[regions.Edit], at: str | None = None) -> None:
    """Called by the region services inside their write transaction: add the gesture's
    events to this transaction's step (creating it; a new step drops the redo stack);
    `at`: the edit's own time, when the caller has it."""
    if not edits:
        return
    assert project.db.conn.in_transaction, "record() runs inside the edit's transaction"
    open_step = project.open_step
    if open_step is None:
        open_step = project.open_step = OpenStep()
    if open_step.quiet:
        return
    ids = [e.event_id for e in edits]
    if open_step.gathering is not None:
        open_step.gathering.append((label, ids, at))
        return
    _write(project, open_step, [label], ids, at or now_iso())


@contextlib.contextmanager
def gathered(project: Project) -> Iterator[None]:
    """Inside one transaction: what the services record in this block goes into the step
    in one write at its end, not one write a region (pasting or importing 10,000 boxes
    rewrote the step's growing list of events 10,000 times: minutes). An error leaves the
    block without writing; the transaction it is in rolls back."""
    assert project.db.conn.in_transaction, "gathered() runs inside the edits' transaction"
    open_step = project.open_step
    if open_step is None:
        open_step = project.open_step = OpenStep()
    if open_step.quiet or open_step.gathering is not None:
        yield  # nothing is recorded, or an outer block gathers already
        return
    open_step.gathering = []
    try:
        yield
        items = open_step.gathering
    finally:
        open_step.gathering = None
    if items:
        labels = [label for label, _ids, _at in items]
        ids = [i for _label, some, _at in items for i in some]
        _write(project, open_step, labels, ids, items[-1][2] or now_iso())


def _write(
    project: Project, open_step: OpenStep, labels: list[str], ids: list[int], now: str
) -> None:
    """Add events to the open step's row (creating it: a new step drops the redo stack)."""
    if open_step.step_id is not None and not step_rows.extend(
        project.db, open_step.step_id, ids, now
    ):
        open_step.step_id, open_step.labels = None, []  # its transaction was rolled back
    open_step.labels.extend(labels)
    if open_step.step_id is None:
        open_step.step_id = step_rows.insert(
            project.db, project.user, open_step.label or labels[0], ids, now
        )
        if len(open_step.labels) == 1:
            return  # named by its one label already
    if open_step.label is None:
        step_rows.relabel(project.db, open_step.step_id, _combined(open_step.labels))


def _combined(labels: list[str]) -> str:
    if len(set(labels)) == 1:
        return labels[0]
    if all(x.startswith(("Draw ", "Add ")) for x in labels):
        return f"Add {len(labels)} regions"
    return f"{len(labels)} edits"


def get(project: Project, step_id: int) -> Step:
    row = step_rows.get(project.db, step_id)
    if row is None:
        raise NotFound(f"no undo step {step_id}")
    return _step(row)


def next_undo(project: Project) -> Step | None:
    """The acting user's step `undo` would take back (its label is "Undo <label>")."""
    row = step_rows.newest_done(project.db, project.user)
    return None if row is None else _step(row)


def next_redo(project: Project) -> Step | None:
    row = step_rows.oldest_undone(project.db, project.user)
    return None if row is None else _step(row)


def undo(project: Project, step_id: int | None = None) -> Outcome:
    """Take back the acting user's newest step (or `step_id`), if nothing changed since."""
    return _replay(project, step_id, undoing=True)


def redo(project: Project, step_id: int | None = None) -> Outcome:
    """Bring back the acting user's last undone step (or `step_id`), if nothing changed."""
    return _replay(project, step_id, undoing=False)


def _replay(project: Project, step_id: int | None, undoing: bool) -> Outcome:
    verb = "undo" if undoing else "redo"
    with transaction(project.db):  # BEGIN IMMEDIATE before reading anything
        row = (
            step_rows.get(project.db, step_id)
            if step_id is not None
            else step_rows.newest_done(project.db, project.user)
            if undoing
            else step_rows.oldest_undone(project.db, project.user)
        )
        if row is None:
            if step_id is not None:
                raise NotFound(f"no undo step {step_id}")
            raise ValidationFailed(f"nothing to {verb} for {project.user}")
        if row.user != project.user:
            raise ValidationFailed(
                f"step {row.id} ({row.label}) is {row.user}'s; only they can {verb} it"
            )
        wanted = "done" if undoing else "undone"
        if row.state != wanted:
            raise ValidationFailed(f"step {row.id} ({row.label}) is {row.state}; nothing to {verb}")
        rounds = _rounds(project, row, undoing)
        project.open_step = OpenStep(quiet=True)
        current = list(row.current_ids)
        edits: list[regions.Edit] = []
        for one_round in rounds:  # a region the step changed twice is taken back twice
            done = regions.revert(
                project, [rv for _i, rv in one_round], reason=f"{verb}: {row.label}"
            )
            by_region = {e.after.id: e.event_id for e in done}
            for i, rv in one_round:
                current[i] = by_region.get(rv.region_id, current[i])
            edits.extend(done)
        step_rows.set_state(project.db, row.id, "undone" if undoing else "done", current, now_iso())
    return Outcome(_step(step_rows.get(project.db, row.id) or row), edits)


def _rounds(
    project: Project, row: step_rows.StepRow, undoing: bool
) -> list[list[tuple[int, regions.Revert]]]:
    """What each event of the step goes back (or forward) to, each reverting its own
    event: an undo takes a region's events back newest first, a redo replays them in order,
    one round per event of a region. Refuses if a region no longer has the value the step
    (or its undo) left it with: someone changed it since."""
    # read together, not an event and a region at a time (a step can move 10,000 boxes)
    read = event_log.get_many(project.db, [*row.event_ids, *row.current_ids])
    events = []
    by_region: dict[str, list[int]] = {}
    for i, event_id in enumerate(row.event_ids):
        event = read.get(event_id)
        assert event is not None and event.region_id is not None
        events.append(event)
        by_region.setdefault(event.region_id, []).append(i)
    states = regions.get_many(project, list(by_region))
    for rid, indexes in by_region.items():
        last_applied = row.current_ids[indexes[-1] if undoing else indexes[0]]
        left = read.get(last_applied)
        assert left is not None
        state = states.get(rid)
        if state is None:
            raise NotFound(f"no region {rid} (see `aal region list`)")
        now = state.snapshot()
        if any(_norm(now.get(f)) != _norm((left.new or {}).get(f)) for f in _COMPARED):
            raise ValidationFailed(_changed_since(project, rid, last_applied, undoing))
    rounds: list[list[tuple[int, regions.Revert]]] = []
    for indexes in by_region.values():
        for k, i in enumerate(reversed(indexes) if undoing else indexes):
            if k == len(rounds):
                rounds.append([])
            e, reverts = events[i], row.current_ids[i]
            if undoing:
                rv = regions.Revert(e.region_id or "", e.original, reverts=reverts)
            else:
                kind = None if e.kind == EventKind.region_create.value else EventKind(e.kind)
                rv = regions.Revert(
                    e.region_id or "", e.new, reverts=reverts, kind=kind, change_type=e.change_type
                )
            rounds[k].append((i, rv))
    return rounds


def _norm(value: object) -> object:
    if isinstance(value, list | tuple):
        return [round(float(v), 2) if isinstance(v, int | float) else v for v in value]
    return value


def _changed_since(project: Project, region_id: str, event_id: int, undoing: bool) -> str:
    later = [
        e
        for e in event_log.list_events(project.db, event_log.EventFilter(region_id=region_id))
        if e.id > event_id
    ]
    what = "nothing undone" if undoing else "nothing redone"
    if not later:
        return f"region {region_id} changed since; {what}"
    e = later[0]
    done = _DONE_BY.get(e.kind, f"changed ({e.kind})")
    return f"region {region_id} was {done} by {e.user} at {e.at[:19]} since; {what}"
