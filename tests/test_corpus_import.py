"""Import every real PDF of AAL_CORPUS and check each outcome against its MANIFEST.tsv."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.services import documents
from aal_desktop.services.project import Project

from .conftest import read_manifest

pytestmark = pytest.mark.corpus

REJECT_TRAITS = {
    "broken": {"damaged", "not_pdf"},
    "not-a-pdf": {"not_pdf"},
    "empty-file": {"empty"},
    "zero-pages": {"zero_pages"},
    "page-load-error": {"damaged"},
    "encrypted-needs-password": {"encrypted", "wrong_password"},
}


def expected_rejection(traits: str) -> set[str] | None:
    for trait, kinds in REJECT_TRAITS.items():
        if trait in traits:
            return kinds
    return None


def test_whole_corpus_imports_or_rejects_as_the_manifest_says(corpus: Path, tmp_path: Path) -> None:
    rows = {r["file"]: r for r in read_manifest(corpus)}
    project = Project(tmp_path / "aal.sqlite3", user="lead1")
    started = time.monotonic()
    outcomes = documents.import_paths(project, [corpus])
    elapsed = time.monotonic() - started
    assert elapsed < 120, f"corpus import took {elapsed:.0f} s"
    seen = {o.path.name: o for o in outcomes}
    assert set(seen) == {name for name in rows if name.lower().endswith(".pdf")}
    for name, o in seen.items():
        row = rows[name]
        reject = expected_rejection(row["traits"])
        if reject is not None:
            assert o.status == "rejected" and o.kind in reject, (name, o)
            assert o.reason and "\n" not in o.reason
        else:
            assert o.status in {"imported", "present"}, (name, o.reason)
            assert o.pages == int(row["pages"]), name
    # same bytes under two names (if any) are "present", never a second document
    shas = [o.sha256 for o in outcomes if o.status != "rejected"]
    assert len(documents.list_documents(project)) == len(set(shas))
    # passwords from the manifest unlock the encrypted files
    for name, row in rows.items():
        if row["password"]:
            (o,) = documents.import_paths(project, [corpus / name], password=row["password"])
            assert o.status == "imported", (name, o.reason)
            assert o.pages == int(row["pages"])
    project.close()


def test_cli_import_of_the_corpus_exits_1_with_one_line_per_file(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.sqlite3"
    assert main(["--db", str(db), "--user", "lead1", "init"]) == 0  # an explicit --db must exist
    capsys.readouterr()
    files = [
        corpus / n
        for n in (
            "pdfjs--rotation.pdf",
            "plumber--empty.pdf",
            "not-a-pdf--security.png.pdf",
            "pdfjs--poppler-85140-0.pdf",
        )
    ]
    code = main(["--db", str(db), "--user", "lead1", "doc", "import", *map(str, files)])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert len(out) == 4
    assert out[0].startswith("imported") and "2 pages" in out[0]
    assert all(line.startswith("rejected") for line in out[1:])
    assert "empty" in out[1] and "not a PDF" in out[2]
