"""Dataset versions: frozen snapshots, deterministic document splits, parents, semver."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from aal_desktop.core import splits
from aal_desktop.core.errors import NotFound, PermissionDenied, ValidationFailed
from aal_desktop.core.records import Region
from aal_desktop.services import documents, regions, versions
from aal_desktop.services.project import Project
from tests.conftest import make_pdf


@dataclass
class Built:
    project: Project
    docs: list[int]
    regions: list[Region]


def build(project: Project, tmp_path: Path, n_docs: int = 4, approve: int = 3) -> Built:
    """n_docs two-page documents, two regions each, the first `approve` approved."""
    docs, regs = [], []
    for i in range(n_docs):
        (o,) = documents.import_paths(
            project, [make_pdf(tmp_path / f"v{i}.pdf", pages=2, text=f"version doc {i}")]
        )
        assert o.document_id is not None
        docs.append(o.document_id)
        regs.append(regions.add_region(project, o.document_id, 0, (72, 80, 300, 110), "text"))
        regs.append(regions.add_region(project, o.document_id, 1, (72, 130, 200, 150), "title"))
    for d in docs[:approve]:
        documents.set_status(project, d, "approved")
    return Built(project, docs, regs)


def frozen_rows(project: Project, name: str) -> list[tuple[object, ...]]:
    return project.db.execute(
        "SELECT * FROM version_regions WHERE version = ? ORDER BY region_id", [name]
    ).fetchall()


def test_create_freezes_approved_documents_regions_schema_and_split(
    project: Project, tmp_path: Path
) -> None:
    b = build(project, tmp_path)
    info = versions.create_version(project, "v1", split=(0.5, 0.25, 0.25), seed=3)
    assert (info.name, info.parent, info.semver, info.dataset) == ("v1", None, "1.0.0", "layout")
    assert (info.documents, info.regions, info.schema_version) == (3, 6, 1)
    assert info.statuses == ["approved"] and info.split_ratios == (0.5, 0.25, 0.25)
    vdocs = versions.version_documents(project, "v1")
    assert [d.document.id for d in vdocs] == b.docs[:3]
    for vd in vdocs:  # the split is the document's hash draw: reproducible anywhere
        assert vd.split == splits.split_for(vd.document.sha256, 3, (0.5, 0.25, 0.25))
        assert [p.page for p in vd.pages] == [0, 1]
    frozen = versions.version_regions(project, "v1")
    live = {r.id: r for r in b.regions}
    assert sorted(r.id for r in frozen) == sorted(r.id for r in b.regions[:6])
    for r in frozen:
        assert (r.box, r.class_key, r.text, r.annotator, r.created_at) == (
            live[r.id].box,
            live[r.id].class_key,
            live[r.id].text,
            live[r.id].annotator,
            live[r.id].created_at,
        )
    # frozen records equal the validated live ones (they are built without re-validation)
    mine = versions.version_regions(project, "v1", b.docs[0])
    assert mine == regions.list_regions(project, b.docs[0]) and len(mine) == 2
    assert [r.model_dump() for r in mine] == [
        Region.model_validate(r.model_dump()).model_dump() for r in mine
    ]
    assert mine[0].model_copy(update={"class_key": "title"}).class_key == "title"
    last = project.db.execute(
        "SELECT last_event_id FROM dataset_versions WHERE name = 'v1'"
    ).fetchone()[0]
    made = project.db.execute("SELECT id, new FROM events WHERE kind = 'version.create'").fetchone()
    assert made[0] == last + 1 and '"regions":6' in made[1]


def test_pages_of_a_document_are_all_in_its_one_split(project: Project, tmp_path: Path) -> None:
    build(project, tmp_path, n_docs=4, approve=4)
    versions.create_version(project, "v1", split=(1, 1, 1), seed=11)
    rows = project.db.execute(
        "SELECT vr.document_id, vr.page, vd.split FROM version_regions vr JOIN version_documents "
        "vd ON vd.version = vr.version AND vd.document_id = vr.document_id"
    ).fetchall()
    by_doc: dict[int, set[str]] = {}
    for doc, _page, split in rows:
        by_doc.setdefault(doc, set()).add(split)
    assert all(len(s) == 1 for s in by_doc.values()) and len(by_doc) == 4
    n = project.db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT document_id) FROM version_documents"
    ).fetchone()
    assert n == (4, 4)


def test_later_edits_never_change_a_version(project: Project, tmp_path: Path) -> None:
    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    before_rows = frozen_rows(project, "v1")
    before_stats = versions.version_stats(project, "v1")
    before_docs = versions.version_documents(project, "v1")
    before_log = versions.version_changelog(project, "v1")

    regions.relabel(project, b.regions[0].id, "title")
    regions.move(project, b.regions[1].id, (10, 10, 50, 50))
    regions.delete(project, b.regions[2].id)
    regions.add_region(project, b.docs[0], 1, (300, 300, 400, 400), "picture")
    documents.set_status(project, b.docs[1], "rejected")

    assert frozen_rows(project, "v1") == before_rows
    assert versions.version_stats(project, "v1") == before_stats
    assert versions.version_documents(project, "v1") == before_docs  # status as of the cut
    assert versions.version_changelog(project, "v1") == before_log
    assert versions.get_version(project, "v1").regions == 6


def test_the_database_refuses_updates_and_deletes_on_version_tables(
    project: Project, tmp_path: Path
) -> None:
    build(project, tmp_path)
    versions.create_version(project, "v1")
    for sql in (
        "UPDATE version_regions SET class_key = 'title'",
        "UPDATE version_documents SET split = 'test'",
        "UPDATE dataset_versions SET stats = '{}'",
        "DELETE FROM version_regions",
        "DELETE FROM dataset_versions",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="frozen|never deleted"):
            project.db.execute(sql)
    assert versions.get_version(project, "v1").regions == 6


def test_a_name_is_never_reused(project: Project, tmp_path: Path) -> None:
    build(project, tmp_path)
    versions.create_version(project, "v1")
    events = project.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(ValidationFailed, match="'v1' already exists.*never reused"):
        versions.create_version(project, "v1", seed=9)
    assert project.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events
    assert len(versions.list_versions(project)) == 1
    for bad in ("", "../x", "has space", ".hidden"):
        with pytest.raises(ValidationFailed):
            versions.create_version(project, bad)


def test_a_failure_part_way_leaves_nothing_behind(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project, tmp_path)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(versions, "append", boom)  # the very last write of the transaction
    with pytest.raises(RuntimeError):
        versions.create_version(project, "v1")
    for table in ("dataset_versions", "version_documents", "version_regions"):
        assert project.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_documents_keep_their_split_in_the_next_version_unless_resplit(
    project: Project, tmp_path: Path
) -> None:
    build(project, tmp_path, n_docs=6, approve=6)
    versions.create_version(project, "v1", split=(1, 1, 1), seed=1)
    first = {d.document.id: d.split for d in versions.version_documents(project, "v1")}
    versions.create_version(project, "v2", split=(1, 1, 1), seed=2)  # another seed: kept
    assert {d.document.id: d.split for d in versions.version_documents(project, "v2")} == first
    versions.create_version(project, "v3", split=(1, 1, 1), seed=2, resplit=True)
    third = {d.document.id: d.split for d in versions.version_documents(project, "v3")}
    assert third == splits.assign(
        [(d.document.id, d.document.sha256) for d in versions.version_documents(project, "v3")],
        2,
        (1, 1, 1),
    )
    assert versions.get_version(project, "v3").semver == "2.0.0"  # a split move is breaking


def test_parent_defaults_to_the_newest_version_and_semver_follows_the_change(
    project: Project, tmp_path: Path
) -> None:
    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    documents.set_status(project, b.docs[3], "approved")  # additive only
    v2 = versions.create_version(project, "v2")
    assert (v2.parent, v2.semver) == ("v1", "1.1.0")
    regions.relabel(project, b.regions[0].id, "caption")  # corrective
    v3 = versions.create_version(project, "v3")
    assert (v3.parent, v3.semver) == ("v2", "2.0.0")
    v4 = versions.create_version(project, "v4", parent="v1")  # a sibling line
    assert v4.parent == "v1" and v4.semver == "3.0.0"  # 2.0.0 is taken in this dataset
    v5 = versions.create_version(project, "other-1", parent=None, dataset="other")
    assert (v5.parent, v5.dataset, v5.semver) == (None, "other", "1.0.0")
    assert [v.name for v in versions.list_versions(project)] == ["v1", "v2", "v3", "v4", "other-1"]
    with pytest.raises(NotFound):
        versions.create_version(project, "v9", parent="nope")


def test_only_leads_create_versions_and_an_empty_selection_is_refused(
    project: Project, tmp_path: Path
) -> None:
    build(project, tmp_path, approve=0)
    with pytest.raises(ValidationFailed, match="no documents with status approved"):
        versions.create_version(project, "v1")
    assert versions.create_version(project, "v1", statuses=("in_progress",)).documents == 4
    with pytest.raises(ValidationFailed, match="unknown document status"):
        versions.create_version(project, "v2", statuses=("done",))
    annotator = Project(project.path, user="ann1")
    try:
        assert not annotator.is_lead
        with pytest.raises(PermissionDenied):
            versions.create_version(annotator, "v2", statuses=("in_progress",))
    finally:
        annotator.close()


def test_changes_between_lists_each_event_on_the_versions_documents(
    project: Project, tmp_path: Path
) -> None:
    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    regions.relabel(project, b.regions[0].id, "title", reason="it is a heading")
    regions.relabel(project, b.regions[6].id, "title")  # a document not in the versions
    versions.create_version(project, "v2")
    (change,) = versions.changes_between(project, "v1", "v2")
    assert change["region_id"] == b.regions[0].id and change["kind"] == "region.relabel"
    assert change["change_type"] == "corrective" and change["user"] == "lead1"
    assert change["original"]["class_key"] == "text" and change["new"]["class_key"] == "title"
    assert change["reason"] == "it is a heading" and change["review"] == "pending"
    assert change["schema_version"] == 1 and change["guideline_version"] == "doclaynet-1.0"
    assert change["document_sha256"] == documents.resolve(project, b.docs[0]).sha256
    everything = versions.changes_between(project, None, "v2")
    assert [c["kind"] for c in everything].count("region.create") == 6
    assert len(everything) == 7
