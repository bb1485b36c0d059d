"""Undo history in the services: one step per gesture, per user, kept in the project;
undo and redo are conditional inverses recorded as new events, one `reverts` per event."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import PermissionDenied, ValidationFailed
from aal_desktop.services import documents, history, prelabel, users
from aal_desktop.services import regions as region_service
from aal_desktop.services.project import Change, ChangeKind, Project
from aal_desktop.store import events as event_log


def region_events(project: Project) -> list:
    return event_log.list_events(project.db, event_log.EventFilter(kind="region."))


def boxes(project: Project, doc_id: int, n: int, **kw: object) -> list[str]:
    return [
        region_service.add_region(
            project, doc_id, 0, (50 + 100 * i, 300, 130 + 100 * i, 360), "text", **kw
        ).id  # type: ignore[arg-type]
        for i in range(n)
    ]


def test_one_gesture_is_one_step_and_each_undo_event_reverts_its_own_event(
    project: Project, doc_id: int
) -> None:
    ids = boxes(project, doc_id, 3)
    edits = region_service.relabel_many(project, ids, "table")
    step = history.next_undo(project)
    assert step is not None and step.label == "Relabel 3 regions as table"
    assert step.event_ids == tuple(e.event_id for e in edits)

    undone = history.undo(project)
    assert undone.step.id == step.id and undone.step.state == "undone"
    assert {region_service.get(project, r).class_key for r in ids} == {"text"}
    undo_events = {e.region_id: e for e in region_events(project)[-3:]}
    for e in edits:
        ev = undo_events[e.after.id]
        assert ev.reverts == e.event_id  # each to ITS OWN event, not the batch's first
        assert ev.kind == "region.relabel" and ev.change_type == "corrective"
        assert ev.original["class_key"] == "table" and ev.new["class_key"] == "text"

    redone = history.redo(project)
    assert redone.step.state == "done"
    assert {region_service.get(project, r).class_key for r in ids} == {"table"}
    for e in region_events(project)[-3:]:
        assert e.reverts == undo_events[e.region_id].id
    assert len(region_events(project)) == 3 + 3 + 3 + 3  # nothing removed


def test_menu_labels_come_from_the_service(project: Project, doc_id: int) -> None:
    assert history.next_undo(project) is None and history.next_redo(project) is None
    (rid,) = boxes(project, doc_id, 1)
    assert history.next_undo(project).label == "Draw text"  # type: ignore[union-attr]
    region_service.move(project, rid, (60, 310, 140, 370))
    assert history.next_undo(project).label == "Move region"  # type: ignore[union-attr]
    history.undo(project)
    assert history.next_redo(project).label == "Move region"  # type: ignore[union-attr]
    assert history.next_undo(project).label == "Draw text"  # type: ignore[union-attr]


def test_draw_several_in_one_step_undo_deletes_them_redo_brings_them_back(
    project: Project, doc_id: int
) -> None:
    edits = region_service.add_many(
        project, doc_id, 1, [((50, 50, 150, 150), "text", {}), ((200, 50, 300, 150), "table", {})]
    )
    assert history.next_undo(project).label == "Add 2 regions"  # type: ignore[union-attr]
    history.undo(project)
    assert all(region_service.get(project, e.after.id).deleted for e in edits)
    history.redo(project)
    assert not any(region_service.get(project, e.after.id).deleted for e in edits)
    kinds = [(e.kind, e.change_type) for e in region_events(project)]
    assert (
        kinds
        == [("region.create", "additive")] * 2
        + [("region.delete", "corrective")] * 2
        + [("region.restore", "additive")] * 2
    )


def test_a_new_step_drops_what_could_be_redone(project: Project, doc_id: int) -> None:
    (rid,) = boxes(project, doc_id, 1)
    region_service.relabel(project, rid, "table")
    history.undo(project)
    region_service.relabel(project, rid, "picture")
    assert history.next_redo(project) is None
    with pytest.raises(ValidationFailed, match="nothing to redo"):
        history.redo(project)


def test_each_user_undoes_only_their_own_steps(project: Project, doc_id: int) -> None:
    (rid,) = boxes(project, doc_id, 1)
    users.add_user(project, "bob", "annotator")
    bob = Project(project.path, user="bob")
    try:
        assert history.next_undo(bob) is None
        with pytest.raises(ValidationFailed, match="nothing to undo for bob"):
            history.undo(bob)
        step = history.next_undo(project)
        assert step is not None
        with pytest.raises(ValidationFailed, match="lead1's"):
            history.undo(bob, step.id)
    finally:
        bob.close()
    assert not region_service.get(project, rid).deleted


def test_undo_is_conditional_it_never_loses_another_users_edit(
    project: Project, doc_id: int
) -> None:
    """Issue 19.2: amy moves a box, bob relabels it, amy undoes: bob's relabel stays."""
    (rid,) = boxes(project, doc_id, 1)
    users.add_user(project, "amy", "annotator")
    users.add_user(project, "bob", "annotator")
    amy, bob = Project(project.path, user="amy"), Project(project.path, user="bob")
    try:
        region_service.move(amy, rid, (60, 310, 140, 370))
        region_service.relabel(bob, rid, "table")
        before = len(region_events(project))
        with pytest.raises(ValidationFailed) as err:
            history.undo(amy)
        msg = str(err.value)
        assert f"region {rid} was relabelled by bob at 20" in msg and "nothing undone" in msg
        now = region_service.get(project, rid)
        assert now.class_key == "table" and now.box == (60, 310, 140, 370)
        assert len(region_events(project)) == before  # nothing written
        assert history.next_undo(amy).label == "Move region"  # type: ignore[union-attr]
        # once bob takes his relabel back, amy's move can be undone
        history.undo(bob)
        history.undo(amy)
        assert region_service.get(project, rid).box == (50, 300, 130, 360)
    finally:
        amy.close()
        bob.close()


