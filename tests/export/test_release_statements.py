"""`aal release` of a one-document version reads the project in a handful of statements.

The release service checks the role once, the retirement first, reads the frozen version
into one snapshot value and records the release once; the writers touch no database.
"""

from __future__ import annotations

import json
from pathlib import Path

from aal_desktop.core.geometry import Box
from aal_desktop.services import documents, releases, versions
from aal_desktop.services import regions as region_service
from aal_desktop.services.project import Project
from tests.conftest import make_pdf

MAX_STATEMENTS = 12


def one_document_version(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")
    (outcome,) = documents.import_paths(project, [make_pdf(tmp_path / "one.pdf", pages=1)])
    assert outcome.document_id is not None
    region_service.add_region(project, outcome.document_id, 0, Box(50, 50, 200, 90), "title")
    documents.set_status(project, outcome.document_id, "approved")
    versions.create_version(project, "v1")
    return project


def test_a_one_document_release_runs_at_most_12_statements(tmp_path: Path) -> None:
    one_document_version(tmp_path).close()
    project = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")  # as `aal` opens it
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    try:
        record = releases.release(project, "v1", tmp_path / "shared", formats="jsonl")
    finally:
        project.db.conn.set_trace_callback(None)
    (listed,) = releases.list_releases(project)
    project.close()
    assert listed == record
    manifest = json.loads((Path(record.path) / "manifest.json").read_text())
    assert manifest["counts"] == {"documents": 1, "pages": 1, "regions": 1}
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
