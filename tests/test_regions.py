"""Regions: validation, one event per change with both values, soft delete, undo as events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.core.errors import NotFound, ValidationFailed
from aal_desktop.core.schema import LabelClass, parse_schema
from aal_desktop.services import audit, documents, regions, schemas
from aal_desktop.services.project import Project
from aal_desktop.store.events import EventFilter

from .conftest import make_pdf


def count(project: Project, table: str) -> int:
    return int(project.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_history_shows_original_and_new_value_for_every_kind_of_change(
    project: Project, doc_id: int
) -> None:
    schema = schemas.current(project)
    table = schema.get("table")
    assert isinstance(table, LabelClass)
    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text", reason="draw")
    regions.relabel(project, r.id, "title", reason="it is the title")
    regions.move(project, r.id, (60, 85, 210, 115))
    regions.link(project, r.id, reading_order=1)
    regions.delete(project, r.id, reason="duplicate")
    regions.restore(project, r.id)
    events = regions.history(project, r.id)
    assert [e.kind for e in events] == [
        "region.create",
        "region.relabel",
        "region.move",
        "region.link",
        "region.delete",
        "region.restore",
    ]
    assert [e.change_type for e in events] == ["additive"] + ["corrective"] * 5
    create, relabel, move, link, delete, restore = events
    assert create.original is None and create.new["class_key"] == "text"
    assert (relabel.original["class_key"], relabel.new["class_key"]) == ("text", "title")
    assert relabel.reason == "it is the title" and relabel.user == "lead1"
    assert (move.original["box"], move.new["box"]) == ([70, 90, 200, 110], [60, 85, 210, 115])
    assert (link.original["reading_order"], link.new["reading_order"]) == (None, 1)
    assert (delete.original["deleted"], delete.new["deleted"]) == (False, True)
    assert (restore.original["deleted"], restore.new["deleted"]) == (True, False)
    assert all(e.schema_version == 1 and e.guideline_version == "doclaynet-1.0" for e in events)
    assert regions.get(project, r.id).class_key == "title"


def test_attributes_are_typed_and_recorded(project: Project, doc_id: int, tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("""name: s
classes:
  - {key: table, name: Table, color: "#112233", hotkey: b, attributes: [
      {key: bordered, type: bool, required: true},
      {key: kind, type: enum, options: [data, layout]},
      {key: rows, type: number}, {key: note, type: text}]}
  - {key: text, name: Text, color: "#445566", hotkey: t}
