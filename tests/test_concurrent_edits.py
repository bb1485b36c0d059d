"""Two processes editing the same regions at once: every event's original is the state
right before it (issue 19.2: edits read their original under the write lock)."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path
from typing import Any

from aal_desktop.core.errors import AalError
from aal_desktop.services import regions as region_service
from aal_desktop.services import users
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log

CLASSES = ("text", "table", "picture", "title", "caption")
EDITS_PER_WORKER = 200


def edit_at_random(
    db_path: str, user: str, region_ids: list[str], seed: int, start: Any, results: Any
) -> None:
    """Relabel, move and delete/restore the shared regions as fast as possible."""
    rnd = random.Random(seed)
    done = 0
    with Project(db_path, user=user) as project:
        region_service.get(project, region_ids[0])  # warm up, then start together
        start.wait()
        for _ in range(EDITS_PER_WORKER):
            rid = rnd.choice(region_ids)
            op = rnd.random()
            try:
                if region_service.get(project, rid).deleted:
                    region_service.restore(project, rid)
                elif op < 0.45:
                    region_service.relabel(project, rid, rnd.choice(CLASSES))
                elif op < 0.9:
                    x, y = rnd.randrange(20, 400), rnd.randrange(20, 600)
                    region_service.move(project, rid, (x, y, x + 80, y + 50))
                else:
                    region_service.delete(project, rid)
                done += 1
            except AalError:
                pass  # e.g. relabelling a region the other process just deleted
    results.put(done)


def test_two_writers_never_record_a_stale_original(
    project: Project, doc_id: int, tmp_path: Path
) -> None:
    ids = [
        region_service.add_region(
            project, doc_id, 0, (50 + 60 * i, 300, 100 + 60 * i, 350), "text"
        ).id
        for i in range(3)
    ]
    for name in ("amy", "bob"):
        users.add_user(project, name, "lead")
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(
            target=edit_at_random, args=(str(project.path), name, ids, seed, start, results)
        )
        for seed, name in enumerate(("amy", "bob"))
    ]
    for w in workers:
        w.start()
    done = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert sum(done) > EDITS_PER_WORKER  # both really wrote
    events = event_log.list_events(project.db, event_log.EventFilter(kind="region."))
    users_seen = {e.user for e in events}
    assert {"amy", "bob"} <= users_seen
    checked = 0
    for rid in ids:
        mine = [e for e in events if e.region_id == rid]
        assert mine[0].kind == "region.create" and mine[0].original is None
        for prev, ev in zip(mine, mine[1:], strict=False):
            assert ev.original == prev.new, f"event {ev.id} recorded a stale original"
            checked += 1
        assert region_service.get(project, rid).snapshot() == mine[-1].new
    assert checked == len(events) - len(ids)
    assert event_log.verify_chain(project.db).ok
