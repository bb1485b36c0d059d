"""Team merge: what replaying members' events through the services costs, per event.

`team_merge_vs_raw_insert`: the lead merging 3 members' bundles (quick 3 x 1,000 events,
full 3 x 10,000; four creates to one correction) — verify, replay each event as its author
through the region services, conflict checks, provenance — against a committed raw insert
of the same rows (each event's region row written and its event row inserted, one
statement each, one transaction per bundle). Target: ratio <= 5.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from common import SAMPLE_PDF, BenchResult

MEMBERS = ("ann", "bob", "cyd")


def _member_work(project, n: int, seed: int) -> None:
    """n events by the member: four creates to one relabel or move, in one transaction."""
    from aal_desktop.services import regions
    from aal_desktop.store.db import transaction

    made: list[str] = []
    with transaction(project.db):
        for i in range(n):
            if i % 5 == 4 and len(made) > 2:
                rid = made[(i * 7 + seed) % len(made)]
                if i % 10 == 4:
                    current = regions.get(project, rid).class_key
                    regions.relabel(project, rid, "title" if current == "text" else "text")
                else:
                    box = regions.get(project, rid).box
                    regions.move(project, rid, (box.x0 + 1, box.y0, box.x1 + 1, box.y1))
                continue
            y = 40 + (i % 40) * 15
            x = 60 + (i // 40 % 5) * 4 + seed
            made.append(regions.add_region(project, 1, i % 2, (x, y, x + 200, y + 10), "text").id)


def _setup(root: Path, n: int) -> tuple[Path, Path, int, float]:
    """A lead and three members who each pushed one bundle of n events; the lead's database
    is copied before the merge (for the baseline)."""
    from aal_desktop.identity import keys
    from aal_desktop.services import documents, team_setup, team_sync, text, users
    from aal_desktop.services.project import Project

    shared = root / "shared"
    shared.mkdir()
    member_keys = {m: keys.load_or_create(root / "keys" / m) for m in MEMBERS}
    os.environ["AAL_CONFIG_DIR"] = str(root / "keys" / "lead")
    lead = Project(root / "lead" / "aal.sqlite3", user="lead")
    documents.import_paths(lead, [SAMPLE_PDF])
    for m in MEMBERS:
        users.add_user(lead, m, "annotator")
        team_setup.register_key(lead, m, member_keys[m].public)
        documents.assign(lead, 1, [m])
    team_setup.init(lead, str(shared))
    # The words under each box come from the page's word cache; fill it here so the merge
    # is not charged the one-off PyMuPDF import and extraction (~1 s, once per process).
    doc = documents.resolve(lead, 1)
    for page in range(doc.page_count):
        text.page_words(lead, doc.id, doc.sha256, page)
    lead.close()
    pushed, push_seconds = 0, 0.0
    for seed, m in enumerate(MEMBERS):
        os.environ["AAL_CONFIG_DIR"] = str(root / "keys" / m)
        p = Project(root / m / "aal.sqlite3", user=m)
        team_setup.join(p, str(shared), m)
        _member_work(p, n, seed)
        started = time.perf_counter()
        pushed += team_sync.sync(p).pushed
        push_seconds = max(push_seconds, time.perf_counter() - started)
        p.close()
    os.environ["AAL_CONFIG_DIR"] = str(root / "keys" / "lead")
    before = root / "lead-before.sqlite3"
    src = sqlite3.connect(root / "lead" / "aal.sqlite3")
    dst = sqlite3.connect(before)
    src.backup(dst)
    src.close()
    dst.close()
    return root / "lead" / "aal.sqlite3", before, pushed, push_seconds


def _raw_insert(merged: Path, before: Path) -> float:
    """Write the rows the merge wrote into the pre-merge copy: per event its region row
    (insert or update) and its event row, one statement each, one commit per member."""
    src = sqlite3.connect(merged)
    first = sqlite3.connect(before)
    base_id = first.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    first.close()
    cols = [r[1] for r in src.execute("PRAGMA table_info(events)")]
    rcols = [r[1] for r in src.execute("PRAGMA table_info(regions)")]
    events = src.execute(
        f"SELECT {', '.join(cols)} FROM events WHERE id > ? ORDER BY id", [base_id]
    ).fetchall()
    regions = {r[0]: r for r in src.execute(f"SELECT {', '.join(rcols)} FROM regions")}
    src.close()
    db = sqlite3.connect(before, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    ev_sql = f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    rg_sql = (
        f"INSERT OR REPLACE INTO regions ({', '.join(rcols)}) VALUES "
        f"({', '.join('?' for _ in rcols)})"
    )
    user_at = cols.index("user")
    region_at = cols.index("region_id")
    started = time.perf_counter()
    current = None
    for row in events:
        if row[user_at] != current:
            if current is not None:
                db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            current = row[user_at]
        db.execute(rg_sql, regions[row[region_at]])
        db.execute(ev_sql, row)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed / max(1, len(events))


def team_merge_vs_raw_insert(quick: bool) -> BenchResult:
    from aal_desktop.core.team import SyncResult
    from aal_desktop.services import team_merge, team_setup
    from aal_desktop.services.project import Project

    n = 1_000 if quick else 10_000
    saved = dict(os.environ)
    root = Path(tempfile.mkdtemp(prefix="aal-bench-team-"))
    try:
        merged_path, before, total, push_seconds = _setup(root, n)
        lead = Project(merged_path, user="lead")
        cfg = team_setup.config(lead)
        result = SyncResult(role="lead")
        started = time.perf_counter()
        team_merge.merge(lead, team_setup.storage_of(cfg), result)
        elapsed = time.perf_counter() - started
        lead.close()
        if result.applied != total or result.conflicts or result.refused:
            raise RuntimeError(
                f"merge applied {result.applied} of {total} "
                f"({result.conflicts} conflicts, {result.refused} refused)"
            )
        raw = _raw_insert(merged_path, before)
        return BenchResult(
            "team_merge_vs_raw_insert",
            elapsed / total * 1e6,
            raw * 1e6,
            "us",
            f"{total} events of {len(MEMBERS)} members; merge took "
            f"{elapsed:.2f} s; a member's sync of {n} events "
            f"{push_seconds:.2f} s",
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(root, ignore_errors=True)


BENCHMARKS = {"team_merge_vs_raw_insert": team_merge_vs_raw_insert}
