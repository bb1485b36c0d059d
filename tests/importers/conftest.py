"""Fixtures of the annotation-import tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.services import documents
from aal_desktop.services.project import Project


def import_pdf(project: Project, path: Path) -> int:
    (o,) = documents.import_paths(project, [path])
    assert o.document_id is not None, o.reason
    return o.document_id


@pytest.fixture
def lead(tmp_path: Path):
    p = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")
    yield p
    p.close()