def test_accepting_proposals_is_additive_and_undo_redo_keep_kinds_and_own_reverts(
    project: Project, doc_id: int
) -> None:
    """Issue 15: acceptance adds, it does not correct; undo/redo write region.accept events
    (not region.link), each reverting its own event."""
    ids = boxes(project, doc_id, 3, origin="model", model_name="m", confidence=0.9)
    assert history.next_undo(project) is None  # a model's proposals are no person's step
    edits = prelabel.accept_page(project, doc_id, 0)
    assert [(e.before.prelabel_state, e.after.prelabel_state) for e in edits] == [
        ("pending", "accepted")
    ] * 3
    accepted = region_events(project)[-3:]
    assert {(e.kind, e.change_type) for e in accepted} == {("region.accept", "additive")}
    history.undo(project)
    undo_events = region_events(project)[-3:]
    assert {(e.kind, e.change_type) for e in undo_events} == {("region.accept", "corrective")}
    assert sorted(e.reverts for e in undo_events) == sorted(e.id for e in accepted)
    assert all(
        ev.reverts == next(a.id for a in accepted if a.region_id == ev.region_id)
        for ev in undo_events
    )
    assert {region_service.get(project, r).prelabel_state for r in ids} == {"pending"}
    history.redo(project)
    redo_events = region_events(project)[-3:]
    assert {(e.kind, e.change_type) for e in redo_events} == {("region.accept", "additive")}
    assert all(
        ev.reverts == next(u.id for u in undo_events if u.region_id == ev.region_id)
        for ev in redo_events
    )


def test_accept_above_chooses_in_the_service_as_one_step(project: Project, doc_id: int) -> None:
    sure = region_service.add_region(
        project,
        doc_id,
        0,
        (50, 50, 150, 150),
        "text",
        origin="model",
        model_name="m",
        confidence=0.95,
    ).id
    unsure = region_service.add_region(
        project,
        doc_id,
        0,
        (200, 50, 300, 150),
        "text",
        origin="model",
        model_name="m",
        confidence=0.4,
    ).id
    edits = prelabel.accept_above(project, doc_id, 0.9)
    assert [e.after.id for e in edits] == [sure]
    assert region_service.get(project, unsure).prelabel_state == "pending"
    assert history.next_undo(project).label == "Accept 1 pre-label"  # type: ignore[union-attr]