""")
    schemas.import_file(project, f)
    schemas.publish(project)
    with pytest.raises(ValidationFailed, match="attribute 'bordered' is required"):
        regions.add_region(project, doc_id, 0, (10, 10, 100, 100), "table")
    r = regions.add_region(
        project, doc_id, 0, (10, 10, 100, 100), "table", {"bordered": "yes", "rows": "4"}
    )
    assert r.attrs == {"bordered": True, "rows": 4}
    r = regions.set_attributes(
        project, r.id, {"kind": "data", "note": "merged cells"}, reason="checked"
    )
    assert r.attrs == {"bordered": True, "rows": 4, "kind": "data", "note": "merged cells"}
    last = regions.history(project, r.id)[-1]
    assert last.kind == "region.set" and last.original["attrs"] == {"bordered": True, "rows": 4}
    with pytest.raises(ValidationFailed, match="must be one of data, layout"):
        regions.set_attributes(project, r.id, {"kind": "pretty"})
    with pytest.raises(ValidationFailed, match="is a number"):
        regions.set_attributes(project, r.id, {"rows": "many"})
    with pytest.raises(ValidationFailed, match="has no attribute 'colour'"):
        regions.set_attributes(project, r.id, {"colour": "red"})


@pytest.mark.parametrize(
    ("box", "cls", "message"),
    [
        ((10, 10, 100, 100), "bogus", "unknown class 'bogus'"),
        ((10, 10, 10, 100), "text", "zero area"),
        ((10, 10, 700, 100), "text", "outside page 1"),
        ((-50, 10, 100, 100), "text", "outside page 1"),
    ],
)
def test_invalid_edits_write_nothing(
    project: Project, doc_id: int, box: tuple[float, ...], cls: str, message: str
) -> None:
    before = (count(project, "regions"), count(project, "events"))
    with pytest.raises(ValidationFailed, match=message):
        regions.add_region(project, doc_id, 0, box, cls)
    assert (count(project, "regions"), count(project, "events")) == before


def test_page_out_of_range_and_unknown_region(project: Project, doc_id: int) -> None:
    with pytest.raises(ValidationFailed, match="page 9 does not exist"):
        regions.add_region(project, doc_id, 8, (10, 10, 100, 100), "text")
    with pytest.raises(NotFound):
        regions.relabel(project, "no-such-region", "text")


def test_each_call_writes_state_and_exactly_one_event(project: Project, doc_id: int) -> None:
    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    n = count(project, "events")
    regions.relabel(project, r.id, "caption")
    assert count(project, "events") == n + 1
    regions.relabel(project, r.id, "caption")  # no change, no event
    assert count(project, "events") == n + 1


def test_events_cannot_be_updated_or_deleted(project: Project, doc_id: int) -> None:
    regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.db.execute("UPDATE events SET user = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.db.execute("DELETE FROM events")


def test_audit_verify_catches_an_edit_behind_the_apps_back(project: Project, doc_id: int) -> None:
    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    regions.relabel(project, r.id, "title", reason="honest")
    regions.move(project, r.id, (60, 80, 220, 120))
    assert audit.verify(project).ok and audit.verify(project).checked == 3
    project.db.execute("DROP TRIGGER events_no_update")
    project.db.execute("UPDATE events SET reason = 'forged' WHERE id = 2")
    report = audit.verify(project)
    assert not report.ok and report.first_bad_id == 2 and "altered" in (report.problem or "")


def test_audit_verify_catches_a_deleted_event(project: Project, doc_id: int) -> None:
    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    regions.relabel(project, r.id, "title")
    regions.relabel(project, r.id, "text")
    project.db.execute("DROP TRIGGER events_no_delete")
    project.db.execute("DELETE FROM events WHERE id = 3")
    report = audit.verify(project)
    assert not report.ok and report.first_bad_id == 3


def test_text_under_box_and_snap_on_plain_page(project: Project, doc_id: int) -> None:
    r = regions.add_region(project, doc_id, 0, (60, 80, 300, 110), "text", snap=True)
    assert r.text == "Hello world"
    assert r.box.x0 > 60 and r.box.x1 < 300 and r.box.y0 > 80  # shrunk to the words
    picture = regions.add_region(project, doc_id, 0, (60, 80, 300, 110), "picture", snap=True)
    assert picture.box == (60, 80, 300, 110)  # pictures do not snap


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_text_under_box_on_rotated_pages(project: Project, tmp_path: Path, rotation: int) -> None:
    import pymupdf

    path = make_pdf(tmp_path / f"r{rotation}.pdf", rotation=rotation)
    (o,) = documents.import_paths(project, [path])
    page = pymupdf.open(path)[0]
    # where "Hello world" is drawn on screen: its unrotated rect mapped to displayed space
    (hit,) = [w for w in page.get_text("words") if w[4] == "Hello"]
    shown = pymupdf.Rect(hit[:4]) * page.rotation_matrix
    box = (shown.x0 - 3, shown.y0 - 3, shown.x1 + 3, shown.y1 + 3)
    r = regions.add_region(project, o.document_id, 0, box, "text")
    assert r.text == "Hello"


def test_undo_is_a_recorded_revert(project: Project, doc_id: int) -> None:
    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    (edit,) = regions.relabel_many(project, [r.id], "title")
    (undo,) = regions.revert_to(
        project, [(r.id, edit.before.snapshot())], reason="undo", reverts=edit.event_id
    )
    assert undo.after.class_key == "text"
    last = regions.history(project, r.id)[-1]
    assert last.kind == "region.relabel" and last.reverts == edit.event_id
    # undoing a create deletes softly
    (gone,) = regions.revert_to(project, [(r.id, None)], reason="undo")
    assert gone.after.deleted and regions.history(project, r.id)[-1].kind == "region.delete"


def test_batch_edits_share_one_transaction_and_batch_id(project: Project, doc_id: int) -> None:
    a = regions.add_region(project, doc_id, 0, (10, 10, 100, 50), "text")
    b = regions.add_region(project, doc_id, 0, (10, 60, 100, 100), "text")
    edits = regions.relabel_many(project, [a.id, b.id], "list_item", reason="lists")
    assert len(edits) == 2
    batch = audit.get_event(project, edits[0].event_id).batch
    assert batch and audit.count_events(project, EventFilter(batch=batch)) == 2


def test_model_prelabels_become_touched_when_a_person_edits(project: Project, doc_id: int) -> None:
    r = regions.add_region(
        project,
        doc_id,
        0,
        (70, 90, 200, 110),
        "text",
        origin="model",
        model_name="layout",
        model_version="2.0",
        confidence=0.8,
    )
    assert r.prelabel_state == "pending"
    assert regions.move(project, r.id, (70, 90, 210, 110)).prelabel_state == "touched"
    p = regions.add_region(
        project,
        doc_id,
        0,
        (70, 200, 200, 250),
        "text",
        origin="model",
        model_name="layout",
        model_version="2.0",
        confidence=0.9,
    )
    (e,) = regions.accept_prelabels(project, [p.id])
    assert e.after.prelabel_state == "accepted"


def test_deprecated_classes_take_no_new_regions(project: Project, doc_id: int) -> None:
    s = schemas.current(project)
    data = s.model_dump()
    for c in data["classes"]:
        if c["key"] == "formula":
            c["deprecated"] = True
    schemas.add_draft(project, parse_schema(__import__("json").dumps(data), "x.json"))
    schemas.publish(project)
    with pytest.raises(ValidationFailed, match="deprecated"):
        regions.add_region(project, doc_id, 0, (10, 10, 50, 50), "formula")


def test_first_region_moves_document_to_in_progress(project: Project, doc_id: int) -> None:
    regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    assert documents.resolve(project, doc_id).status == "in_progress"


def test_first_correction_of_pre_labels_moves_document_to_in_progress(
    project: Project, doc_id: int
) -> None:
    r = regions.add_region(
        project,
        doc_id,
        0,
        (70, 90, 200, 110),
        "text",
        origin="model",
        model_name="layout",
        model_version="2.0",
        confidence=0.8,
    )
    assert documents.resolve(project, doc_id).status == "todo"  # a model's work is not a start
    regions.accept_prelabels(project, [r.id])
    assert documents.resolve(project, doc_id).status == "in_progress"
    last = documents.status_history(project, doc_id)[-1]
    assert (last.new_status, last.reason, last.user) == ("in_progress", "first correction", "lead1")


def test_listeners_hear_only_after_commit(project: Project, doc_id: int) -> None:
    heard: list[int] = []

    def listener(change: object) -> None:
        # the change is visible to a fresh connection: it was committed
        other = sqlite3.connect(project.path)
        heard.append(other.execute("SELECT COUNT(*) FROM regions").fetchone()[0])
        other.close()

    project.subscribe(listener)
    regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    assert heard == [1]


def test_listeners_inside_an_outer_transaction_hear_after_its_commit(
    project: Project, doc_id: int
) -> None:
    from aal_desktop.store.db import transaction

    r = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    heard: list[bool] = []
    project.subscribe(lambda change: heard.append(project.db.conn.in_transaction))
    with transaction(project.db):
        regions.relabel(project, r.id, "title")
        assert heard == []
    assert heard == [False]
    with pytest.raises(RuntimeError), transaction(project.db):
        regions.relabel(project, r.id, "text")
        raise RuntimeError("rolled back")
    assert heard == [False]
    assert regions.get(project, r.id).class_key == "title"


def test_page_outlines_are_the_live_regions_of_one_page_with_their_proposal_flag(
    project: Project, doc_id: int
) -> None:
    drawn = regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    proposed = regions.add_region(
        project, doc_id, 0, (70, 120, 200, 140), "title", origin="model", confidence=0.9
    )
    accepted = regions.add_region(
        project, doc_id, 0, (70, 150, 200, 170), "title", origin="model", confidence=0.9
    )
    regions.accept_prelabels(project, [accepted.id])
    gone = regions.add_region(project, doc_id, 0, (70, 180, 200, 200), "text")
    regions.delete(project, gone.id)
    regions.add_region(project, doc_id, 1, (70, 90, 200, 110), "text")  # another page

    outlines = {o.id: o for o in regions.page_outlines(project, doc_id, 0)}
    assert set(outlines) == {drawn.id, proposed.id, accepted.id}
    assert outlines[drawn.id].box == regions.get(project, drawn.id).box
    assert outlines[proposed.id].class_key == "title"
    assert [o.pending for o in outlines.values()] == [
        regions.get(project, rid).pending for rid in outlines
    ]
    assert outlines[proposed.id].pending and not outlines[accepted.id].pending
    assert not outlines[drawn.id].pending
    assert regions.page_has_regions(project, doc_id, 0)
    regions.delete_many(project, list(outlines))
    assert not regions.page_has_regions(project, doc_id, 0)
    assert regions.page_has_regions(project, doc_id, 1)


def test_reading_one_page_searches_by_document_and_page_not_the_whole_document(
    project: Project, doc_id: int
) -> None:
    from aal_desktop.store import regions as region_rows

    regions.add_region(project, doc_id, 0, (70, 90, 200, 110), "text")
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    try:
        region_rows.page_outlines(project.db, doc_id, 0)
        region_rows.page_has_regions(project.db, doc_id, 0)
        region_rows.list_regions(project.db, doc_id, 0)
    finally:
        project.db.conn.set_trace_callback(None)
    assert len(statements) == 3
    for sql in statements:
        plan = " ".join(str(row[-1]) for row in project.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "regions_doc_page" in plan, (sql, plan)
