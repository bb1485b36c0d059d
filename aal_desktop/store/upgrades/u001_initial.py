"""The first schema: users, documents and pages, label schema versions, regions, events, reviews."""

VERSION = 1
NAME = "initial"
SQL = """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'lead')),
    created_at TEXT NOT NULL,
    created_by TEXT
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    filename TEXT NOT NULL,
    original_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    page_count INTEGER NOT NULL CHECK (page_count > 0),
    title TEXT,
    source TEXT,
    license TEXT,
    encrypted INTEGER NOT NULL DEFAULT 0,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'in_progress', 'submitted', 'approved', 'rejected')),
    retired_at TEXT,
    retired_by TEXT,
    retired_reason TEXT
);

CREATE TABLE pages (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    page INTEGER NOT NULL,
    width REAL NOT NULL,
    height REAL NOT NULL,
    rotation INTEGER NOT NULL DEFAULT 0,
    mediabox TEXT NOT NULL,
    cropbox TEXT NOT NULL,
    PRIMARY KEY (document_id, page)
) WITHOUT ROWID;

-- words of a page in displayed space, extracted on first use (text under boxes, snapping)
CREATE TABLE page_words (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    page INTEGER NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (document_id, page)
) WITHOUT ROWID;

CREATE TABLE document_status_changes (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    old_status TEXT,
    new_status TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX document_status_changes_doc ON document_status_changes (document_id);
CREATE TRIGGER document_status_changes_no_update BEFORE UPDATE ON document_status_changes
BEGIN SELECT RAISE(ABORT, 'document status history is append-only'); END;
CREATE TRIGGER document_status_changes_no_delete BEFORE DELETE ON document_status_changes
BEGIN SELECT RAISE(ABORT, 'document status history is append-only'); END;

CREATE TABLE assignments (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    user TEXT NOT NULL REFERENCES users (name),
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (document_id, user)
) WITHOUT ROWID;

CREATE TABLE schema_versions (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    guideline_version TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    parent_version INTEGER REFERENCES schema_versions (version),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT,
    retired_by TEXT,
    retired_at TEXT,
    retired_reason TEXT,
    successor INTEGER,
    archive TEXT
);
CREATE TRIGGER schema_versions_frozen BEFORE UPDATE OF body, name, guideline_version, version
ON schema_versions WHEN OLD.status != 'draft'
BEGIN SELECT RAISE(ABORT, 'published schema versions are frozen; make a new version'); END;
CREATE TRIGGER schema_versions_no_delete BEFORE DELETE ON schema_versions
WHEN OLD.status != 'draft'
BEGIN SELECT RAISE(ABORT, 'published schema versions are never deleted; retire them'); END;

CREATE TABLE regions (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    page INTEGER NOT NULL,
    x0 REAL NOT NULL,
    y0 REAL NOT NULL,
    x1 REAL NOT NULL,
    y1 REAL NOT NULL,
    class_key TEXT NOT NULL,
    attrs TEXT NOT NULL DEFAULT '{}',
    schema_version INTEGER NOT NULL REFERENCES schema_versions (version),
    parent_id TEXT REFERENCES regions (id),
    reading_order INTEGER,
    continues_id TEXT REFERENCES regions (id),
    origin TEXT NOT NULL DEFAULT 'human' CHECK (origin IN ('human', 'model')),
    model_name TEXT,
    model_version TEXT,
    confidence REAL,
    prelabel_state TEXT CHECK (prelabel_state IN ('pending', 'accepted', 'touched')),
    annotator TEXT NOT NULL,
    text TEXT,
    attention TEXT,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT,
    updated_at TEXT,
    CHECK (x1 > x0 AND y1 > y0)
);
CREATE INDEX regions_doc_page ON regions (document_id, page);
CREATE INDEX regions_doc_class ON regions (document_id, deleted, class_key);
CREATE INDEX regions_class ON regions (deleted, class_key);
CREATE INDEX regions_attention ON regions (attention) WHERE attention IS NOT NULL;

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    change_type TEXT CHECK (change_type IN ('additive', 'corrective', 'schema')),
    region_id TEXT,
    document_id INTEGER,
    page INTEGER,
    original TEXT,
    new TEXT,
    reason TEXT,
    schema_version INTEGER,
    guideline_version TEXT,
    batch TEXT,
    reverts INTEGER,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_region ON events (region_id);
CREATE INDEX events_user ON events (user);
CREATE INDEX events_kind ON events (kind);
CREATE INDEX events_document ON events (document_id);
CREATE INDEX events_at ON events (at);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: they cannot be changed'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: they cannot be deleted'); END;

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'reverted')),
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    revert_event_id INTEGER REFERENCES events (id)
);
CREATE INDEX reviews_event ON reviews (event_id);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
