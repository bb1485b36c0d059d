"""Auto-label accuracy from each pre-label's events, and the quality baseline of a version."""

from __future__ import annotations

import pytest

from aal_desktop.services import agreement, quality, regions
from aal_desktop.services.project import Project
from aal_desktop.store.events import last_hash


def _pre(project: Project, doc: int, y: float, cls: str = "text", who: str | None = None):
    return regions.add_region(
        project,
        doc,
        0,
        (72, y, 300, y + 20),
        cls,
        origin="model",
        model_name="pymupdf.layout",
        model_version="2.0",
        confidence=0.9,
        annotator=who,
    )


def test_each_prelabel_has_one_outcome_per_model_class(project: Project, doc_id: int) -> None:
    accepted, relabelled, moved, deleted, pending, touched = (
        _pre(project, doc_id, y) for y in (50, 100, 150, 200, 250, 300)
    )
    title = _pre(project, doc_id, 400, "title")
    regions.accept_prelabels(project, [accepted.id])
    regions.relabel(project, relabelled.id, "section_header")
    regions.move(project, moved.id, (72, 150, 320, 170))
    regions.delete(project, deleted.id)
    regions.link(project, pending.id, reading_order=3)  # a link is no review: stays pending
    regions.relabel(project, touched.id, "title")  # changed, then back to what the model said
    regions.relabel(project, touched.id, "text")
    regions.relabel(project, title.id, "text")
    regions.move(project, title.id, (72, 400, 300, 430))  # relabelled AND moved: relabelled
    regions.add_region(project, doc_id, 0, (72, 500, 300, 520), "text")  # human: ignored
    acc = quality.autolabel_accuracy(project, [doc_id])
    assert (acc["prelabels"], acc["reviewed"], acc["pending"]) == (7, 6, 1)
    assert {k: acc[k] for k in quality.OUTCOMES} == {
        "accepted": 2,
        "relabelled": 2,
        "moved": 1,
        "deleted": 1,
    }
    assert acc["accuracy"] == pytest.approx(2 / 6, abs=1e-4)
    assert acc["shares"]["relabelled"] == pytest.approx(2 / 6, abs=1e-4)
    assert acc["per_class"]["text"]["relabelled"] == 1
    assert acc["per_class"]["title"] == {
        "prelabels": 1,
        "reviewed": 1,
        "pending": 0,
        "accepted": 0,
        "relabelled": 1,
        "moved": 0,
        "deleted": 0,
        "accuracy": 0.0,
        "shares": {"accepted": 0.0, "relabelled": 1.0, "moved": 0.0, "deleted": 0.0},
    }
    assert acc["models"] == [{"name": "pymupdf.layout", "version": "2.0", "prelabels": 7}]
    assert regions.get(project, touched.id).prelabel_state == "touched"


def test_accuracy_as_of_an_earlier_event_ignores_later_corrections(
    project: Project, doc_id: int
) -> None:
    r = _pre(project, doc_id, 50)
    regions.accept_prelabels(project, [r.id])
    as_of, _ = last_hash(project.db)
    regions.delete(project, r.id)
    assert quality.autolabel_accuracy(project, [doc_id], as_of_event=as_of)["accepted"] == 1
    assert quality.autolabel_accuracy(project, [doc_id])["deleted"] == 1


def test_no_prelabels_gives_empty_figures(project: Project, doc_id: int) -> None:
    acc = quality.autolabel_accuracy(project, [doc_id])
    assert acc["prelabels"] == 0 and acc["accuracy"] is None and acc["per_class"] == {}


def test_quality_baseline_combines_agreement_and_autolabel(project: Project, doc_id: int) -> None:
    for who in ("alice", "bob"):
        project.switch_user(who)
        r = _pre(project, doc_id, 50, who=who)
        regions.accept_prelabels(project, [r.id])
        regions.add_region(
            project, doc_id, 0, (72, 200, 300, 240), "title" if who == "alice" else "text"
        )
    project.switch_user("lead1")
    q = quality.quality_baseline(project, [doc_id], iou=0.5)
    ag = q["agreement"]
    assert ag["documents"] == 1 and ag["annotators"] == ["alice", "bob"]
    assert ag["matched_pairs"] == 2 and ag["agreeing_pairs"] == 1
    assert ag["kappa"] == pytest.approx(0.0)  # po 1/2, pe 1/2
    assert q["autolabel"]["accepted"] == 2 and q["autolabel"]["accuracy"] == 1.0
    # the adjudicated set does not count as an annotator
    agreement.adjudicate_agreed(project, doc_id)
    assert quality.quality_baseline(project, [doc_id])["agreement"]["annotators"] == [
        "alice",
        "bob",
    ]
