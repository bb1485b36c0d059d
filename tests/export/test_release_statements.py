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


def test_the_writers_import_neither_the_store_nor_the_services() -> None:
    """export/ writes a snapshot value: no SQL, no store, no services (one-way layering)."""
    import ast

    package = Path(__file__).resolve().parents[2] / "aal_desktop" / "export"
    offenders = []
    for path in sorted(package.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module:
                name = "." * node.level + node.module
                if node.level >= 2 and node.module.split(".")[0] in ("store", "services"):
                    offenders.append(f"{path.name} imports {name}")
                if node.level == 0 and node.module.startswith(
                    ("aal_desktop.store", "aal_desktop.services")
                ):
                    offenders.append(f"{path.name} imports {name}")
        if ".execute(" in text or "sqlite3" in text:
            offenders.append(f"{path.name} runs SQL")
    assert offenders == []
