"""Review: accept and revert region changes (leads), exact filters, the per-person summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aal_desktop.core.errors import NotFound, PermissionDenied, ValidationFailed
from aal_desktop.services import audit, documents, regions, review, users
from aal_desktop.services.project import Project
from aal_desktop.store.events import EventFilter

from .conftest import make_pdf

ANNOTATORS = ("ann1", "ann2", "ann3")


@dataclass
class Day:
    doc_a: int
    doc_b: int
    regions: dict[str, str] = field(default_factory=dict)  # name -> region id
    events: dict[str, int] = field(default_factory=dict)  # name -> event id


def last_event(project: Project) -> int:
    return int(project.db.execute("SELECT MAX(id) FROM events").fetchone()[0])


def build_day(project: Project, tmp_path: Path) -> Day:
    """ann1 and ann2 on document A, ann3 on document B: creates, relabels, moves, deletes.

    Leaves the project acting as the lead ('lead1', the project's first user).
    """
    lead = project.user
    a = documents.import_paths(project, [make_pdf(tmp_path / "a.pdf", pages=2)])[0].document_id
    b = documents.import_paths(project, [make_pdf(tmp_path / "b.pdf", pages=1, text="Other")])[
        0
    ].document_id
    assert a is not None and b is not None
    for name in ANNOTATORS:
        users.add_user(project, name, "annotator")
    day = Day(a, b)

    def create(name: str, doc: int, page: int, box: tuple[float, ...], cls: str) -> None:
        r = regions.add_region(project, doc, page, box, cls, reason=f"draw {name}")
        day.regions[name] = r.id
        day.events[f"create_{name}"] = last_event(project)

    def step(label: str, fn: object, *args: object, **kw: object) -> None:
        fn(project, *args, **kw)  # type: ignore[operator]
        day.events[label] = last_event(project)

    R = day.regions
    project.switch_user("ann1")
    create("r1", a, 0, (70, 90, 200, 110), "text")
    create("r2", a, 0, (70, 130, 200, 150), "text")
    create("r3", a, 1, (100, 300, 400, 500), "table")
    step("ann1_relabel_r1", regions.relabel, R["r1"], "title", reason="it is the title")
    step("ann1_relabel_r2", regions.relabel, R["r2"], "section_header", reason="a heading")
    step("ann1_move_r3", regions.move, R["r3"], (90, 290, 410, 510), reason="too tight")

    project.switch_user("ann2")
    create("r4", a, 0, (300, 400, 500, 600), "picture")
    step("ann2_relabel_r4", regions.relabel, R["r4"], "table", reason="has a grid")
    step("ann2_relabel_r3", regions.relabel, R["r3"], "picture", reason="it is a chart")
    step("ann2_delete_r2", regions.delete, R["r2"], reason="duplicate")

    project.switch_user("ann3")
    create("r5", b, 0, (60, 80, 250, 120), "text")
    step("ann3_move_r5", regions.move, R["r5"], (65, 85, 245, 115))
    step("ann3_relabel_r5", regions.relabel, R["r5"], "caption", reason="below a figure")
    step("ann3_relabel_r4", regions.relabel, R["r4"], "picture", reason="no, a picture")
    step("ann3_delete_r1", regions.delete, R["r1"], reason="not a title after all")

    project.switch_user(lead)
    return day


@pytest.fixture
def day(project: Project, tmp_path: Path) -> Day:
    return build_day(project, tmp_path)


def ids(project: Project, **kw: object) -> set[int]:
    return {e.id for e in review.query_events(project, EventFilter(**kw))}  # type: ignore[arg-type]


def test_revert_restores_the_original_value_and_records_it_as_an_event(
    project: Project, day: Day
) -> None:
    ev = day.events["ann1_relabel_r2"]
    rid = day.regions["r2"]
    # r2 was relabelled (ann1) then deleted (ann2): the relabel's revert keeps the deletion
    decision = review.revert(project, ev, "a paragraph, not a heading")
    r = regions.get(project, rid)
    assert r.class_key == "text" and r.deleted is True
    assert decision.decision == "reverted" and decision.user == "lead1"
    new = audit.get_event(project, decision.revert_event_id)  # type: ignore[arg-type]
    assert new.reverts == ev and new.kind == "region.relabel"
    assert new.change_type == "corrective" and new.user == "lead1"
    assert new.reason == "a paragraph, not a heading"
    assert (new.original["class_key"], new.new["class_key"]) == ("section_header", "text")
    assert audit.get_event(project, ev).review == "reverted"
    assert [d.decision for d in review.decisions(project, ev)] == ["reverted"]
    row = project.db.execute(
        "SELECT revert_event_id, reason FROM reviews WHERE event_id = ?", [ev]
    ).fetchone()
    assert row == (new.id, "a paragraph, not a heading")
    # the lead's own corrective event needs no second review
    assert new.review == "accepted"
    assert audit.verify(project).ok


def test_revert_of_a_move_restores_the_box_and_its_text(project: Project, day: Day) -> None:
    ev = day.events["ann3_move_r5"]
    original = audit.get_event(project, ev).original
    # a later relabel of r5 changed the class, not the box: the move can still be reverted
    review.revert(project, ev, "the first box was right")
    r = regions.get(project, day.regions["r5"])
    assert list(r.box) == original["box"] and r.text == original["text"]
    assert r.class_key == "caption"


def test_revert_of_a_delete_restores_and_of_a_create_deletes(project: Project, day: Day) -> None:
    review.revert(project, day.events["ann3_delete_r1"], "it exists")
    assert regions.get(project, day.regions["r1"]).deleted is False
    review.revert(project, day.events["create_r5"], "no region here")
    assert regions.get(project, day.regions["r5"]).deleted is True
    with pytest.raises(ValidationFailed, match="already reverted"):
        review.revert(project, day.events["create_r5"], "again")


def test_revert_refuses_when_a_later_event_changed_the_same_field(
    project: Project, day: Day
) -> None:
    # r4: picture -(ann2)-> table -(ann3)-> picture; reverting ann2's relabel would drop ann3's
    with pytest.raises(ValidationFailed, match=r"event \d+, region.relabel by ann3"):
        review.revert(project, day.events["ann2_relabel_r4"], "x")
    assert regions.get(project, day.regions["r4"]).class_key == "picture"
    # newest first works: revert ann3's, then ann2's
    review.revert(project, day.events["ann3_relabel_r4"], "it is a table")
    assert regions.get(project, day.regions["r4"]).class_key == "table"
    review.revert(project, day.events["ann2_relabel_r4"], "back to the drawing's class")
    assert regions.get(project, day.regions["r4"]).class_key == "picture"


def test_accept_marks_reviewed_is_idempotent_and_a_reverted_event_cannot_be_accepted(
    project: Project, day: Day
) -> None:
    ev = day.events["ann1_relabel_r1"]
    d = review.accept(project, ev)
    assert (d.decision, d.already, d.user) == ("accepted", False, "lead1")
    again = review.accept(project, ev)
    assert again.already and again.id == d.id
    assert len(review.decisions(project, ev)) == 1
    # a lead may change their mind: revert after accepting (r1 was deleted since; class only)
    review.revert(project, ev, "after all")
    with pytest.raises(ValidationFailed, match="cannot be accepted"):
        review.accept(project, ev)


def test_accept_many_checks_every_event_before_writing(project: Project, day: Day) -> None:
    good = day.events["ann1_move_r3"]
    review.revert(project, day.events["ann3_relabel_r5"], "caption is wrong")
    bad = day.events["ann3_relabel_r5"]
    before = project.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    with pytest.raises(ValidationFailed):
        review.accept_many(project, [good, bad])
    assert project.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == before
    out = review.accept_many(project, [good, day.events["create_r1"]])
    assert [d.event_id for d in out] == [good, day.events["create_r1"]]
    assert audit.get_event(project, good).review == "accepted"


def test_events_that_are_not_region_changes_cannot_be_reviewed(project: Project, day: Day) -> None:
    from aal_desktop.store import events as event_log
    from aal_desktop.store.db import transaction

    with transaction(project.db):
        eid = event_log.append(project.db, event_log.NewEvent(kind="schema.publish", user="lead1"))
    with pytest.raises(ValidationFailed, match="only region changes are reviewed"):
        review.accept(project, eid)
    with pytest.raises(ValidationFailed, match="only region changes are reviewed"):
        review.revert(project, eid, "x")
    with pytest.raises(NotFound):
        review.accept(project, 10_000)


def test_an_annotator_cannot_review(project: Project, day: Day) -> None:
    project.switch_user("ann1")
    ev = day.events["ann2_relabel_r3"]
    with pytest.raises(PermissionDenied, match="only a lead can review"):
        review.accept(project, ev)
    with pytest.raises(PermissionDenied):
        review.revert(project, ev, "no")
    with pytest.raises(PermissionDenied):
        review.accept_filtered(project, EventFilter(user="ann2"))
    assert project.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    assert regions.get(project, day.regions["r3"]).class_key == "picture"


def test_filters_return_exactly_the_matching_events(project: Project, day: Day) -> None:
    E = day.events
    assert ids(project, user="ann1", kind="region.relabel") == {
        E["ann1_relabel_r1"],
        E["ann1_relabel_r2"],
    }
    assert ids(project, user="ann2") == {
        E["create_r4"],
        E["ann2_relabel_r4"],
        E["ann2_relabel_r3"],
        E["ann2_delete_r2"],
    }
    assert ids(project, kind="region.delete") == {E["ann2_delete_r2"], E["ann3_delete_r1"]}
    assert ids(project, kind="region.move") == {E["ann1_move_r3"], E["ann3_move_r5"]}
    assert ids(project, change_type="additive") == {E[f"create_r{i}"] for i in range(1, 6)}
    assert ids(project, class_before="text", kind="region.relabel") == {
        E["ann1_relabel_r1"],
        E["ann1_relabel_r2"],
        E["ann3_relabel_r5"],
    }
    assert ids(project, class_after="picture") == {
        E["create_r4"],
        E["ann2_relabel_r3"],
        E["ann3_relabel_r4"],
    }
    assert ids(project, class_before="table", class_after="picture") == {
        E["ann2_relabel_r3"],
        E["ann3_relabel_r4"],
    }
    assert ids(project, document_id=day.doc_b) == {
        E["create_r5"],
        E["ann3_move_r5"],
        E["ann3_relabel_r5"],
    }
    since = audit.get_event(project, E["create_r5"]).at
    until = audit.get_event(project, E["ann3_relabel_r4"]).at
    assert ids(project, since=since, until=until) == {
        E["create_r5"],
        E["ann3_move_r5"],
        E["ann3_relabel_r5"],
    }
    # review states
    review.accept(project, E["ann1_move_r3"])
    review.revert(project, E["ann3_delete_r1"], "keep it")
    revert_event = last_event(project)
    assert ids(project, review="accepted") == {E["ann1_move_r3"], revert_event}
    assert ids(project, review="reverted") == {E["ann3_delete_r1"]}
    assert ids(project, review="pending") == set(E.values()) - {
        E["ann1_move_r3"],
        E["ann3_delete_r1"],
    }


def test_query_orders_by_any_column_of_the_table(project: Project, day: Day) -> None:
    flt = EventFilter(kind="region.relabel")
    by_after = [e.new["class_key"] for e in review.query_events(project, flt, order="class_after")]
    assert by_after == sorted(by_after)
    page = review.query_events(
        project, flt, limit=2, offset=1, order="class_before", descending=True
    )
    full = review.query_events(project, flt, order="class_before", descending=True)
    assert [e.id for e in page] == [e.id for e in full[1:3]]
    by_user = [e.user for e in review.query_events(project, None, order="user")]
    assert by_user == sorted(by_user)


def test_accept_filtered_accepts_only_pending_matches_in_one_go(project: Project, day: Day) -> None:
    E = day.events
    review.revert(project, E["ann1_relabel_r2"], "no")
    n = review.accept_filtered(project, EventFilter(user="ann1", kind="region.relabel"))
    assert n == 1  # the reverted one stays reverted
    assert audit.get_event(project, E["ann1_relabel_r1"]).review == "accepted"
    assert audit.get_event(project, E["ann1_relabel_r2"]).review == "reverted"
    assert review.accept_filtered(project, EventFilter(user="ann1", kind="region.relabel")) == 0


def test_annotator_summary_counts_work_and_review_outcomes(project: Project, day: Day) -> None:
    E = day.events
    review.revert(project, E["ann1_relabel_r1"], "not a title")  # conflicts? r1 deleted since
    review.revert(project, E["ann2_relabel_r3"], "a table")
    review.accept(project, E["ann2_delete_r2"])
    s = {r.user: r for r in review.annotator_summary(project)}
    assert (s["ann1"].regions_made, s["ann1"].corrections_made) == (3, 3)
    assert (s["ann1"].reverted, s["ann1"].accepted) == (1, 0)
    assert (s["ann2"].regions_made, s["ann2"].corrections_made) == (1, 3)
    assert (s["ann2"].reverted, s["ann2"].accepted, s["ann2"].pending) == (1, 1, 2)
    assert (s["ann3"].regions_made, s["ann3"].corrections_made, s["ann3"].reverted) == (1, 4, 0)
    # the lead's two reverts are review decisions, not corrections
    assert s["lead1"].corrections_made == 0 and s["lead1"].role == "lead"
    assert s["ann1"].role == "annotator"


def test_done_when_lead_reverts_two_of_one_annotators_relabels_and_accepts_the_rest(
    project: Project, day: Day
) -> None:
    flt = EventFilter(user="ann3", kind="region.relabel", review="pending")
    relabels = review.query_events(project, flt)
    assert len(relabels) == 2
    for e in relabels:
        before, after = review.describe_change(e)
        assert before.startswith("class ") and after.startswith("class ")
    first, second = relabels
    review.revert(project, second.id, "it was a picture")
    review.revert(project, first.id, "plain text, no figure nearby")
    assert review.accept_filtered(project, EventFilter(user="ann3")) == 3
    assert review.count_events(project, EventFilter(user="ann3", review="pending")) == 0
    assert review.count_events(project, EventFilter(user="ann3", review="reverted")) == 2
    assert regions.get(project, day.regions["r5"]).class_key == "text"
    assert regions.get(project, day.regions["r4"]).class_key == "table"
    report = audit.verify(project)
    assert report.ok and report.checked == last_event(project)


def test_describe_change_names_only_what_changed(project: Project, day: Day) -> None:
    move = audit.get_event(project, day.events["ann1_move_r3"])
    assert review.describe_change(move) == ("box (100, 300, 400, 500)", "box (90, 290, 410, 510)")
    create = audit.get_event(project, day.events["create_r1"])
    assert review.describe_change(create) == (
        "(did not exist)",
        "class text; box (70, 90, 200, 110)",
    )
    delete = audit.get_event(project, day.events["ann2_delete_r2"])
    assert review.describe_change(delete) == ("deleted False", "deleted True")
