"""Shared fixtures: a fresh project, small PDFs made with PyMuPDF, the real corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from .qt_free import block_qt, mark_qt_tests, qt_blocked  # noqa: E402

if qt_blocked():
    block_qt()  # before anything of ours loads (tests/qt_free.py says why)
collect_ignore = ["ui"] if qt_blocked() else []

from aal_desktop.services import documents  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_qt_tests(items, Path(__file__).resolve().parent / "ui")


def make_pdf(
    path: Path,
    pages: int = 1,
    rotation: int = 0,
    cropbox: tuple[float, float, float, float] | None = None,
    width: float = 612,
    height: float = 792,
    text: str = "Hello world",
) -> Path:
    """A small PDF whose page i carries `text` and 'Page i+1' at known unrotated spots."""
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=width, height=height)
        page.insert_text((72, 100), text, fontsize=12)
        page.insert_text((72, 140), f"Page {i + 1}", fontsize=12)
        if cropbox is not None:
            page.set_cropbox(pymupdf.Rect(*cropbox))
        if rotation:
            page.set_rotation(rotation)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(autouse=True)
def _own_user_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test has its own user data and config folders (the default database, the
    signing key, window settings): none reads or writes the real ones of whoever runs
    the suite. A test that sets AAL_CONFIG_DIR or AAL_DB itself still wins."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("AAL_CONFIG_DIR", raising=False)
    monkeypatch.delenv("AAL_DB", raising=False)
    monkeypatch.delenv("AAL_USER", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")
    yield p
    p.close()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "doc.pdf", pages=3)


@pytest.fixture
def doc_id(project: Project, pdf: Path) -> int:
    (outcome,) = documents.import_paths(project, [pdf])
    assert outcome.status == "imported", outcome.reason
    assert outcome.document_id is not None
    return outcome.document_id


@pytest.fixture
def corpus() -> Path:
    folder = os.environ.get("AAL_CORPUS")
    if not folder or not Path(folder).is_dir():
        pytest.skip("AAL_CORPUS is not set to the corpus folder")
    return Path(folder)


def read_manifest(corpus: Path) -> list[dict[str, str]]:
    import csv

    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))
