"""One region edit with its event, and class counts, in a project of a million regions.

Baselines are the raw SQLite operations the app cannot do with less: a committed INSERT of a
comparable row, and the bare GROUP BY.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from common import BenchResult

CLASSES = [
    "caption",
    "footnote",
    "formula",
    "list_item",
    "page_footer",
    "page_header",
    "picture",
    "section_header",
    "table",
    "text",
    "title",
]
_CACHE: dict[int, Path] = {}


def build_project(n_regions: int, folder: Path) -> Path:
    """A project with n regions over 1,000 documents of 10 pages, each with its create event,
    written in bulk (the chain is computed as the app computes it)."""
    from aal_desktop.core.schema import default_schema
    from aal_desktop.store import db as store_db
    from aal_desktop.store.events import GENESIS, event_hash

    path = folder / "aal.sqlite3"
    db = store_db.open_database(path)
    now = "2026-11-29T00:00:00.000000+00:00"
    s = default_schema()
    rng = random.Random(7)
    docs = 1000
    with store_db.transaction(db):
        db.execute(
            "INSERT INTO users (name, role, created_at, created_by) "
            "VALUES ('bench', 'lead', ?, 'bench')",
            [now],
        )
        db.execute(
            "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
            "created_by, created_at) VALUES (1, ?, 'published', ?, ?, 'aal', ?)",
            [s.name, s.guideline_version, s.to_json(), now],
        )
        for d in range(1, docs + 1):
            db.execute(
                "INSERT INTO documents (id, sha256, filename, original_path, size, "
                "page_count, imported_by, imported_at) VALUES (?,?,?,?,?,?,?,?)",
                [
                    d,
                    hashlib.sha256(str(d).encode()).hexdigest(),
                    f"d{d}.pdf",
                    "/x",
                    1,
                    10,
                    "bench",
                    now,
                ],
            )
            db.conn.executemany(
                "INSERT INTO pages (document_id, page, width, height, rotation, mediabox, cropbox) "
                "VALUES (?,?,612,792,0,'[0,0,612,792]','[0,0,612,792]')",
                [(d, p) for p in range(10)],
            )
    prev = GENESIS
    batch = 50_000
    for start in range(0, n_regions, batch):
        region_rows, event_rows = [], []
        for i in range(start, min(n_regions, start + batch)):
            rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            doc, page = 1 + i % docs, (i // docs) % 10
            x, y = rng.uniform(0, 500), rng.uniform(0, 700)
            cls = CLASSES[rng.randrange(len(CLASSES))]
            region_rows.append(
                (rid, doc, page, x, y, x + 50, y + 20, cls, "{}", 1, "human", "bench", "bench", now)
            )
            snap = {"id": rid, "class_key": cls, "box": [x, y, x + 50, y + 20]}
            row = {
                "id": i + 1,
                "at": now,
                "user": "bench",
                "kind": "region.create",
                "change_type": "additive",
                "region_id": rid,
                "document_id": doc,
                "page": page,
                "original": None,
                "new": json.dumps(snap, sort_keys=True, separators=(",", ":")),
                "reason": None,
                "schema_version": 1,
                "guideline_version": "g",
                "batch": None,
                "reverts": None,
            }
            row["prev_hash"] = prev
            row["hash"] = prev = event_hash(prev, row)
            event_rows.append(tuple(row.values()))
        with store_db.transaction(db):
            db.conn.executemany(
                "INSERT INTO regions (id, document_id, page, x0, y0, x1, y1, class_key, attrs, "
                "schema_version, origin, annotator, created_by, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                region_rows,
            )
            db.conn.executemany(
                "INSERT INTO events (id, at, user, kind, change_type, region_id, document_id, "
                "page, original, new, reason, schema_version, guideline_version, batch, reverts, "
                "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                event_rows,
            )
    db.execute("ANALYZE")
    db.conn.close()
    return path


def _project(n: int) -> Path:
    if n not in _CACHE:
        _CACHE[n] = build_project(n, Path(tempfile.mkdtemp(prefix="aal-bench-")))
    return _CACHE[n]


def _size(quick: bool) -> int:
    return 100_000 if quick else 1_000_000


def edit_vs_raw_insert(quick: bool) -> BenchResult:
    from aal_desktop.services import regions
    from aal_desktop.services.project import Project

    path = _project(_size(quick))
    project = Project(path, user="bench")
    ids = [r[0] for r in project.db.execute("SELECT id FROM regions ORDER BY random() LIMIT 400")]
    n = 200 if quick else 400
    # warm up the statement cache and the schema
    regions.relabel(project, ids[0], "title", reason="warm")
    start = time.perf_counter()
    for i, rid in enumerate(ids[1:n]):
        regions.relabel(
            project, rid, CLASSES[i % len(CLASSES)] if i % 2 else "text", reason="benchmark"
        )
    value = (time.perf_counter() - start) / (n - 1)
    project.close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("PRAGMA wal_autocheckpoint=10000")  # the bound the app sets (store/db.py)
    raw.execute("PRAGMA cache_size=-65536")
    start = time.perf_counter()
    for i in range(n - 1):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO regions (id, document_id, page, x0, y0, x1, y1, class_key, attrs, "
            "schema_version, origin, annotator, created_by, created_at) "
            "VALUES (?,1,0,1,1,20,20,'text','{}',1,'human','raw','raw','now')",
            [f"raw-{i}-{uuid.uuid4()}"],
        )
        raw.execute("COMMIT")
    baseline = (time.perf_counter() - start) / (n - 1)
    raw.close()
    return BenchResult(
        "edit_vs_raw_insert",
        value * 1000,
        baseline * 1000,
        "ms",
        f"relabel + event in {_size(quick):,} regions vs committed raw INSERT; target ratio <= 3",
    )


def stats_1m_vs_raw_sql(quick: bool) -> BenchResult:
    from aal_desktop.services.project import Project
    from aal_desktop.store.regions import class_counts

    path = _project(_size(quick))
    project = Project(path, user="bench")
    doc_ids = list(range(1, 201))

    def ours() -> None:
        for d in doc_ids[:50]:
            class_counts(project.db, d)
        class_counts(project.db)

    raw = sqlite3.connect(path)

    def bare() -> None:
        for d in doc_ids[:50]:
            raw.execute(
                "SELECT class_key, COUNT(*) FROM regions WHERE document_id = ? GROUP BY class_key",
                [d],
            ).fetchall()
        raw.execute("SELECT class_key, COUNT(*) FROM regions GROUP BY class_key").fetchall()

    from common import timeit_best

    value, baseline = timeit_best(ours, 3), timeit_best(bare, 3)
    project.close()
    raw.close()
    return BenchResult(
        "stats_1m_vs_raw_sql",
        value * 1000,
        baseline * 1000,
        "ms",
        f"class counts for 50 documents and the project, {_size(quick):,} "
        "regions, vs the bare GROUP BY; target ratio <= 2",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "edit_vs_raw_insert": edit_vs_raw_insert,
    "stats_1m_vs_raw_sql": stats_1m_vs_raw_sql,
}
