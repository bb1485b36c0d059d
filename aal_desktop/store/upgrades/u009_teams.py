"""Teams over shared storage: members' public keys, the team's settings, sync progress,
conflicts, and the provenance hash of replayed events.

`events.source_hash` is the author's own event hash when the lead replays a member's event;
it enters the row hash only when it is not null, so every older hash stays valid.
"""

VERSION = 9
NAME = "teams"
SQL = """
ALTER TABLE users ADD COLUMN public_key TEXT;
ALTER TABLE events ADD COLUMN source_hash TEXT;
CREATE INDEX events_source_hash ON events (source_hash) WHERE source_hash IS NOT NULL;

CREATE TABLE team (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    team_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'member')),
    member TEXT NOT NULL,
    lead TEXT NOT NULL,
    lead_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_sync_at TEXT,
    lead_seq INTEGER NOT NULL DEFAULT 0,
    lead_hash TEXT NOT NULL,
    push_seq INTEGER NOT NULL DEFAULT 0,
    push_hash TEXT NOT NULL,
    push_head_id INTEGER NOT NULL DEFAULT 0,
    push_head_hash TEXT NOT NULL
);

CREATE TABLE team_members (
    member TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    bundle_hash TEXT NOT NULL,
    log_head_id INTEGER NOT NULL,
    log_head_hash TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);

CREATE TABLE team_published (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE team_documents (
    sha256 TEXT PRIMARY KEY,
    record TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE team_event_map (
    member TEXT NOT NULL,
    member_event_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events (id),
    PRIMARY KEY (member, member_event_id)
) WITHOUT ROWID;

CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    member TEXT NOT NULL,
    bundle_seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    lead_state TEXT,
    problem TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'reverted')),
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    result_event_id INTEGER REFERENCES events (id),
    created_at TEXT NOT NULL
);
CREATE INDEX conflicts_status ON conflicts (status);
CREATE TRIGGER conflicts_decide_once BEFORE UPDATE ON conflicts
WHEN OLD.status != 'open'
BEGIN SELECT RAISE(ABORT, 'a decided conflict stays decided'); END;
CREATE TRIGGER conflicts_no_delete BEFORE DELETE ON conflicts
BEGIN SELECT RAISE(ABORT, 'conflicts are never deleted; decide them'); END;
"""
