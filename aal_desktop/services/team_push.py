"""A member pushes her log since her last push as one signed bundle (core/bundle.py).

The bundle is a contiguous slice of her log (the chain must check), so it also carries what
her pulls wrote (events by the lead); the lead replays only her own events. Written
create-only under `members/NAME/<seq>.bundle`, then recorded locally: a push killed in
between finds its own bundle there next time, verifies it with her key and adopts it.
"""

from __future__ import annotations

from ..core import bundle as bundle_format
from ..core.bundle import BundleEvent, BundleLink
from ..core.errors import AalError
from ..core.records import Role
from ..core.team_feed import member_key
from ..storage import AlreadyExists, Storage
from ..store import team as team_rows
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import now_iso
from . import team_setup
from .project import Project


def _link(project: Project) -> BundleLink | None:
    cfg = team_setup.config(project)
    if cfg.push_seq == 0:
        return None
    return BundleLink(cfg.member, cfg.push_seq, cfg.push_hash, cfg.push_head_id, cfg.push_head_hash)


def _check_authors(project: Project, member: str, rows: list[dict[str, object]]) -> None:
    """Refuse here what the lead would refuse there: events by someone who is neither she
    nor a lead (work done in her project under another name)."""
    keyed = user_rows.public_keys(project.db)  # the team's people, as the lead published them
    leads = {
        u.name for u in user_rows.list_users(project.db) if u.role == Role.lead and u.name in keyed
    }
    others = sorted({str(r["user"]) for r in rows} - leads - {member})
    if others:
        raise AalError(
            f"this project holds events by {', '.join(others)}, which cannot be "
            f"pushed as {member}'s: work here as {member} (--user {member} or "
            f"AAL_USER={member})"
        )


def push(project: Project, store: Storage) -> int:
    """Push her new events; returns how many of them are hers (0: nothing new)."""
    cfg = team_setup.config(project)
    key = team_setup.signing_key()
    while True:
        cfg = team_setup.config(project)
        link = _link(project)
        seq = (link.seq if link else 0) + 1
        name = member_key(cfg.member, seq)
        if store.exists(name):  # pushed by a run that did not live to record it
            found = bundle_format.open_bundle(
                store.read(name), name, key.public, link, cfg.member, cfg.team_id
            )
            with transaction(project.db):
                team_rows.set_push_state(project.db, found.link())
            continue
        rows = team_rows.event_rows_after(project.db, cfg.push_head_id)
        if not rows:
            return 0
        _check_authors(project, cfg.member, rows)
        events = [BundleEvent.from_row(r) for r in rows]
        b = bundle_format.build(
            team=cfg.team_id,
            member=cfg.member,
            key=key,
            events=events,
            previous=link,
            created_at=now_iso(),
            start=(cfg.push_head_id, cfg.push_head_hash),
        )
        try:
            store.write_new(name, b.serialize())
        except AlreadyExists:
            continue
        with transaction(project.db):
            team_rows.set_push_state(project.db, b.link())
        return sum(1 for e in events if e.user == cfg.member)