def test_changing_a_proposal_is_a_correction_of_the_models_value(
    project: Project, doc_id: int
) -> None:
    (rid,) = boxes(project, doc_id, 1, origin="model", model_name="m", confidence=0.9)
    region_service.relabel(project, rid, "table")
    last = region_events(project)[-1]
    assert last.kind == "region.relabel" and last.change_type == "corrective"
    assert last.original["class_key"] == "text" and last.original["origin"] == "model"
    assert last.original["prelabel_state"] == "pending"
    assert region_service.get(project, rid).prelabel_state == "touched"


def test_annotators_cannot_edit_an_approved_document_until_a_lead_reopens_it(
    project: Project, doc_id: int
) -> None:
    (rid,) = boxes(project, doc_id, 1)
    users.add_user(project, "ann", "annotator")
    documents.set_status(project, doc_id, "approved")
    ann = Project(project.path, user="ann")
    try:
        before = len(region_events(project))
        with pytest.raises(PermissionDenied, match=f"document {doc_id} is approved"):
            region_service.add_region(ann, doc_id, 0, (300, 500, 400, 600), "text")
        with pytest.raises(PermissionDenied, match="approved"):
            region_service.relabel(ann, rid, "table")
        with pytest.raises(PermissionDenied, match="approved"):
            region_service.delete(ann, rid)
        with pytest.raises(PermissionDenied, match="reopen approved document"):
            documents.set_status(ann, doc_id, "in_progress")
        assert len(region_events(project)) == before
        region_service.relabel(project, rid, "table")  # a lead still may
        documents.set_status(project, doc_id, "in_progress")
        region_service.relabel(ann, rid, "picture")
        assert region_service.get(project, rid).class_key == "picture"
    finally:
        ann.close()


def test_changes_carry_a_kind_ids_regions_and_initiator(project: Project, doc_id: int) -> None:
    seen: list[Change] = []
    project.subscribe(seen.append)
    view = object()
    with history.step(project, "Paste 3 regions", initiator=view):
        edits = region_service.add_many(
            project,
            doc_id,
            2,
            [((50 + 100 * i, 50, 120 + 100 * i, 120), "text", {}) for i in range(3)],
        )
    (change,) = seen  # one gesture, one notification
    assert change.kind is ChangeKind.region and change.initiator is view
    assert change.ids == tuple(e.after.id for e in edits)
    assert change.regions == tuple(e.after for e in edits)
    assert (change.document_id, change.page) == (doc_id, 2)
    assert history.next_undo(project).label == "Paste 3 regions"  # type: ignore[union-attr]
    history.undo(project)
    assert seen[-1].initiator is None  # an undo is nobody's echo: every view reloads
    with pytest.raises(ValueError):
        Change("regoin")  # type: ignore[arg-type]


def test_undo_history_survives_reopening_the_project(
    project: Project, doc_id: int, tmp_path: Path
) -> None:
    (rid,) = boxes(project, doc_id, 1)
    region_service.relabel(project, rid, "table")
    again = Project(project.path, user="lead1")
    try:
        assert history.next_undo(again).label == "Relabel region as table"  # type: ignore[union-attr]
        history.undo(again)
    finally:
        again.close()
    assert region_service.get(project, rid).class_key == "text"


def test_a_refused_call_inside_a_step_leaves_the_rest_of_the_step_whole(
    project: Project, doc_id: int
) -> None:
    (rid,) = boxes(project, doc_id, 1)
    with history.step(project, "Tidy up") as step:
        with pytest.raises(ValidationFailed):
            region_service.add_many(
                project,
                doc_id,
                0,
                [((50, 50, 150, 150), "text", {}), ((50, 50, 50, 50), "text", {})],
            )
        region_service.relabel(project, rid, "table")
        region_service.move(project, rid, (60, 310, 140, 370))
    assert step.step_id is not None
    recorded = history.get(project, step.step_id)
    assert recorded.label == "Tidy up" and len(recorded.event_ids) == 2
    assert [r.id for r in region_service.list_regions(project, doc_id, 0)] == [rid]
    history.undo(project)  # both edits of the one region, newest first, each its own
    back = region_service.get(project, rid)
    assert back.class_key == "text" and back.box == (50, 300, 130, 360)
    unmove, unrelabel = region_events(project)[-2:]
    assert (unmove.kind, unmove.reverts) == ("region.move", recorded.event_ids[1])
    assert (unrelabel.kind, unrelabel.reverts) == ("region.relabel", recorded.event_ids[0])
    history.redo(project)
    again = region_service.get(project, rid)
    assert again.class_key == "table" and again.box == (60, 310, 140, 370)
    rerelabel, remove = region_events(project)[-2:]
    assert (rerelabel.kind, rerelabel.reverts) == ("region.relabel", unrelabel.id)
    assert (remove.kind, remove.reverts) == ("region.move", unmove.id)
    history.undo(project)
    assert region_service.get(project, rid).class_key == "text"


