"""Inter-annotator agreement over double-annotated documents, and adjudication.

Whose regions count for an annotator: live (not deleted) regions whose `annotator` is
that person, except pending pre-labels (a model proposal nobody has accepted or touched
says nothing about the person). Adjudicated regions belong to the reserved annotator
ADJUDICATED ("adjudicated"), not to the lead who chose them: the lead may annotate too,
and their own boxes must stay separate from the decided set. Who adjudicated is in the
region's `created_by` and in its events.

A document is double-annotated when at least two annotators have counted regions on it.
Every pair of its annotators is compared page by page (core.agreement); the overall
figure pools all annotator pairs.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..core import agreement as core
from ..core.errors import NotFound, ValidationFailed
from ..core.geometry import Box, iou
from ..core.records import Region
from ..core.reviewed import ADJUDICATED, counts_for_agreement
from ..store import events as event_log
from ..store.db import transaction
from ..store.events import NewEvent
from . import documents, regions, schemas
from . import history as undo_history
from .project import Change, ChangeKind, Project

ADJUDICATE_EVENT_KIND = "agreement.adjudicate"
RESOLVED_IOU = 0.5


@dataclass(frozen=True)
class Disagreement:
    """One place where two annotators differ: a class mismatch or a box only one drew."""

    document_id: int
    page: int  # 0-based
    annotator_a: str
    annotator_b: str
    kind: Literal["class", "only_a", "only_b"]
    region_a: str | None
    region_b: str | None
    label_a: str | None
    label_b: str | None
    box_a: Box | None
    box_b: Box | None
    iou: float | None
    resolved: bool  # an adjudicated region covers it, or the lead chose "neither"


@dataclass
class PairReport:
    annotator_a: str
    annotator_b: str
    documents: list[int]
    scores: core.AgreementScores


@dataclass
class AgreementReport:
    iou_threshold: float
    documents: list[int]
    annotators: list[str]
    overall: core.AgreementScores | None
    pairs: list[PairReport] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The JSON-friendly figures a dataset version stores (services.quality)."""
        s = self.overall
        out: dict[str, Any] = {
            "iou_threshold": self.iou_threshold,
            "documents": len(self.documents),
            "document_ids": list(self.documents),
            "annotators": list(self.annotators),
        }
        if s is None:
            return {
                **out,
                "matched_pairs": 0,
                "kappa": None,
                "micro_f1": None,
                "macro_f1": None,
                "unmatched": 0,
                "per_class": {},
                "annotator_pairs": [],
            }
        return {
            **out,
            "matched_pairs": s.pairs,
            "agreeing_pairs": s.agreeing_pairs,
            "kappa": _r(s.kappa),
            "observed_agreement": _r(s.observed_agreement),
            "micro_f1": _r(s.micro_f1),
            "macro_f1": _r(s.macro_f1),
            "unmatched": s.unmatched_a + s.unmatched_b,
            "per_class": {
                c: {
                    "precision": _r(v.precision),
                    "recall": _r(v.recall),
                    "f1": _r(v.f1),
                    "tp": v.tp,
                    "fp": v.fp,
                    "fn": v.fn,
                }
                for c, v in s.per_class.items()
            },
            "annotator_pairs": [
                {
                    "a": p.annotator_a,
                    "b": p.annotator_b,
                    "documents": len(p.documents),
                    "kappa": _r(p.scores.kappa),
                    "micro_f1": _r(p.scores.micro_f1),
                    "matched_pairs": p.scores.pairs,
                }
                for p in self.pairs
            ],
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def _labelled(r: Region) -> core.Labelled:
    return core.Labelled(r.id, Box(*r.box), r.class_key)


def _rejected(project: Project) -> set[str]:
    """Regions a lead decided to leave out of the adjudicated set ("reject" picks)."""
    out: set[str] = set()
    for e in event_log.list_events(project.db, event_log.EventFilter(kind=ADJUDICATE_EVENT_KIND)):
        for p in (e.new or {}).get("picks", []):
            if p.get("choice") == "reject":
                out.update(r for r in (p.get("region_a"), p.get("region_b")) if r)
    return out


def _resolved(
    boxes: Sequence[Box | None],
    adjudicated: Sequence[Region],
    ids: Sequence[str | None] = (),
    rejected: set[str] | frozenset[str] = frozenset(),
) -> bool:
    if any(i is not None and i in rejected for i in ids):
        return True
    return any(
        b is not None and iou(b, Box(*r.box)) >= RESOLVED_IOU for b in boxes for r in adjudicated
    )


def agreement(
    project: Project,
    document_ids: Sequence[int] | None = None,
    iou: float = 0.5,
    annotators: Sequence[str] | None = None,
) -> AgreementReport:
    """Agreement between annotators on the double-annotated documents among those given
    (None: the whole project), with the list of disagreements for the view."""
    if not 0.0 < iou <= 1.0:
        raise ValidationFailed(f"--iou must be in (0, 1], not {iou}")
    wanted = set(annotators) if annotators else None
    docs = (
        list(document_ids)
        if document_ids is not None
        else [d.id for d in documents.list_documents(project)]
    )
    by_doc: dict[int, dict[str, dict[int, list[Region]]]] = {}
    adjudicated: dict[tuple[int, int], list[Region]] = defaultdict(list)
    for doc_id in docs:
        people: dict[str, dict[int, list[Region]]] = defaultdict(lambda: defaultdict(list))
        for r in regions.list_regions(project, doc_id):
            if r.annotator == ADJUDICATED:
                adjudicated[(doc_id, r.page)].append(r)
            elif counts_for_agreement(r) and (wanted is None or r.annotator in wanted):
                people[r.annotator][r.page].append(r)
        if len(people) >= 2:
            by_doc[doc_id] = people
    rejected = _rejected(project) if by_doc else set()
    pair_pages: dict[tuple[str, str], list[core.PageMatch]] = defaultdict(list)
    pair_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    all_pages: list[core.PageMatch] = []
    disagreements: list[Disagreement] = []
    names: set[str] = set()
    for doc_id, people in by_doc.items():
        names.update(people)
        for a, b in itertools.combinations(sorted(people), 2):
            pair_docs[(a, b)].append(doc_id)
            for page in sorted(set(people[a]) | set(people[b])):
                pm = core.match(
                    [_labelled(r) for r in people[a].get(page, [])],
                    [_labelled(r) for r in people[b].get(page, [])],
                    iou,
                )
                pair_pages[(a, b)].append(pm)
                all_pages.append(pm)
                disagreements.extend(
                    _disagreements(
                        doc_id, page, a, b, pm, adjudicated.get((doc_id, page), []), rejected
                    )
                )
    pairs = [
        PairReport(a, b, pair_docs[(a, b)], core.score(pms))
        for (a, b), pms in sorted(pair_pages.items())
    ]
    return AgreementReport(
        iou,
        sorted(by_doc),
        sorted(names),
        core.score(all_pages) if all_pages else None,
        pairs,
        disagreements,
    )


def _disagreements(
    doc_id: int,
    page: int,
    a: str,
    b: str,
    pm: core.PageMatch,
    adjudicated: Sequence[Region],
    rejected: set[str],
) -> list[Disagreement]:
    out: list[Disagreement] = []
    for p in pm.pairs:
        if not p.agrees:
            out.append(
                Disagreement(
                    doc_id,
                    page,
                    a,
                    b,
                    "class",
                    p.a.id,
                    p.b.id,
                    p.a.label,
                    p.b.label,
                    p.a.box,
                    p.b.box,
                    round(p.iou, 4),
                    _resolved([p.a.box, p.b.box], adjudicated, [p.a.id, p.b.id], rejected),
                )
            )
    for x in pm.unmatched_a:
        out.append(
            Disagreement(
                doc_id,
                page,
                a,
                b,
                "only_a",
                x.id,
                None,
                x.label,
                None,
                x.box,
                None,
                None,
                _resolved([x.box], adjudicated, [x.id], rejected),
            )
        )
    for y in pm.unmatched_b:
        out.append(
            Disagreement(
                doc_id,
                page,
                a,
                b,
                "only_b",
                None,
                y.id,
                None,
                y.label,
                None,
                y.box,
                None,
                _resolved([y.box], adjudicated, [y.id], rejected),
            )
        )
    return out


# --- adjudication ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """The lead's decision on one disagreement (or agreed pair).

    choice "a" / "b" copies that annotator's region; "merge" averages both boxes (class:
    `class_key`, else the common class; annotators who disagree on the class need one);
    "reject" records that neither region enters the adjudicated set.
    """

    choice: Literal["a", "b", "merge", "reject"]
    region_a: str | None = None
    region_b: str | None = None
    class_key: str | None = None


def adjudicate(
    project: Project, doc: str | int, page: int, picks: Sequence[Pick], reason: str | None = None
) -> list[Region]:
    """Write the lead's picks into the adjudicated set: one region.create per new region
    and one "agreement.adjudicate" event listing every pick, in one transaction."""
    project.require_lead("adjudicate annotators' disagreements")
    document = documents.resolve(project, doc)
    documents.page(project, document.id, page)
    schemas.current(project)
    plans: list[tuple[Pick, Box | None, str | None, dict[str, Any]]] = []
    for pick in picks:
        plans.append(_plan(project, document.id, page, pick))
    batch = str(uuid.uuid4())
    created: list[Region] = []
    with transaction(project.db), undo_history.gathered(project):
        for pick, box, key, attrs in plans:
            if box is None or key is None:
                continue
            why = reason or f"adjudicated: {pick.choice}"
            created.append(
                regions.add_region(
                    project,
                    document.id,
                    page,
                    box,
                    key,
                    attrs,
                    why,
                    annotator=ADJUDICATED,
                    batch=batch,
                )
            )
        event_log.append(
            project.db,
            NewEvent(
                kind=ADJUDICATE_EVENT_KIND,
                user=project.user,
                change_type=None,
                document_id=document.id,
                page=page,
                batch=batch,
                reason=reason,
                new={
                    "picks": [
                        {
                            "choice": p.choice,
                            "region_a": p.region_a,
                            "region_b": p.region_b,
                            "class_key": k,
                        }
                        for p, _b, k, _a in plans
                    ],
                    "created": [r.id for r in created],
                },
            ),
        )
    project.notify(
        Change(ChangeKind.region, tuple(r.id for r in created), document_id=document.id, page=page)
    )
    return created


def _plan(
    project: Project, document_id: int, page: int, pick: Pick
) -> tuple[Pick, Box | None, str | None, dict[str, Any]]:
    def load(rid: str | None, side: str) -> Region:
        if rid is None:
            raise ValidationFailed(f"pick '{pick.choice}' needs the region of annotator {side}")
        r = regions.get(project, rid)
        if r.document_id != document_id or r.page != page:
            raise NotFound(f"region {rid} is not on page {page + 1} of document {document_id}")
        return r

    if pick.choice == "reject":
        return pick, None, None, {}
    if pick.choice in ("a", "b"):
        r = load(pick.region_a if pick.choice == "a" else pick.region_b, pick.choice.upper())
        return pick, Box(*r.box), pick.class_key or r.class_key, dict(r.attrs)
    if pick.choice == "merge":
        ra, rb = load(pick.region_a, "A"), load(pick.region_b, "B")
        key = pick.class_key or (ra.class_key if ra.class_key == rb.class_key else None)
        if key is None:
            raise ValidationFailed(
                f"the annotators disagree on the class ({ra.class_key} / {rb.class_key}); "
                "name the class of the merged region"
            )
        attrs = dict(ra.attrs) if key == ra.class_key else dict(rb.attrs)
        return pick, core.merged_box(Box(*ra.box), Box(*rb.box)), key, attrs
    raise ValidationFailed(f"unknown pick '{pick.choice}' (a, b, merge or reject)")


def adjudicate_agreed(
    project: Project, doc: str | int, iou: float = 0.5, annotators: Sequence[str] | None = None
) -> list[Region]:
    """Merge every agreeing pair of a document that is not yet adjudicated: the quick path
    that leaves the lead only the disagreements to decide."""
    document = documents.resolve(project, doc)
    rep = agreement(project, [document.id], iou, annotators)
    existing = [r for r in regions.list_regions(project, document.id) if r.annotator == ADJUDICATED]
    picks: dict[int, list[Pick]] = defaultdict(list)
    people: dict[str, dict[int, list[Region]]] = defaultdict(lambda: defaultdict(list))
    for r in regions.list_regions(project, document.id):
        if counts_for_agreement(r) and (not annotators or r.annotator in annotators):
            people[r.annotator][r.page].append(r)
    taken: set[str] = set()
    for pr in rep.pairs:
        for page in sorted(set(people[pr.annotator_a]) | set(people[pr.annotator_b])):
            pm = core.match(
                [_labelled(r) for r in people[pr.annotator_a].get(page, [])],
                [_labelled(r) for r in people[pr.annotator_b].get(page, [])],
                iou,
            )
            done = [r for r in existing if r.page == page]
            for p in pm.pairs:
                if (
                    p.agrees
                    and p.a.id not in taken
                    and p.b.id not in taken
                    and not _resolved([p.a.box, p.b.box], done)
                ):
                    taken.update((p.a.id, p.b.id))
                    picks[page].append(Pick("merge", p.a.id, p.b.id))
    created: list[Region] = []
    for page, ps in sorted(picks.items()):
        created.extend(
            adjudicate(project, document.id, page, ps, reason="adjudicated: annotators agree")
        )
    return created
