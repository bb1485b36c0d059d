"""Changelogs between frozen versions: computed from the data, attributed by the events."""

from __future__ import annotations

from pathlib import Path

from aal_desktop.core import changelog
from aal_desktop.core.geometry import Box
from aal_desktop.core.migration_plan import MigrationPlan
from aal_desktop.core.records import Document, Region
from aal_desktop.core.schema import default_schema
from aal_desktop.services import documents, migrations, regions, review, versions
from aal_desktop.services.project import Project
from tests.test_versions import build


def test_after_exactly_one_relabel_the_changelog_says_exactly_that(
    project: Project, tmp_path: Path
) -> None:
    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    regions.relabel(project, b.regions[0].id, "title")
    versions.create_version(project, "v2")
    log = versions.version_changelog(project, "v2")
    fix = log["corrections"]
    assert fix["relabels"] == {"text → title": 1}
    assert (
        fix["regions"],
        fix["geometry"],
        fix["attributes"],
        fix["deletions"],
        fix["restorations"],
        fix["by_review"],
    ) == (1, 0, 0, 0, 0, 0)
    assert log["additions"]["documents"] == [] and log["additions"]["regions"]["total"] == 0
    assert log["removals"] == {"documents": [], "regions": 0}
    assert not log["schema"]["changed"] and log["splits"]["moved"] == []
    assert log["change_type"] == "corrective"
    assert log["class_distribution"]["delta"] == {"text": -1, "title": 1}
    md = versions.changelog_markdown(log)
    assert "text → title: 1" in md
    sections = [line for line in md.splitlines() if line.startswith("## ")]
    assert sections == ["## Corrections", "## Class distribution"]
    corrections = md.split("## Corrections")[1].split("## Class distribution")[0]
    assert [ln.strip() for ln in corrections.strip().splitlines()] == [
        "- Relabelled:",
        "- text → title: 1",
        "- Regions corrected: 1, of which 0 by review reverts (0%)",
        "- Last changed by: lead1 1",
    ]


def test_first_version_counts_everything_as_added(project: Project, tmp_path: Path) -> None:
    build(project, tmp_path)
    versions.create_version(project, "v1")
    log = versions.version_changelog(project, "v1")
    assert log["from"] is None and log["change_type"] == "additive"
    assert len(log["additions"]["documents"]) == 3
    assert log["additions"]["regions"] == {
        "total": 6,
        "with_new_documents": 6,
        "by_source": {"human": 6},
        "by_class": {"text": 3, "title": 3},
    }
    assert log["corrections"]["regions"] == 0
    assert "## Added" in versions.changelog_markdown(log)


def test_every_kind_of_correction_and_addition_is_counted(project: Project, tmp_path: Path) -> None:
    b = build(project, tmp_path)
    gone = regions.add_region(project, b.docs[0], 1, (300, 300, 350, 350), "picture")
    regions.delete(project, gone.id)  # deleted before v1: not in v1
    versions.create_version(project, "v1")
    r = b.regions
    regions.relabel(project, r[0].id, "title")
    regions.relabel(project, r[0].id, "text")  # and back: no net change
    regions.move(project, r[1].id, (72, 130, 220, 160))
    regions.delete(project, r[2].id)
    regions.restore(project, gone.id)
    proposal = regions.add_region(
        project,
        b.docs[1],
        1,
        (300, 400, 500, 500),
        "table",
        origin="model",
        model_name="detr",
        model_version="3",
    )
    regions.accept_prelabels(project, [proposal.id])  # a pending one never enters a version
    documents.set_status(project, b.docs[3], "approved")  # a new document, 2 regions
    documents.set_status(project, b.docs[2], "rejected")  # leaves, with its 2 regions
    versions.create_version(project, "v2")
    log = versions.version_changelog(project, "v2")
    fix = log["corrections"]
    assert fix["relabels"] == {} and fix["geometry"] == 1
    assert fix["deletions"] == 1 and fix["deletions_by_class"] == {"text": 1}
    assert fix["restorations"] == 1 and fix["restorations_by_class"] == {"picture": 1}
    assert fix["regions"] == 3
    add = log["additions"]
    assert [d["id"] for d in add["documents"]] == [b.docs[3]]
    assert add["regions"] == {
        "total": 3,
        "with_new_documents": 2,
        "by_source": {"detr 3": 1, "human": 2},
        "by_class": {"table": 1, "text": 1, "title": 1},
    }
    assert [d["id"] for d in log["removals"]["documents"]] == [b.docs[2]]
    assert log["removals"]["regions"] == 2
    md = versions.changelog_markdown(log)
    for text in (
        "## Added",
        "## Removed",
        "Boxes moved or resized: 1",
        "Deleted: 1 (text 1)",
        "Restored: 1 (picture 1)",
        "by source: detr 3 1, human 2",
    ):
        assert text in md


