"""Inter-annotator agreement: Hungarian matching, P/R/F1, kappa, disagreements, adjudication."""

from __future__ import annotations

import json

import pytest

from aal_desktop.cli.main import main
from aal_desktop.core import agreement as core
from aal_desktop.core.errors import PermissionDenied
from aal_desktop.core.geometry import Box, iou
from aal_desktop.services import agreement, regions
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log


def L(i: str, box: tuple[float, float, float, float], label: str) -> core.Labelled:
    return core.Labelled(i, Box(*box), label)


A_BOXES = [
    L("a1", (0, 0, 100, 100), "text"),
    L("a2", (0, 200, 100, 300), "text"),
    L("a3", (0, 400, 100, 500), "title"),
    L("a4", (0, 600, 100, 700), "title"),
    L("a5", (300, 0, 400, 100), "table"),
]
B_BOXES = [
    L("b1", (0, 0, 100, 100), "text"),
    L("b2", (2, 202, 102, 302), "text"),
    L("b3", (0, 400, 100, 500), "title"),
    L("b4", (0, 610, 100, 710), "text"),
    L("b5", (300, 300, 400, 400), "picture"),
]


def test_identical_annotations_give_f1_one_and_kappa_one() -> None:
    s = core.score([core.match(A_BOXES, A_BOXES)])
    assert s.pairs == 5 and s.unmatched_a == 0 and s.unmatched_b == 0
    assert all(c.f1 == 1.0 and c.precision == 1.0 and c.recall == 1.0 for c in s.per_class.values())
    assert s.micro_f1 == 1.0 and s.macro_f1 == 1.0 and s.kappa == 1.0


def test_single_identical_class_everywhere_has_kappa_one_by_convention() -> None:
    only_text = [L(f"t{i}", (0, i * 100, 50, i * 100 + 50), "text") for i in range(4)]
    s = core.score([core.match(only_text, only_text)])
    assert s.expected_agreement == 1.0 and s.kappa == 1.0 and s.per_class["text"].f1 == 1.0


def test_known_disagreement_gives_hand_computed_numbers() -> None:
    s = core.score([core.match(A_BOXES, B_BOXES, 0.5)])
    # pairs: a1-b1 text/text, a2-b2 text/text, a3-b3 title/title, a4-b4 title/text;
    # a5 (table) and b5 (picture) have no partner
    assert s.pairs == 4 and s.agreeing_pairs == 3
    assert (s.unmatched_a, s.unmatched_b) == (1, 1)
    assert s.unmatched_a_by_class == {"table": 1} and s.unmatched_b_by_class == {"picture": 1}
    text, title = s.per_class["text"], s.per_class["title"]
    assert (text.tp, text.fp, text.fn) == (2, 1, 0)
    assert text.precision == pytest.approx(2 / 3) and text.recall == 1.0
    assert text.f1 == pytest.approx(0.8)
    assert (title.tp, title.fp, title.fn) == (1, 0, 1)
    assert title.precision == 1.0 and title.recall == 0.5 and title.f1 == pytest.approx(2 / 3)
    assert s.per_class["table"].precision is None and s.per_class["table"].recall == 0.0
    assert s.per_class["picture"].recall is None and s.per_class["picture"].f1 == 0.0
    assert s.micro_f1 == pytest.approx(6 / 10)
    # po = 3/4; pA(text)=pA(title)=1/2; pB(text)=3/4, pB(title)=1/4 -> pe = 1/2; kappa = 1/2
    assert s.observed_agreement == pytest.approx(0.75)
    assert s.expected_agreement == pytest.approx(0.5)
    assert s.kappa == pytest.approx(0.5)


def test_hungarian_keeps_a_pair_that_greedy_matching_loses() -> None:
    a = [L("a1", (0, 0, 10, 10), "text"), L("a2", (3, 0, 13, 10), "text")]
    b = [L("b1", (2, 0, 12, 10), "text"), L("b2", (5, 0, 15, 10), "text")]
    assert iou(b[0].box, a[1].box) > iou(b[0].box, a[0].box) >= 0.5
    assert iou(b[1].box, a[0].box) < 0.5 <= iou(b[1].box, a[1].box)
    m = core.match(a, b, 0.5)
    assert sorted((p.a.id, p.b.id) for p in m.pairs) == [("a1", "b1"), ("a2", "b2")]


def test_no_match_below_threshold() -> None:
    m = core.match([L("a", (0, 0, 10, 10), "text")], [L("b", (6, 0, 16, 10), "text")], 0.5)
    assert m.pairs == [] and len(m.unmatched_a) == 1 and len(m.unmatched_b) == 1
    assert core.score([m]).kappa is None


