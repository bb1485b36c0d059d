"""Dataset versions (frozen snapshots of documents, regions and splits) and their releases."""

VERSION = 3
NAME = "dataset_versions"
SQL = """
CREATE TABLE dataset_versions (
    name TEXT PRIMARY KEY,
    dataset TEXT NOT NULL,
    parent TEXT REFERENCES dataset_versions (name),
    schema_version INTEGER NOT NULL REFERENCES schema_versions (version),
    statuses TEXT NOT NULL,
    split_ratios TEXT NOT NULL,
    seed INTEGER NOT NULL,
    semver TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    changelog TEXT NOT NULL DEFAULT '{}',
    quality TEXT NOT NULL DEFAULT '{}',
    last_event_id INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT,
    retired_by TEXT,
    retired_reason TEXT,
    successor TEXT,
    archive TEXT
);
CREATE TRIGGER dataset_versions_frozen BEFORE UPDATE OF name, dataset, parent, schema_version,
    statuses, split_ratios, seed, semver, stats, changelog, quality, last_event_id, created_by,
    created_at ON dataset_versions
BEGIN SELECT RAISE(ABORT, 'dataset versions are frozen; create a new version'); END;
CREATE TRIGGER dataset_versions_no_delete BEFORE DELETE ON dataset_versions
BEGIN SELECT RAISE(ABORT, 'dataset versions are never deleted; retire them'); END;

CREATE TABLE version_documents (
    version TEXT NOT NULL REFERENCES dataset_versions (name),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
    PRIMARY KEY (version, document_id)
) WITHOUT ROWID;
CREATE TRIGGER version_documents_frozen BEFORE UPDATE ON version_documents
BEGIN SELECT RAISE(ABORT, 'dataset versions are frozen'); END;
CREATE TRIGGER version_documents_no_delete BEFORE DELETE ON version_documents
BEGIN SELECT RAISE(ABORT, 'dataset versions are frozen'); END;

CREATE TABLE version_regions (
    version TEXT NOT NULL REFERENCES dataset_versions (name),
    region_id TEXT NOT NULL,
    document_id INTEGER NOT NULL,
    page INTEGER NOT NULL,
    x0 REAL NOT NULL,
    y0 REAL NOT NULL,
    x1 REAL NOT NULL,
    y1 REAL NOT NULL,
    class_key TEXT NOT NULL,
    attrs TEXT NOT NULL,
    text TEXT,
    origin TEXT NOT NULL,
    model_name TEXT,
    model_version TEXT,
    confidence REAL,
    prelabel_state TEXT,
    annotator TEXT NOT NULL,
    parent_id TEXT,
    reading_order INTEGER,
    continues_id TEXT,
    schema_version INTEGER NOT NULL,
    PRIMARY KEY (version, region_id)
) WITHOUT ROWID;
CREATE INDEX version_regions_doc ON version_regions (version, document_id, page);
CREATE TRIGGER version_regions_frozen BEFORE UPDATE ON version_regions
BEGIN SELECT RAISE(ABORT, 'dataset versions are frozen'); END;
CREATE TRIGGER version_regions_no_delete BEFORE DELETE ON version_regions
BEGIN SELECT RAISE(ABORT, 'dataset versions are frozen'); END;

CREATE TABLE releases (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL REFERENCES dataset_versions (name),
    path TEXT NOT NULL,
    formats TEXT NOT NULL,
    dpi REAL NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    previous_manifest_sha256 TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""
