"""The reliability suite's shared parts: a template project, the invariants, the run length.

`AAL_RELIABILITY=long` makes every test of tests/reliability/ run many times longer (the
short run, a few seconds each, is what CI runs).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from aal_desktop.core.schema import LabelSchema, default_schema
from aal_desktop.services import audit, documents, schemas
from aal_desktop.services.project import Project
from aal_desktop.store import db as store_db

from ..conftest import make_pdf

LONG = os.environ.get("AAL_RELIABILITY") == "long"
CLASSES = ("text", "title", "caption", "table")
TEMPLATE_PAGES = 2


def scaled(short: int, long: int) -> int:
    return long if LONG else short


def _schema_with_attributes() -> LabelSchema:
    body = yaml.safe_load(default_schema().to_yaml())
    for c in body["classes"]:
        if c["key"] in ("text", "title"):
            c["attributes"] = [
                {"key": "conf", "type": "number"},
                {"key": "kind", "type": "enum", "options": ["a", "b"]},
                {"key": "ok", "type": "bool"},
            ]
    return LabelSchema.model_validate(body)


def build_template(folder: Path) -> Path:
    """A project with one 2-page document and a published schema whose text and title
    classes carry a number, an enum and a yes/no attribute; copied for every example."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "aal.sqlite3"
    with Project(db, user="lead1") as p:
        p.ensure_registered()
        schemas.ensure_default(p)
        base = schemas.current(p)
        draft = schemas.add_draft(
            p, _schema_with_attributes().model_copy(update={"version": base.version + 1})
        )
        schemas.publish(p, draft.version)
        (o,) = documents.import_paths(p, [make_pdf(folder / "doc.pdf", pages=TEMPLATE_PAGES)])
        assert o.status == "imported", o.reason
        from aal_desktop.services.users import add_user

        add_user(p, "amy", "annotator")
        p.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def copy_project(template: Path, dest: Path) -> Path:
    """A fresh copy of the template project (database and managed PDFs)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(template.parent, dest)
    return dest / template.name


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> str:
        if isinstance(v, dict) and isinstance(v.get("box"), list):
            v = {**v, "box": [round(float(x), 2) for x in v["box"]]}
        return json.dumps(v, sort_keys=True)

    return norm(a) == norm(b)


def check_invariants(db_path: Path) -> dict[str, int]:
    """Every invariant the suite promises, read in ONE snapshot (a concurrent writer cannot
    make it see half of a change): returns counts; raises AssertionError naming the break.

    - every region event's `original` is the state the previous event on it left
      (`None` before its creation);
    - replaying the log (each region's events in order) rebuilds the regions table exactly;
    - `audit verify` (every local check) and `PRAGMA integrity_check` pass.
    """
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        replay: dict[str, Any] = {}
        events = conn.execute(
            "SELECT id, kind, region_id, original, new FROM events "
            "WHERE region_id IS NOT NULL AND kind LIKE 'region.%' ORDER BY id"
        ).fetchall()
        for eid, kind, rid, original, new in events:
            before = replay.get(rid)
            was = json.loads(original) if original else None
            assert _same(was, before), (
                f"event {eid} ({kind}) on {rid} records original {was}, but the state "
                f"before it was {before}"
            )
            replay[rid] = json.loads(new) if new else None
        from aal_desktop.store.regions import SELECT, from_row

        rows = {r.id: r.snapshot() for r in map(from_row, conn.execute(SELECT))}
        assert set(rows) == set(replay), "the log and the regions table hold other regions"
        for rid, snap in rows.items():
            assert _same(snap, replay[rid]), f"replaying the log does not rebuild {rid}"
        report = audit_check(conn)
        assert report.ok, report.problems
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("COMMIT")
        return {"events": len(events), "regions": len(rows)}
    finally:
        conn.close()


def audit_check(conn: sqlite3.Connection) -> Any:
    """`aal audit verify`'s checks on this connection (inside the caller's snapshot)."""
    from aal_desktop.store import audit as audit_rows

    return audit_rows.full_check(store_db.Database(conn))


def verify_project(project: Project) -> None:
    report = audit.verify(project)
    assert report.ok, report.problems


def state(db_path: Path) -> tuple[list[Any], list[Any]]:
    """Every region row and every event's (id, hash): what "nothing changed" compares."""
    conn = sqlite3.connect(db_path)
    try:
        return (
            conn.execute("SELECT * FROM regions ORDER BY id").fetchall(),
            conn.execute("SELECT id, hash FROM events ORDER BY id").fetchall(),
        )
    finally:
        conn.close()
