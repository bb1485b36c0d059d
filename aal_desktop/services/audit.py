"""The event log as people read it: filtered listings and the hash-chain check."""

from __future__ import annotations

# cli/ and ui/review* still import these two from here; their home is core/audit.py
from ..core.audit import ChainReport, EventFilter
from ..core.records import Event
from ..store import audit as audit_rows
from ..store import events as event_log
from ..store.audit import AuditReport
from .project import Project


def list_events(
    project: Project,
    flt: EventFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
    descending: bool = False,
) -> list[Event]:
    return event_log.list_events(project.db, flt, limit=limit, offset=offset, descending=descending)


def count_events(project: Project, flt: EventFilter | None = None) -> int:
    return event_log.count(project.db, flt)


def get_event(project: Project, event_id: int) -> Event:
    from ..core.errors import NotFound

    e = event_log.get(project.db, event_id)
    if e is None:
        raise NotFound(f"no event {event_id} (see `aal events list`)")
    return e


def verify(project: Project) -> AuditReport:
    """Recompute the chain, and every other local check of store/audit.py; the first
    problem is `problem`, all of them `problems`."""
    return audit_rows.full_check(project.db)


def verify_chain(project: Project) -> ChainReport:
    """The hash chain alone (fast: what the model report quotes)."""
    return event_log.verify_chain(project.db)


def restore_triggers(project: Project) -> list[str]:
    """Put back append-only triggers someone dropped; the names restored."""
    return audit_rows.restore_triggers(project.db)
