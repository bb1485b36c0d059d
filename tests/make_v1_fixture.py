"""Writes tests/data/project_v1.sqlite3 with schema version 1 only (run once; kept in git).

The upgrade test opens that file with the current code, as a user's old project would be.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aal_desktop.core.geometry import Box
from aal_desktop.core.records import Region
from aal_desktop.core.schema import default_schema
from aal_desktop.store import db as store_db
from aal_desktop.store import events, regions
from aal_desktop.store.events import NewEvent


def main(out: Path) -> None:
    out.unlink(missing_ok=True)
    db = store_db.connect(out)
    store_db.upgrade(db, upto=1)
    now = "2026-11-29T00:00:00.000000+00:00"
    s = default_schema()
    with store_db.transaction(db):
        db.execute("INSERT INTO users VALUES ('lead1', 'lead', ?, 'lead1')", [now])
        db.execute(
            "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
            "created_by, created_at, published_by, published_at) VALUES "
            "(1, ?, 'published', ?, ?, 'aal', ?, 'aal', ?)",
            [s.name, s.guideline_version, s.to_json(), now, now],
        )
        db.execute(
            "INSERT INTO documents (id, sha256, filename, original_path, size, page_count, "
            "imported_by, imported_at) VALUES (1, ?, 'old.pdf', '/old.pdf', 10, 1, "
            "'lead1', ?)",
            ["a" * 64, now],
        )
        db.execute("INSERT INTO pages VALUES (1, 0, 612, 792, 0, '[0,0,612,792]', '[0,0,612,792]')")
        r = Region(
            id="00000000-0000-4000-8000-000000000001",
            document_id=1,
            page=0,
            box=Box(72, 72, 300, 120),
            class_key="text",
            schema_version=1,
            annotator="lead1",
            created_by="lead1",
            created_at=now,
        )
        regions.insert(db, r)
        events.append(
            db,
            NewEvent("region.create", "lead1", "additive", r.id, 1, 0, None, r.snapshot(), None, 1),
            at=now,
        )
        r2 = r.model_copy(update={"class_key": "title"})
        regions.replace(db, r2)
        events.append(
            db,
            NewEvent(
                "region.relabel",
                "lead1",
                "corrective",
                r.id,
                1,
                0,
                r.snapshot(),
                r2.snapshot(),
                "it is the title",
                1,
            ),
            at=now,
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parent / "data" / "project_v1.sqlite3"
    )
