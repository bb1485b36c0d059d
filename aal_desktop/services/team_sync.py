"""`aal team sync`: a member pushes then pulls; a lead merges members' bundles then
publishes what is new. Both are idempotent: a second sync applies nothing."""

from __future__ import annotations

from collections.abc import Callable

from ..core.team import SyncResult
from ..store import team as team_rows
from ..store.db import transaction
from ..store.events import now_iso
from . import team_merge, team_publish, team_pull, team_push, team_setup
from .project import Change, ChangeKind, Project

Progress = Callable[[str], None]


def sync(project: Project, progress: Progress | None = None) -> SyncResult:
    cfg = team_setup.config(project)
    say = progress or (lambda _text: None)
    store = team_setup.storage_of(cfg)
    result = SyncResult(role=cfg.role)
    if cfg.role == "member":
        say("pushing")
        result.pushed = team_push.push(project, store)
        say("pulling")
        result.pulled, result.applied = team_pull.pull(project, store)
    else:
        say("merging members' bundles")
        team_merge.merge(project, store, result)
        say("publishing")
        result.published = team_publish.publish(project, store)
    result.at = now_iso()
    with transaction(project.db):
        team_rows.set_last_sync(project.db, result.at)
    project.notify(
        Change(
            ChangeKind.team, (), detail={"applied": result.applied, "conflicts": result.conflicts}
        )
    )
    return result
