"""Where imported regions came from, and which documents are wrapped page images.

`region_imports` is the provenance of a region brought in from another tool's file (format,
the file's SHA-256 and name, the foreign id) and the key that makes re-importing the same
file add nothing: (file_sha256, foreign_id) is unique. `image_documents` records, for a
document made from a page image, the image's SHA-256 and name. Both are append-only.
"""

VERSION = 6
NAME = "annotation_imports"
SQL = """
CREATE TABLE region_imports (
    region_id TEXT PRIMARY KEY REFERENCES regions (id),
    format TEXT NOT NULL,
    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file_name TEXT NOT NULL,
    foreign_id TEXT NOT NULL,
    foreign_page TEXT,
    foreign_label TEXT NOT NULL,
    foreign_annotator TEXT,
    reduced TEXT,
    batch TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (file_sha256, foreign_id)
);
CREATE INDEX region_imports_batch ON region_imports (batch);
CREATE TRIGGER region_imports_frozen BEFORE UPDATE ON region_imports
BEGIN SELECT RAISE(ABORT, 'import provenance is append-only'); END;
CREATE TRIGGER region_imports_no_delete BEFORE DELETE ON region_imports
BEGIN SELECT RAISE(ABORT, 'import provenance is append-only'); END;

CREATE TABLE image_documents (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    image_sha256 TEXT NOT NULL UNIQUE CHECK (length(image_sha256) = 64),
    image_name TEXT NOT NULL,
    image_path TEXT,
    image_width INTEGER NOT NULL,
    image_height INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER image_documents_frozen BEFORE UPDATE ON image_documents
BEGIN SELECT RAISE(ABORT, 'page image provenance is append-only'); END;
CREATE TRIGGER image_documents_no_delete BEFORE DELETE ON image_documents
BEGIN SELECT RAISE(ABORT, 'page image provenance is append-only'); END;
"""
