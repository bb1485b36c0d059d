"""Service calls the reliability tests make, as plain tuples (Hypothesis draws them; the
subprocesses draw them from `random`)."""

from __future__ import annotations

import random
from typing import Any

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.services import regions, review
from aal_desktop.services.project import Project
from aal_desktop.store.events import EventFilter

from .harness import CLASSES, TEMPLATE_PAGES

Op = tuple[Any, ...]
KINDS = ("add", "relabel", "move", "set", "delete", "restore", "revert")


def random_op(rng: random.Random, region_ids: list[str]) -> Op:
    kind = rng.choice(KINDS) if region_ids else "add"
    if kind == "add":
        x, y = rng.uniform(0, 400), rng.uniform(0, 600)
        return (
            "add",
            rng.randrange(TEMPLATE_PAGES),
            (x, y, x + rng.uniform(5, 150), y + rng.uniform(5, 150)),
            rng.choice(CLASSES),
        )
    rid = rng.choice(region_ids)
    if kind == "relabel":
        return ("relabel", rid, rng.choice(CLASSES))
    if kind == "move":
        x, y = rng.uniform(0, 400), rng.uniform(0, 600)
        return ("move", rid, (x, y, x + rng.uniform(5, 150), y + rng.uniform(5, 150)))
    if kind == "set":
        return (
            "set",
            rid,
            rng.choice(["conf", "kind", "ok"]),
            rng.choice(["0.5", "7", "a", "b", "yes", "", "nan", "-inf"]),
        )
    return (kind, rid)


def apply_op(project: Project, op: Op, reason: str | None = None) -> str | None:
    """Run one call; the region it made or changed (None when it was refused as invalid,
    which the services do by ValidationFailed only: any other exception is a bug)."""
    kind = op[0]
    try:
        if kind == "add":
            _, page, box, cls = op
            return regions.add_region(project, 1, page, box, cls, reason=reason).id
        rid = op[1]
        if kind == "relabel":
            regions.relabel(project, rid, op[2], reason=reason)
        elif kind == "move":
            regions.move(project, rid, op[2], reason=reason)
        elif kind == "set":
            regions.set_attributes(project, rid, {op[2]: op[3]}, reason=reason)
        elif kind == "delete":
            regions.delete(project, rid, reason=reason)
        elif kind == "restore":
            regions.restore(project, rid, reason=reason)
        elif kind == "revert":
            events = review.query_events(project, EventFilter(region_id=rid))
            last = [e for e in events if review.is_reviewable(e)]
            if not last:
                return None
            review.revert(project, last[-1].id, reason=reason or "reliability")
        return rid
    except ValidationFailed:
        return None