def test_review_reverts_are_counted_as_the_review_share(project: Project, tmp_path: Path) -> None:
    b = build(project, tmp_path)
    documents.set_status(project, b.docs[0], "in_progress")  # annotators edit no approved doc
    annotator = Project(project.path, user="ann1")
    try:
        edit = regions.relabel_many(annotator, [b.regions[0].id], "caption")[0]
        regions.move(annotator, b.regions[1].id, (72, 130, 250, 160))
    finally:
        annotator.close()
    documents.set_status(project, b.docs[0], "approved")
    versions.create_version(project, "v1")  # the annotator's relabel is in v1
    review.revert(project, edit.event_id, reason="a caption needs a figure")
    versions.create_version(project, "v2")
    fix = versions.version_changelog(project, "v2")["corrections"]
    assert fix["relabels"] == {"caption → text": 1}
    assert (fix["by_review"], fix["review_share"]) == (1, 1.0)
    assert fix["reasons"] == {"a caption needs a figure": 1}
    md = versions.changelog_markdown(versions.version_changelog(project, "v2"))
    assert "of which 1 by review reverts (100%)" in md
    assert "- Reasons given:\n  - “a caption needs a figure”: 1" in md
    (change,) = versions.changes_between(project, "v1", "v2")
    assert change["review_revert"] and change["reverts"] == edit.event_id


def test_a_schema_migration_is_a_schema_change_not_a_correction(
    project: Project, tmp_path: Path
) -> None:
    build(project, tmp_path)
    versions.create_version(project, "v1")
    plan = MigrationPlan.model_validate(
        {"from_version": 1, "operations": [{"op": "rename", "key": "title", "new_key": "heading"}]}
    )
    migrations.apply(project, plan, reason="titles are headings")
    migrations.publish(project)
    v2 = versions.create_version(project, "v2")
    assert v2.schema_version == 2 and v2.semver == "2.0.0"
    log = versions.version_changelog(project, "v2")
    assert log["change_type"] == "schema" and log["corrections"]["regions"] == 0
    assert log["schema"]["migrated"] == {"title → heading": 3}
    assert log["schema"]["diff"]["renamed"][0]["old_key"] == "title"
    md = versions.changelog_markdown(log)
    assert "## Schema v1 → v2" in md and "title → heading: 3" in md
    assert "## Corrections" not in md


def test_diff_between_any_two_versions(project: Project, tmp_path: Path) -> None:
    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    regions.relabel(project, b.regions[0].id, "title")
    versions.create_version(project, "v2")
    regions.relabel(project, b.regions[2].id, "caption")
    versions.create_version(project, "v3")
    d = versions.diff_versions(project, "v1", "v3")
    assert (d["from"], d["to"]) == ("v1", "v3")
    assert d["corrections"]["relabels"] == {"text → caption": 1, "text → title": 1}
    assert versions.diff_versions(project, "v2", "v3")["corrections"]["relabels"] == {
        "text → caption": 1
    }
    back = versions.diff_versions(project, "v3", "v1")
    assert back["corrections"]["relabels"] == {"caption → text": 1, "title → text": 1}
    assert versions.diff_versions(project, "v2", "v2")["change_type"] == "none"


def _region(
    rid: str,
    cls: str,
    box: tuple[float, float, float, float] = (0, 0, 10, 10),
    attrs: dict[str, object] | None = None,
) -> Region:
    return Region(
        id=rid,
        document_id=1,
        page=0,
        box=Box(*box),
        class_key=cls,
        attrs=attrs or {},
        schema_version=1,
        annotator="a",
        created_by="a",
        created_at="t",
    )


def test_pure_attribute_changes_and_relabel_with_attributes_count_once() -> None:
    record = Document(
        id=1,
        sha256="0" * 64,
        filename="a.pdf",
        original_path="a.pdf",
        size=1,
        page_count=1,
        imported_by="a",
        imported_at="t",
    )
    doc = {1: changelog.SnapshotDocument(record, "train")}
    parent = changelog.Snapshot(
        "a",
        1,
        doc,
        {
            "r1": _region("r1", "table", attrs={"borderless": False}),
            "r2": _region("r2", "text", attrs={"lang": "en"}),
        },
        default_schema(),
    )
    child = changelog.Snapshot(
        "b",
        1,
        doc,
        {"r1": _region("r1", "table", attrs={"borderless": True}), "r2": _region("r2", "title")},
        default_schema(),
    )
    log = changelog.compute(parent, child).to_json()
    assert log["corrections"]["attributes"] == 1
    assert log["corrections"]["relabels"] == {"text → title": 1}
    assert log["corrections"]["regions"] == 2


def test_semver_bumps() -> None:
    assert changelog.bump_semver(None, "additive") == "1.0.0"
    assert changelog.bump_semver("1.0.0", "additive") == "1.1.0"
    assert changelog.bump_semver("1.4.2", "corrective") == "2.0.0"
    assert changelog.bump_semver("1.4.2", "schema") == "2.0.0"
    assert changelog.bump_semver("1.4.2", "none") == "1.4.3"
    assert changelog.bump_semver("1.0.0", "additive", {"1.1.0", "1.2.0"}) == "1.3.0"
