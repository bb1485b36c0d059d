"""`aal doc list` reads light rows, and prints exactly what the Document records say."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.cli.common import table
from aal_desktop.cli.main import main
from aal_desktop.core.records import Document
from aal_desktop.services import documents, regions
from aal_desktop.services.project import Project
from aal_desktop.store import document_list
from aal_desktop.store import documents as document_rows
from aal_desktop.store.db import transaction

from .conftest import make_pdf

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def listed(project: Project, tmp_path: Path) -> Project:
    """Three documents: one plain, one with every optional field set, one retired."""
    for i in range(3):
        documents.import_paths(project, [make_pdf(tmp_path / f"d{i}.pdf", pages=i + 1)])
    regions.add_region(project, 2, 0, (10, 10, 100, 100), "text")
    regions.add_region(project, 2, 0, (10, 200, 100, 300), "text")
    with transaction(project.db):
        project.db.conn.execute(
            "UPDATE documents SET title = 'Ünïcode “title”', source = 'scan', "
            "license = 'CC0', encrypted = 1 WHERE id = 2"
        )
        project.db.conn.execute(
            "UPDATE documents SET retired_at = '2026-01-01T00:00:00+00:00', "
            "retired_by = 'lead1', retired_reason = 'duplicate' WHERE id = 3"
        )
    documents.set_status(project, 3, "in_progress")  # 2 is too: its first region moved it
    return project


def run(project: Project, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["--db", str(project.path), "--user", "lead1", "doc", "list", *args]) == 0
    return capsys.readouterr().out


def test_rows_have_the_record_fields_in_their_order() -> None:
    assert tuple(Document.model_fields) == document_list.COLUMNS
    assert document_rows.COLUMNS == document_list.COLUMNS


def test_json_is_the_records_dump(listed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    counts = documents.region_counts(listed)
    assert counts == {2: 2}
    for args, status in (((), None), (("--status", "in_progress"), "in_progress")):
        records = documents.list_documents(listed, status=status)
        expected = [{**d.model_dump(mode="json"), "regions": counts.get(d.id, 0)} for d in records]
        out = run(listed, capsys, *args, "--json")
        assert out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
        assert [d["id"] for d in json.loads(out)] == ([1, 2, 3] if status is None else [2, 3])
    assert json.loads(run(listed, capsys, "--json"))[1]["encrypted"] is True


def test_text_is_the_records_table(listed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    counts = documents.region_counts(listed)
    rows = [
        [d.id, d.sha256[:12], d.status.value, d.page_count, counts.get(d.id, 0), d.filename]
        for d in documents.list_documents(listed)
    ]
    expected = table(rows, ["id", "sha256", "status", "pages", "regions", "file"]) + "\n"
    assert run(listed, capsys) == expected
    assert "in_progress" in expected and "d2.pdf" in expected


def test_assignee_filter_matches_the_records(listed: Project) -> None:
    documents.assign(listed, 2, ["lead1"])
    assert (
        [r.id for r in documents.list_rows(listed, assignee="lead1")]
        == [d.id for d in documents.list_documents(listed, assignee="lead1")]
        == [2]
    )


def test_doc_list_builds_no_record(listed: Project) -> None:
    """A cold `aal doc list` imports neither pydantic nor the PDF machinery, nor dataclasses,
    inspect or shutil (together a tenth of its start)."""
    code = (
        "import sys\n"
        "from aal_desktop.cli.main import main\n"
        f"assert main(['--db', {str(listed.path)!r}, '--user', 'lead1', 'doc', 'list']) == 0\n"
        "watched = ('pydantic', 'aal_desktop.core.records', 'aal_desktop.pdf', 'multiprocessing',"
        " 'dataclasses', 'inspect', 'shutil')\n"
        "print(','.join(m for m in watched if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "d2.pdf" in out.stdout
    assert out.stderr.strip().splitlines()[-1:] in ([], [""])
