"""Conflicts from team merges: listed for review, accepted (the member's value is applied,
as her change) or reverted (discarded with a reason). Either decision is published to the
member by the lead's next sync (services/team_publish)."""

from __future__ import annotations

from ..core.errors import NotFound, ValidationFailed
from ..core.team import Conflict
from ..store import events as event_log
from ..store import team as team_rows
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, ChangeKind, Project
from .team_merge import apply_value
from .team_pull import acting_as


def parse_ref(ref: str) -> int | None:
    """The id of a conflict reference `c12` (None for a plain event id)."""
    ref = ref.strip()
    if ref[:1] in ("c", "C") and ref[1:].isdigit():
        return int(ref[1:])
    return None


def list_conflicts(project: Project, status: str | None = None) -> list[Conflict]:
    return team_rows.list_conflicts(project.db, status)


def get(project: Project, conflict_id: int) -> Conflict:
    c = team_rows.get_conflict(project.db, conflict_id)
    if c is None:
        raise NotFound(f"no conflict c{conflict_id} (see `aal review conflicts`)")
    return c


def _open(project: Project, conflict_id: int) -> Conflict:
    project.require_lead("decide conflicts")
    c = get(project, conflict_id)
    if c.status != "open":
        raise ValidationFailed(f"conflict c{c.id} was already {c.status} by {c.decided_by}")
    return c


def accept(project: Project, conflict_id: int, reason: str | None = None) -> Conflict:
    """Apply the member's new value now, recorded as her change."""
    c = _open(project, conflict_id)
    ev = c.event
    rid, new = ev.get("region_id"), ev.get("new")
    if not rid or not isinstance(new, dict):
        raise ValidationFailed(f"conflict c{c.id} holds no region value to apply")
    why = f"conflict accepted by {project.user}" + (f": {reason}" if reason else "")
    lead = project.user
    with transaction(project.db):
        before, _ = event_log.last_hash(project.db)
        with acting_as(project, c.member):
            apply_value(project, str(ev["kind"]), rid, new, why, ev.get("batch"), None)
        after, _ = event_log.last_hash(project.db)
        team_rows.decide_conflict(
            project.db, c.id, "accepted", lead, now_iso(), reason, after if after > before else None
        )
    project.notify(Change(ChangeKind.review, (), detail={"conflict": c.id, "decision": "accepted"}))
    return get(project, c.id)


def revert(project: Project, conflict_id: int, reason: str | None) -> Conflict:
    """Discard the member's change; the reason goes back to her."""
    c = _open(project, conflict_id)
    why = (reason or "").strip() or "conflict reverted in review"
    with transaction(project.db):
        team_rows.decide_conflict(project.db, c.id, "reverted", project.user, now_iso(), why, None)
    project.notify(Change(ChangeKind.review, (), detail={"conflict": c.id, "decision": "reverted"}))
    return get(project, c.id)
