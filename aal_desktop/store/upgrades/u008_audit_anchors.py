"""Append-only triggers on releases, and anchors: the log head recorded with each release.

`releases` recorded history without triggers. An anchor keeps the event log's head (id and
hash) and the release's manifest hash when the release is recorded (a trigger on
`releases` writes it in the same statement); `aal audit verify`
then finds an event removed or altered before that point even when the rest of the chain
was recomputed to match (issue 19, item 5).
"""

VERSION = 8
NAME = "audit_anchors"
SQL = """
CREATE TRIGGER IF NOT EXISTS releases_no_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are append-only: record a new release'); END;
CREATE TRIGGER IF NOT EXISTS releases_no_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are append-only: they cannot be deleted'); END;

CREATE TABLE IF NOT EXISTS log_anchors (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    manifest_sha256 TEXT,
    event_id INTEGER NOT NULL,
    event_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS log_anchors_no_update BEFORE UPDATE ON log_anchors
BEGIN SELECT RAISE(ABORT, 'log anchors are append-only'); END;
CREATE TRIGGER IF NOT EXISTS log_anchors_no_delete BEFORE DELETE ON log_anchors
BEGIN SELECT RAISE(ABORT, 'log anchors are append-only'); END;
-- Every recorded release anchors the log's head in the same statement: atomic with the
-- release row, and no extra round trip for the release service.
CREATE TRIGGER IF NOT EXISTS releases_anchor_log AFTER INSERT ON releases
BEGIN
INSERT INTO log_anchors (kind, ref, manifest_sha256, event_id, event_hash, created_by,
                         created_at)
SELECT 'release', CAST(NEW.id AS TEXT), NEW.manifest_sha256,
       COALESCE((SELECT id FROM events ORDER BY id DESC LIMIT 1), 0),
       COALESCE((SELECT hash FROM events ORDER BY id DESC LIMIT 1),
                '0000000000000000000000000000000000000000000000000000000000000000'),
       NEW.created_by, NEW.created_at;
END;
"""
