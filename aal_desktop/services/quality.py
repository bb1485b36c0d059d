"""The quality baseline a dataset version records: annotator agreement and how often the
pre-labelling model was right.

Auto-label accuracy is computed from each model region's events (not only its current
row), so it can be measured as of a version's last event. Every pre-label ends in exactly
one outcome, judged against what the model proposed (class and box of its create event):
- deleted:    deleted at that time (a person rejected it);
- relabelled: its class is not the model's (its box may have moved too);
- moved:      its class is the model's but its box is not (any resize or move);
- accepted:   class and box as proposed, and a person accepted it or edited something
              else (attributes, links): prelabel_state "accepted" or "touched";
- pending:    nobody has looked at it yet (prelabel_state "pending").
Shares and accuracy (= accepted share) are over the REVIEWED pre-labels (all but pending):
an unseen pre-label is neither right nor wrong yet. A schema migration that renames or
merges a class (a "region.schema" event) moves the model's class along with it, so it
does not count as a correction. Per-class figures are keyed by the model's class.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ..core.records import EventKind
from ..store import events as event_log
from . import agreement as agreement_service
from .project import Project

OUTCOMES = ("accepted", "relabelled", "moved", "deleted")


def _outcome(model_class: str, model_box: list[float], state: dict[str, Any]) -> str:
    if state.get("deleted"):
        return "deleted"
    if state.get("class_key") != model_class:
        return "relabelled"
    if [round(v, 2) for v in state.get("box") or []] != [round(v, 2) for v in model_box]:
        return "moved"
    if state.get("prelabel_state") in ("accepted", "touched"):
        return "accepted"
    return "pending"


def _figures(counts: Counter[str]) -> dict[str, Any]:
    total = sum(counts.values())
    reviewed = total - counts["pending"]
    out: dict[str, Any] = {"prelabels": total, "reviewed": reviewed, "pending": counts["pending"]}
    for k in OUTCOMES:
        out[k] = counts[k]
    out["shares"] = {k: (round(counts[k] / reviewed, 4) if reviewed else None) for k in OUTCOMES}
    out["accuracy"] = out["shares"]["accepted"]
    return out


def autolabel_accuracy(
    project: Project, document_ids: Sequence[int], as_of_event: int | None = None
) -> dict[str, Any]:
    """Outcomes of the model's pre-labels in these documents, overall, per model class and
    per model, as of an event id (None: now). See the module docstring for definitions."""
    ids = sorted(set(int(d) for d in document_ids))
    empty: dict[str, Any] = {**_figures(Counter()), "per_class": {}, "models": []}
    if not ids:
        return empty
    proposed: dict[str, tuple[str, list[float], str, str]] = {}
    state: dict[str, dict[str, Any]] = {}
    for region_id, kind, new in event_log.model_region_events(project.db, ids, as_of_event):
        snap = json.loads(new) if new else None
        if snap is None:
            continue
        if kind == EventKind.region_create.value and region_id not in proposed:
            proposed[region_id] = (
                snap["class_key"],
                list(snap["box"]),
                snap.get("model_name") or "",
                snap.get("model_version") or "",
            )
        elif kind == EventKind.region_schema.value and region_id in proposed:
            name, box, m, v = proposed[region_id]
            if state.get(region_id, {}).get("class_key") == name:
                proposed[region_id] = (snap["class_key"], box, m, v)
        state[region_id] = snap
    overall: Counter[str] = Counter()
    per_class: dict[str, Counter[str]] = defaultdict(Counter)
    models: Counter[tuple[str, str]] = Counter()
    for rid, (cls, box, m, v) in proposed.items():
        outcome = _outcome(cls, box, state[rid])
        overall[outcome] += 1
        per_class[cls][outcome] += 1
        models[(m, v)] += 1
    if not proposed:
        return empty
    return {
        **_figures(overall),
        "per_class": {c: _figures(per_class[c]) for c in sorted(per_class)},
        "models": [
            {"name": m, "version": v, "prelabels": n} for (m, v), n in sorted(models.items())
        ],
    }


def quality_baseline(
    project: Project, document_ids: list[int], iou: float = 0.5, as_of_event: int | None = None
) -> dict[str, Any]:
    """What a dataset version stores in `dataset_versions.quality`: agreement on the
    double-annotated documents among `document_ids` and the auto-label accuracy there."""
    rep = agreement_service.agreement(project, list(document_ids), iou)
    return {
        "agreement": rep.summary(),
        "autolabel": autolabel_accuracy(project, document_ids, as_of_event),
    }
