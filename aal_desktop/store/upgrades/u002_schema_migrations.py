"""Schema migrations: the plan that made each migrated schema version, kept for ever."""

VERSION = 2
NAME = "schema_migrations"
SQL = """
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY REFERENCES schema_versions (version),
    from_version INTEGER NOT NULL REFERENCES schema_versions (version),
    plan TEXT NOT NULL,
    reason TEXT,
    regions INTEGER NOT NULL,
    applied_by TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    batch TEXT NOT NULL UNIQUE
);
CREATE TRIGGER schema_migrations_no_update BEFORE UPDATE ON schema_migrations
BEGIN SELECT RAISE(ABORT, 'schema migrations are append-only'); END;
CREATE TRIGGER schema_migrations_no_delete BEFORE DELETE ON schema_migrations
BEGIN SELECT RAISE(ABORT, 'schema migrations are append-only'); END;
-- one migration's events are found by their batch id (history, review of a migration)
CREATE INDEX IF NOT EXISTS events_batch ON events (batch) WHERE batch IS NOT NULL;
"""
