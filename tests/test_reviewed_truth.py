"""Issue 15, "one reviewed truth per object": what a version holds, when a document may be
approved, and where every exported region says it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.core.errors import ValidationFailed
from aal_desktop.services import agreement, documents, regions, releases, users, versions
from aal_desktop.services.project import Project
from tests.conftest import make_pdf

BOXES = [
    ((72, 90, 300, 110), "title"),
    ((72, 130, 300, 160), "text"),
    ((72, 300, 300, 400), "table"),
]


def model_box(
    project: Project, doc: int, box: tuple[float, float, float, float], cls: str = "text"
) -> regions.Region:
    return regions.add_region(
        project,
        doc,
        0,
        box,
        cls,
        origin="model",
        model_name="layout",
        model_version="2.0",
        confidence=0.9,
        annotator="ann",
    )


@pytest.fixture
def team(project: Project, tmp_path: Path) -> dict[str, int]:
    """Document `double`: ann and bob each drew 3 boxes (bob calls the table a picture);
    document `prelabelled`: ann drew one box and has 3 model proposals (one accepted, one
    changed before acceptance, one still pending)."""
    users.add_user(project, "ann", "annotator")
    users.add_user(project, "bob", "annotator")
    ids = {}
    for name in ("double", "prelabelled"):
        (o,) = documents.import_paths(project, [make_pdf(tmp_path / f"{name}.pdf")])
        assert o.document_id is not None
        ids[name] = o.document_id
    for who in ("ann", "bob"):
        for box, cls in BOXES:
            regions.add_region(
                project,
                ids["double"],
                0,
                box,
                "picture" if (who, cls) == ("bob", "table") else cls,
                annotator=who,
            )
    regions.add_region(project, ids["prelabelled"], 0, (72, 500, 300, 520), "text", annotator="ann")
    accepted = model_box(project, ids["prelabelled"], (72, 90, 300, 110), "title")
    regions.accept_prelabels(project, [accepted.id])
    changed = model_box(project, ids["prelabelled"], (72, 130, 300, 160))
    regions.relabel(project, changed.id, "list_item")
    model_box(project, ids["prelabelled"], (72, 300, 300, 400), "table")  # pending
    return ids


def test_approval_is_refused_while_proposals_are_pending(
    project: Project, team: dict[str, int]
) -> None:
    doc = team["prelabelled"]
    with pytest.raises(ValidationFailed, match="1 pending pre-label "):
        documents.set_status(project, doc, "approved")
    assert documents.resolve(project, doc).status != "approved"
    (pending,) = [r for r in regions.list_regions(project, doc) if r.prelabel_state == "pending"]
    regions.delete(project, pending.id)
    assert documents.set_status(project, doc, "approved").status == "approved"


def test_approval_is_refused_until_double_annotation_is_adjudicated(
    project: Project, team: dict[str, int]
) -> None:
    doc = team["double"]
    with pytest.raises(
        ValidationFailed,
        match=r"annotated by 2 people \(ann, bob\) with no "
        "adjudicated set",
    ):
        documents.set_status(project, doc, "approved")
    agreement.adjudicate_agreed(project, doc)
    assert documents.set_status(project, doc, "approved").status == "approved"


def test_cli_approval_exits_1_naming_the_count(
    project: Project, team: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(project.path)
    capsys.readouterr()
    code = main(
        ["--db", db, "--user", "lead1", "doc", "status", str(team["prelabelled"]), "approved"]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1
    assert "1 pending pre-label" in err and "Traceback" not in err


def test_a_version_holds_one_reviewed_set_per_document(
    project: Project, team: dict[str, int]
) -> None:
    double, pre = team["double"], team["prelabelled"]
    for d in (double, pre):
        documents.set_status(project, d, "submitted")
    with pytest.raises(ValidationFailed, match=rf"{double} \(ann and bob\)"):
        versions.create_version(project, "v0", statuses=["submitted"])
    assert versions.list_versions(project) == []
    made = agreement.adjudicate_agreed(project, double)  # title and text agree
    (ann_table,) = [
        r
        for r in regions.list_regions(project, double)
        if r.annotator == "ann" and r.class_key == "table"
    ]
    (bob_pic,) = [
        r
        for r in regions.list_regions(project, double)
        if r.annotator == "bob" and r.class_key == "picture"
    ]
    made += agreement.adjudicate(
        project, double, 0, [agreement.Pick("a", ann_table.id, bob_pic.id)]
    )
    assert len(made) == 3
    versions.create_version(project, "v1", statuses=["submitted"])
    held = versions.version_regions(project, "v1", double)
    assert sorted(r.id for r in held) == sorted(r.id for r in made)  # 3 objects, 3 regions
    assert {r.annotator for r in held} == {agreement.ADJUDICATED}
    # the people's own sets stay in the project for agreement
    assert (
        len([r for r in regions.list_regions(project, double) if r.annotator in ("ann", "bob")])
        == 6
    )
    held_pre = versions.version_regions(project, "v1", pre)
    assert len(held_pre) == 3 and not any(r.prelabel_state == "pending" for r in held_pre)
    assert versions.get_version(project, "v1").regions == 6


def test_every_export_says_where_each_box_came_from(
    project: Project, team: dict[str, int], tmp_path: Path
) -> None:
    double, pre = team["double"], team["prelabelled"]
    agreement.adjudicate_agreed(project, double)
    for d in (double, pre):
        documents.set_status(project, d, "submitted")
    versions.create_version(project, "v1", statuses=["submitted"], split=(100, 0, 0))
    root = Path(
        releases.release(project, "v1", tmp_path / "out", formats=("coco", "yolo", "jsonl")).path
    )
    want = {
        ("human", None, "drawn", "ann"),
        ("model", "layout@2.0", "accepted", "ann"),
        ("model", "layout@2.0", "corrected", "ann"),
        ("human", None, "adjudicated", "lead1"),
    }
    coco = json.loads((root / "annotations" / "instances_train.json").read_text())
    got = {
        (a["origin"], a["origin_detail"], a["confirmation"], a["annotator"])
        for a in coco["annotations"]
    }
    assert got == want and len(coco["annotations"]) == 5  # 2 adjudicated + 3 of ann's
    rows = [json.loads(line) for line in (root / "jsonl" / "train.jsonl").read_text().splitlines()]
    assert {
        (r["origin"], r["origin_detail"], r["confirmation"], r["annotator"]) for r in rows
    } == want
    side = [
        json.loads(line)
        for line in (root / "labels" / "train" / "provenance.jsonl").read_text().splitlines()
    ]
    assert len(side) == 5 and {s["confirmation"] for s in side} == {c for *_, c, _ in want}
    for s in side:  # each side line names a real line of its label file
        lines = (root / "labels" / "train" / s["label_file"]).read_text().splitlines()
        assert 1 <= s["line"] <= len(lines)
    # counted right in the card, datasheet and Croissant
    card = (root / "README.md").read_text()
    assert "model layout@2.0: 1" in card  # the unchanged proposal is the model's, not ann's
    assert "ann (3 regions drawn, corrected or adjudicated)" not in card
    assert "ann (2 regions drawn, corrected or adjudicated)" in card
    assert "lead1 (2 regions" in card
    assert "annotated independently by up to 2 people and adjudicated" in card
    crois = json.loads((root / "croissant.json").read_text())
    assert crois["rai:machineAnnotationTools"] == ["layout@2.0"]
    per_item = crois["rai:annotationsPerItem"]
    assert "one annotator" not in per_item
    assert "1 document annotated by one person" in per_item
    assert "1 document annotated independently by up to 2 people" in per_item
    assert [
        d["splits/name"] for r in crois["recordSet"] if r["@id"] == "splits" for d in r["data"]
    ] == ["train"]
    assert not (root / "jsonl" / "val.jsonl").exists()
    assert not (root / "annotations" / "instances_test.json").exists()
    assert "val:" not in (root / "data.yaml").read_text()


def test_a_changed_proposal_is_a_correction_whose_original_is_the_models(
    project: Project, team: dict[str, int]
) -> None:
    (changed,) = [
        r
        for r in regions.list_regions(project, team["prelabelled"])
        if r.prelabel_state == "touched"
    ]
    (event,) = [e for e in regions.history(project, changed.id) if e.kind == "region.relabel"]
    assert event.change_type == "corrective"
    assert event.original["origin"] == "model" and event.original["class_key"] == "text"
    assert event.original["prelabel_state"] == "pending"
    accepted = [
        e
        for r in regions.list_regions(project, team["prelabelled"])
        for e in regions.history(project, r.id)
        if e.kind == "region.accept"
    ]
    assert [e.change_type for e in accepted] == ["additive"]


def test_a_proposal_changed_after_acceptance_is_no_longer_accepted(
    project: Project, doc_id: int
) -> None:
    from aal_desktop.core.snapshot import provenance_of

    r = model_box(project, doc_id, (72, 90, 300, 110), "title")
    (e,) = regions.accept_prelabels(project, [r.id])
    assert provenance_of(e.after).confirmation == "accepted"
    moved = regions.move(project, r.id, (72, 90, 310, 112))
    assert provenance_of(moved).confirmation == "corrected"
    assert provenance_of(moved).origin_detail == "layout@2.0"