# --- the service over a project -------------------------------------------------------------


def _draw(project: Project, doc_id: int, who: str, boxes: list[core.Labelled]) -> dict[str, str]:
    ids = {}
    for x in boxes:
        r = regions.add_region(project, doc_id, 0, x.box, x.label, annotator=who)
        ids[x.id] = r.id
    return ids


@pytest.fixture
def double(project: Project, doc_id: int) -> tuple[Project, int, dict[str, str]]:
    project.switch_user("alice")
    ids = _draw(project, doc_id, "alice", A_BOXES)
    project.switch_user("bob")
    ids |= _draw(project, doc_id, "bob", B_BOXES)
    project.switch_user("lead1")
    return project, doc_id, ids


def test_service_scores_double_annotated_document_and_lists_disagreements(double) -> None:
    project, doc_id, ids = double
    rep = agreement.agreement(project)
    assert rep.documents == [doc_id] and rep.annotators == ["alice", "bob"]
    assert rep.overall is not None and rep.overall.kappa == pytest.approx(0.5)
    kinds = sorted((d.kind, d.region_a, d.region_b) for d in rep.disagreements)
    assert kinds == sorted(
        [("class", ids["a4"], ids["b4"]), ("only_a", ids["a5"], None), ("only_b", None, ids["b5"])]
    )
    assert rep.summary()["per_class"]["text"]["f1"] == pytest.approx(0.8)
    # one annotator only: not double-annotated
    assert agreement.agreement(project, annotators=["alice"]).overall is None


def test_pending_prelabels_do_not_count_as_a_persons_annotation(double) -> None:
    project, doc_id, _ = double
    regions.add_region(
        project,
        doc_id,
        0,
        (300, 600, 400, 700),
        "table",
        annotator="alice",
        origin="model",
        model_name="m",
        model_version="1",
        confidence=0.9,
    )
    rep = agreement.agreement(project)
    assert rep.overall is not None and rep.overall.unmatched_a == 1


def test_lead_adjudicates_pick_and_merge_recorded_as_events(double) -> None:
    project, doc_id, ids = double
    made = agreement.adjudicate(
        project,
        doc_id,
        0,
        [
            agreement.Pick("b", region_b=ids["b4"]),
            agreement.Pick("merge", ids["a2"], ids["b2"]),
            agreement.Pick("reject", region_a=ids["a5"]),
        ],
    )
    assert [r.class_key for r in made] == ["text", "text"]
    assert all(r.annotator == agreement.ADJUDICATED and r.created_by == "lead1" for r in made)
    assert tuple(made[1].box) == (1.0, 201.0, 101.0, 301.0)
    (ev,) = event_log.list_events(project.db, event_log.EventFilter(kind="agreement.adjudicate"))
    assert [p["choice"] for p in ev.new["picks"]] == ["b", "merge", "reject"]
    assert ev.new["created"] == [r.id for r in made]
    creates = event_log.list_events(project.db, event_log.EventFilter(batch=ev.batch))
    assert {e.region_id for e in creates if e.kind == "region.create"} == {r.id for r in made}
    # adjudicated regions are not a third annotator, and mark the disagreement resolved
    rep = agreement.agreement(project)
    assert rep.annotators == ["alice", "bob"]
    resolved = {d.kind: d.resolved for d in rep.disagreements}
    assert resolved == {"class": True, "only_a": True, "only_b": False}  # a5 rejected


def test_annotators_cannot_adjudicate(double) -> None:
    project, doc_id, ids = double
    project.switch_user("alice")
    with pytest.raises(PermissionDenied):
        agreement.adjudicate(project, doc_id, 0, [agreement.Pick("a", region_a=ids["a1"])])


def test_adjudicate_agreed_merges_only_agreeing_pairs_once(double) -> None:
    project, doc_id, _ = double
    made = agreement.adjudicate_agreed(project, doc_id)
    assert len(made) == 3
    assert agreement.adjudicate_agreed(project, doc_id) == []


def test_cli_agreement_json(double, capsys) -> None:
    project, doc_id, _ = double
    db = str(project.path)
    assert main(["--db", db, "--user", "lead1", "agreement", "--doc", str(doc_id), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kappa"] == pytest.approx(0.5) and out["matched_pairs"] == 4
    assert len(out["disagreements"]) == 3 and out["disagreements"][0]["page"] == 1
    assert (
        main(["--db", db, "--user", "lead1", "adjudicate", str(doc_id), "--agreed", "--json"]) == 0
    )
    assert len(json.loads(capsys.readouterr().out)["created"]) == 3