def test_a_step_of_more_regions_than_one_read_holds_is_undone_and_redone_whole(
    project: Project, doc_id: int
) -> None:
    n = 620  # more than one chunk of ids in one IN (...)
    items = []
    for k in range(n):
        x, y = 20 + (k % 20) * 25, 60 + (k // 20) * 20
        items.append(((x, y, x + 20, y + 15), "text", {}))
    ids = [e.after.id for e in region_service.add_many(project, doc_id, 0, items)]
    before = {r: region_service.get(project, r).box for r in ids}
    moved = region_service.move_many(project, [(r, b.translated(3, 2)) for r, b in before.items()])
    assert len(moved) == n
    history.undo(project)
    assert {r: region_service.get(project, r).box for r in ids} == before
    undo_events = region_events(project)[-n:]
    assert {e.reverts for e in undo_events} == {e.event_id for e in moved}  # each its own
    history.redo(project)
    assert {r: region_service.get(project, r).box for r in ids} == {
        r: b.translated(3, 2) for r, b in before.items()
    }
    # the batch read of events is the read of each alone
    wanted = [e.event_id for e in moved][::-1] + [10**9]  # one that does not exist
    read = event_log.get_many(project.db, wanted)
    assert set(read) == {e.event_id for e in moved}
    for event_id in wanted[:-1:97]:
        assert read[event_id] == event_log.get(project.db, event_id)


def test_adding_many_regions_writes_their_step_once_and_tells_of_them_once(
    project: Project, doc_id: int
) -> None:
    items = []
    for k in range(300):
        x, y = 20 + (k % 20) * 25, 60 + (k // 20) * 20
        items.append(((x, y, x + 20, y + 15), "text", {}))
    told: list[Change] = []
    project.subscribe(told.append)
    step_writes: list[str] = []
    project.db.conn.set_trace_callback(
        lambda sql: step_writes.append(sql) if "history_steps" in sql else None
    )
    try:
        edits = region_service.add_many(project, doc_id, 0, items)
    finally:
        project.db.conn.set_trace_callback(None)
    assert len(edits) == 300
    # one INSERT of the step (and the UPDATE that drops what could be redone), not 300 rewrites
    assert len(step_writes) <= 2, step_writes
    step = history.next_undo(project)
    assert step is not None and step.label == "Add 300 regions"
    assert step.event_ids == tuple(e.event_id for e in edits)
    region_changes = [c for c in told if c.kind is ChangeKind.region]
    assert len(region_changes) == 1  # one change for the gesture ...
    assert region_changes[0].ids == tuple(e.after.id for e in edits)  # ... in order
    assert region_changes[0].regions == tuple(e.after for e in edits)
    history.undo(project)
    assert region_service.list_regions(project, doc_id, 0) == []


def test_a_failure_inside_a_gathered_block_writes_no_step(project: Project, doc_id: int) -> None:
    from aal_desktop.store.db import transaction

    with pytest.raises(ValidationFailed), transaction(project.db), history.gathered(project):
        region_service.add_region(project, doc_id, 0, (10, 10, 60, 60), "text")
        region_service.add_region(project, doc_id, 0, (10, 10, 60, 60), "no such class")
    assert history.next_undo(project) is None
    assert region_service.list_regions(project, doc_id, 0) == []
