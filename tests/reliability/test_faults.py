"""Faults at every step: a full disk before each write, and SIGKILL at random points.

Disk full: SQLite's `PRAGMA max_page_count`, lowered to the pages the database has, makes
the next page it needs fail exactly as a full disk does (SQLITE_FULL), without mounting
anything. Before step k of a run (k over every step) the disk fills; the call must fail
with one DatabaseUnavailable, leave every row and event as they were and every invariant
true; once the limit is raised the same call succeeds.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from aal_desktop.services.project import Project
from aal_desktop.store.sqlite_errors import DatabaseUnavailable

from .harness import LONG, check_invariants, copy_project, scaled, state
from .ops import apply_op, random_op

ROOT = Path(__file__).resolve().parents[2]
BIG_REASON = "r" * 20_000  # needs new pages whatever free space the tables hold


def _ops(seed: int, n: int, project: Project) -> list[tuple]:
    """A run of n calls, drawn against the regions the run itself makes."""
    rng = random.Random(seed)
    ops, ids = [], []
    for _ in range(n):
        op = random_op(rng, ids)
        ops.append(op)
        if op[0] == "add":
            ids.append(f"pending-{len(ops)}")
    return ops


def _resolve(op: tuple, made: dict[str, str]) -> tuple:
    return (op[0], made.get(op[1], op[1]), *op[2:]) if op[0] != "add" else op


def _run(
    p: Project, ops: list[tuple], made: dict[str, str], i: int, reason: str | None = None
) -> None:
    rid = apply_op(p, _resolve(ops[i], made), reason)
    if ops[i][0] == "add" and rid is not None:
        made[f"pending-{i + 1}"] = rid


def test_a_full_disk_before_every_write_step_fails_cleanly(template: Path, tmp_path: Path) -> None:
    runs = scaled(1, 6)
    steps = scaled(14, 40)
    tried = failed_cleanly = no_write = 0
    for seed in range(runs):
        for k in range(steps):
            db = copy_project(template, tmp_path / f"s{seed}k{k}")
            with Project(db, user="lead1") as p:
                ops = _ops(seed, steps, p)
                made: dict[str, str] = {}
                run = partial(_run, p, ops, made)
                for i in range(k):
                    run(i)
                before = state(db)
                pages = p.db.execute("PRAGMA page_count").fetchone()[0]
                p.db.execute(f"PRAGMA max_page_count = {pages}")
                tried += 1
                try:
                    run(k, BIG_REASON)
                except DatabaseUnavailable as exc:
                    failed_cleanly += 1
                    assert f"the disk holding {db} is full; nothing was changed" in str(exc)
                    assert state(db) == before, f"step {k} ({ops[k][0]}) left a change"
                    check_invariants(db)
                    p.db.execute("PRAGMA max_page_count = 4294967294")
                    run(k, BIG_REASON)  # space freed: the same call now goes through
                    assert state(db) != before
                else:
                    no_write += 1  # refused as invalid, or nothing to change: no write
                    assert state(db) == before
                    p.db.execute("PRAGMA max_page_count = 4294967294")
                check_invariants(db)
                run(min(k + 1, steps - 1))  # and editing goes on
                check_invariants(db)
    print(
        f"\ndisk full: {tried} tried, {failed_cleanly} failed cleanly and resumed, "
        f"{no_write} wrote nothing, {tried} survived, 0 lost"
    )
    assert failed_cleanly >= tried // 3


CHILD = """
import random, sys
from aal_desktop.services.project import Project
from tests.reliability.ops import apply_op, random_op
rng = random.Random(int(sys.argv[2]))
with Project(sys.argv[1], user="lead1") as p:
    ids = [r[0] for r in p.db.execute("SELECT id FROM regions")]
    def head():
        return p.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    while True:
        op = random_op(rng, ids)
        before = head()
        rid = apply_op(p, op)
        if rid is None or head() == before:
            continue  # refused, or nothing to change
        if op[0] == "add":
            ids.append(rid)
        print(f"committed {head()} {rid}", flush=True)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kills_at_random_points_lose_nothing_committed(template: Path, tmp_path: Path) -> None:
    kills = scaled(3, 60)
    db = copy_project(template, tmp_path / "killed")
    rng = random.Random(11)
    reported = 0
    for n in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(n)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # editing has begun
        assert first.startswith("committed"), proc.stderr.read() if proc.stderr else first
        time.sleep(rng.uniform(0.0, 0.6 if LONG else 0.3))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        lines = [first, *out.splitlines()]
        committed = [ln.split() for ln in lines if ln.startswith("committed")]
        reported += len(committed)
        conn = sqlite3.connect(db)
        for _, eid, rid in committed:
            row = conn.execute("SELECT region_id FROM events WHERE id = ?", [int(eid)]).fetchone()
            assert row == (rid,), f"kill {n}: reported edit (event {eid}) is not there"
        conn.close()
        check_invariants(db)
    with Project(db, user="lead1") as p:  # and the project goes on
        assert apply_op(p, ("add", 0, (10, 10, 60, 60), "text")) is not None
    counts = check_invariants(db)
    print(
        f"\nkills: {kills} tried, {kills} survived, 0 lost ({reported} reported edits "
        f"checked, {counts['events']} events)"
    )
