"""The review table's light rows and counts agree with the full event listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.services import review
from aal_desktop.services.project import Project
from aal_desktop.store import event_table, json_text
from aal_desktop.store import events as event_log
from aal_desktop.store.db import transaction
from aal_desktop.store.events import EventFilter

from .test_review import Day, build_day

FILTERS = (
    EventFilter(),
    EventFilter(review="pending"),
    EventFilter(review="accepted"),
    EventFilter(review="reverted"),
    EventFilter(user="ann3", review="pending"),
    EventFilter(kind="region.relabel", review="pending", class_after="picture"),
    EventFilter(kind="region.", user="ann1"),
)


@pytest.fixture
def day(project: Project, tmp_path: Path) -> Day:
    """The review day, with one change accepted and one reverted by the lead."""
    d = build_day(project, tmp_path)
    review.accept(project, d.events["ann2_relabel_r4"])
    review.revert(project, d.events["ann1_move_r3"], "the box was right")
    return d


def _class(snapshot: object) -> str:
    return str(snapshot.get("class_key") or "") if isinstance(snapshot, dict) else ""


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
def test_rows_and_count_match_the_full_listing(
    project: Project, day: Day, flt: EventFilter
) -> None:
    full = review.query_events(project, flt)
    rows = review.table_rows(project, flt, limit=1000)
    assert [r.id for r in rows] == [e.id for e in full]
    assert [r.review for r in rows] == [e.review for e in full]
    assert [(r.class_before(), r.class_after()) for r in rows] == [
        (_class(e.original), _class(e.new)) for e in full
    ]
    assert [(r.user, r.kind, r.at, r.document_id, r.page, r.reason) for r in rows] == [
        (e.user, e.kind, e.at, e.document_id, e.page, e.reason) for e in full
    ]
    assert review.count_events(project, flt) == len(full) == event_log.count(project.db, flt)
    assert full  # every filter here matches something


def test_pending_means_no_decision_yet(project: Project, day: Day) -> None:
    pending = {r.id for r in review.table_rows(project, EventFilter(review="pending"), 1000)}
    decided = {
        r.id for r in review.table_rows(project, EventFilter(), 1000) if r.review != "pending"
    }
    assert day.events["ann2_relabel_r4"] in decided and day.events["ann1_move_r3"] in decided
    assert pending.isdisjoint(decided)
    assert len(pending) + len(decided) == review.count_events(project)


def test_rows_page_and_sort_like_the_full_listing(project: Project, day: Day) -> None:
    for order in ("id", "user", "class_after", "review", "reason"):
        for descending in (False, True):
            full = review.query_events(project, order=order, descending=descending)
            pages = [
                review.table_rows(project, limit=4, offset=o, order=order, descending=descending)
                for o in range(0, len(full), 4)
            ]
            assert [r.id for page in pages for r in page] == [e.id for e in full]


def test_an_unreadable_snapshot_shows_no_class(project: Project) -> None:
    with transaction(project.db):
        event_log.append(
            project.db,
            event_log.NewEvent(kind="region.relabel", user="lead1", region_id="r", new={"a": 1}),
        )
    row = event_table.EventRow(*review.table_rows(project)[0][:9], "{not json", '"text"')
    assert (row.class_before(), row.class_after()) == ("", "")
    row = row._replace(original_json=json.dumps({"class_key": "table"}), new_json=None)
    assert (row.class_before(), row.class_after()) == ("table", "")


def test_loads_keeps_json_loads_behaviour() -> None:
    assert json_text.loads('{"a":NaN,"b":[1,Infinity]}') == {"a": None, "b": [1, None]}
    assert json_text.loads(b'{"a": 1}') == {"a": 1}  # type: ignore[arg-type]
    for bad in ("\ufeff{}", "{", "[1,]"):
        with pytest.raises(json.JSONDecodeError):
            json_text.loads(bad)
