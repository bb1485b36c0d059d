"""The parsers are pure: no Qt, no PyMuPDF, no store or services (they only read a file);
provenance rows are append-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.services import annotation_import, documents, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.conftest import make_pdf
from tests.test_layering import PACKAGE, imported_modules


def test_importers_import_nothing_but_core_and_the_standard_library() -> None:
    offenders = []
    for path in sorted((PACKAGE / "importers").glob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in {"PySide6", "pymupdf", "sqlite_utils"}:
                offenders.append(f"{path.name} imports {name}")
        text = path.read_text(encoding="utf-8")
        for layer in ("..store", "..services", "..ui", "..pdf", "..export"):
            if f"from {layer}" in text:
                offenders.append(f"{path.name} imports {layer}")
    assert offenders == []


def test_import_provenance_cannot_be_changed_or_removed(lead: Project, tmp_path: Path) -> None:
    import json

    (o,) = documents.import_paths(lead, [make_pdf(tmp_path / "d.pdf")])
    body = {
        "images": [{"id": 1, "file_name": "d.png", "width": 612, "height": 792}],
        "annotations": [{"id": 9, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 20]}],
        "categories": [{"id": 1, "name": "title"}],
    }
    path = tmp_path / "a.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    report = annotation_import.import_annotations(lead, ImportOptions("coco", path))
    (rid,) = report.region_ids
    assert regions.get(lead, rid).class_key == "title" and report.documents == [o.document_id]
    for sql in ("UPDATE region_imports SET foreign_id = 'x'", "DELETE FROM region_imports"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            lead.db.execute(sql)
    # a deleted region stays imported: the same file again does not bring it back
    regions.delete(lead, rid, reason="wrong")
    again = annotation_import.import_annotations(lead, ImportOptions("coco", path))
    assert again.imported == 0 and again.already_present == 1
