"""Region rows read back as Regions equal to validated ones (store/regions.py builds them
without pydantic's validation, by a path that depends on how pydantic keeps a model)."""

from __future__ import annotations

from aal_desktop.core.geometry import Box
from aal_desktop.core.records import Region
from aal_desktop.services import schemas
from aal_desktop.services.project import Project
from aal_desktop.store import regions as region_rows
from aal_desktop.store.db import transaction


def _stored(project: Project, doc_id: int) -> Region:
    schemas.current(project)  # the default schema (v1) the row refers to
    region = Region(
        id="r-1",
        document_id=doc_id,
        page=0,
        box=Box(10.0, 20.0, 110.5, 60.25),
        class_key="table",
        attrs={"rows": 3, "note": "two headers", "flag": True},
        schema_version=1,
        origin="model",
        model_name="m",
        model_version="2",
        confidence=0.5,
        prelabel_state="pending",
        annotator="lead1",
        text="Total 3",
        created_by="lead1",
        created_at="2026-12-01T00:00:00.000000+00:00",
    )
    with transaction(project.db):
        region_rows.insert(project.db, region)
    return region


def test_a_read_region_equals_the_validated_one_field_by_field(
    project: Project, doc_id: int
) -> None:
    written = _stored(project, doc_id)
    read = region_rows.get(project.db, "r-1")
    assert read is not None
    validated = Region.model_validate(read.model_dump())
    assert read == written == validated
    assert read.model_dump() == written.model_dump()
    assert list(read.model_dump()) == list(Region.model_fields)
    assert read.model_fields_set == set(Region.model_fields)
    moved = read.model_copy(update={"box": Box(1, 2, 3, 4)})
    assert moved.box == Box(1, 2, 3, 4) and read.box == written.box
    assert read.pending and read.snapshot() == written.snapshot()


def test_changed_columns_are_exactly_those_that_differ(project: Project, doc_id: int) -> None:
    written = _stored(project, doc_id)
    after = written.model_copy(
        update={"class_key": "text", "attrs": {"rows": 3, "note": "two headers", "flag": 1}}
    )
    with transaction(project.db):
        region_rows.replace(project.db, after, written)
    read = region_rows.get(project.db, "r-1")
    assert read is not None
    # True and 1 are equal in Python but not the same JSON: the attribute is written
    assert read.class_key == "text" and read.attrs["flag"] == 1
    assert read.attrs["flag"] is not True
    assert read.box == written.box and read.text == written.text


def test_a_page_listing_is_each_live_region_as_of_would_list_it(
    project: Project, doc_id: int
) -> None:
    """The regions panel reads listing tuples straight from the rows; they must say what
    the full Regions say (a deleted one is not listed)."""
    from aal_desktop.core.records import RegionListing
    from aal_desktop.services import page_view
    from aal_desktop.services import regions as region_service

    _stored(project, doc_id)
    kept = region_service.add_region(project, doc_id, 0, (200, 200, 260, 240), "text")
    gone = region_service.add_region(project, doc_id, 0, (300, 300, 360, 340), "title")
    region_service.add_region(project, doc_id, 1, (10, 10, 60, 40), "text")  # another page
    region_service.delete(project, gone.id)
    listed = sorted(page_view.page_listing(project, doc_id, 0))
    full = region_service.list_regions(project, doc_id, 0)
    assert listed == sorted(RegionListing.of(r) for r in full)
    assert {r.id for r in listed} == {"r-1", kept.id}
    (model_made,) = [r for r in listed if r.id == "r-1"]
    assert (model_made.origin, model_made.confidence, model_made.text) == ("model", 0.5, "Total 3")


def test_many_regions_read_at_once_equal_each_read_alone(project: Project, doc_id: int) -> None:
    first = _stored(project, doc_id)
    with transaction(project.db):
        for k in range(700):  # more than one chunk of ids
            region_rows.insert(
                project.db,
                first.model_copy(update={"id": f"r-{k + 2}", "box": Box(k % 50, 1, 60, 70)}),
            )
    ids = [f"r-{k}" for k in range(1, 702)]
    read = region_rows.get_many(project.db, [*ids, "r-1", "no-such-region"])
    assert sorted(read) == sorted(ids)  # every one once; the unknown left out
    for rid in ("r-1", "r-350", "r-701"):
        assert read[rid] == region_rows.get(project.db, rid)
    assert region_rows.get_many(project.db, []) == {}
