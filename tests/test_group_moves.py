"""Moving many regions in one gesture (services.regions.move_many, what a group drag and
its undo call): every box checked against its own page, one event per region that moved,
the text under each new box, one undo step; a bad region or box writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import NotFound, ValidationFailed
from aal_desktop.services import audit, documents, history, regions
from aal_desktop.services.project import Project
from aal_desktop.store import regions as region_rows
from aal_desktop.store.events import EventFilter

from .conftest import make_pdf


def count(project: Project, table: str) -> int:
    return int(project.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.fixture
def two_docs(project: Project, tmp_path: Path) -> tuple[int, int]:
    """A letter-size document of three pages and a small one-page card (200 x 100 pt)."""
    letter = make_pdf(tmp_path / "letter.pdf", pages=3, text="Hello world")
    card = make_pdf(tmp_path / "card.pdf", width=200, height=100, text="Card text")
    outcomes = documents.import_paths(project, [letter, card])
    ids = [o.document_id for o in outcomes]
    assert all(isinstance(i, int) for i in ids)
    return ids[0], ids[1]  # type: ignore[return-value]


def test_a_group_move_over_pages_and_documents_writes_each_box_event_and_text(
    project: Project, two_docs: tuple[int, int]
) -> None:
    letter, card = two_docs
    on_p1 = regions.add_region(project, letter, 0, (300, 300, 400, 340), "text")
    on_p2 = regions.add_region(project, letter, 1, (300, 300, 400, 340), "text")
    on_card = regions.add_region(project, card, 0, (150, 60, 190, 90), "text")
    still = regions.add_region(project, letter, 0, (10, 10, 40, 40), "text")
    events_before = count(project, "events")
    edits = regions.move_many(
        project,
        [
            (on_p1.id, (70, 85, 200, 110)),  # over "Hello world" of page 1
            (on_p2.id, (70, 125, 200, 150)),  # over "Page 2"
            (on_card.id, (70, 85, 150, 100)),  # over the card's text (y from the top)
            (still.id, (10, 10, 40, 40)),  # where it is: no edit, no event
        ],
        reason="tidy",
        label="Move 3 regions",
    )
    assert [e.after.id for e in edits] == [on_p1.id, on_p2.id, on_card.id]
    assert count(project, "events") == events_before + 3
    got = {r.id: r for r in (regions.get(project, i) for i in (on_p1.id, on_p2.id, on_card.id))}
    assert tuple(got[on_p1.id].box) == (70, 85, 200, 110)
    assert tuple(got[on_p2.id].box) == (70, 125, 200, 150)
    assert tuple(got[on_card.id].box) == (70, 85, 150, 100)
    assert "Hello world" in (got[on_p1.id].text or "")
    assert "Page 2" in (got[on_p2.id].text or "")
    assert "Card" in (got[on_card.id].text or "")
    moves = regions.history(project, on_card.id)[-1]
    assert moves.kind == "region.move" and moves.reason == "tidy"
    assert moves.original["box"] == [150, 60, 190, 90]
    # one gesture, one undo step: undone together
    history.undo(project)
    assert tuple(regions.get(project, on_p1.id).box) == (300, 300, 400, 340)
    assert tuple(regions.get(project, on_card.id).box) == (150, 60, 190, 90)


def test_each_box_is_checked_against_its_own_page_and_a_refusal_writes_nothing(
    project: Project, two_docs: tuple[int, int]
) -> None:
    letter, card = two_docs
    big = regions.add_region(project, letter, 0, (10, 10, 40, 40), "text")
    small = regions.add_region(project, card, 0, (10, 10, 40, 40), "text")
    events_before = count(project, "events")
    with pytest.raises(ValidationFailed, match="outside page 1"):
        # fine on the letter page, outside the 200 x 100 card
        regions.move_many(project, [(big.id, (10, 150, 60, 190)), (small.id, (10, 150, 60, 190))])
    with pytest.raises(NotFound):
        regions.move_many(project, [(big.id, (20, 20, 50, 50)), ("no-such-region", (1, 1, 9, 9))])
    assert count(project, "events") == events_before
    assert tuple(regions.get(project, big.id).box) == (10, 10, 40, 40)
    resized = regions.move_many(project, [(small.id, (10, 10, 60, 40))], resize=True)
    assert [tuple(e.after.box) for e in resized] == [(10, 10, 60, 40)]
    assert regions.history(project, small.id)[-1].kind == "region.resize"


def test_the_pages_of_many_regions_are_read_in_one_light_query(
    project: Project, two_docs: tuple[int, int]
) -> None:
    letter, card = two_docs
    ids = [
        regions.add_region(project, letter, k % 3, (10, 10 + k % 50, 30, 30 + k % 50), "text").id
        for k in range(620)  # more than one chunk of ids
    ]
    ids.append(regions.add_region(project, card, 0, (10, 10, 40, 40), "text").id)
    shas = {d.id: d.sha256 for d in documents.list_documents(project)}
    assert region_rows.pages_of(project.db, [*ids, ids[0], "no-such-region"]) == {
        (letter, 0, shas[letter]),
        (letter, 1, shas[letter]),
        (letter, 2, shas[letter]),
        (card, 0, shas[card]),
    }
    assert len(audit.list_events(project, EventFilter(kind="region.create"))) == 621
