"""The fast page-geometry path of import agrees with PyMuPDF's page objects everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.pdf.inspect import _fast_pages

from ..conftest import make_pdf


def slow(doc: object) -> list[tuple]:
    out = []
    for i in range(doc.page_count):  # type: ignore[attr-defined]
        p = doc.load_page(i)  # type: ignore[attr-defined]
        out.append(
            (
                round(p.rect.width, 3),
                round(p.rect.height, 3),
                p.rotation,
                tuple(round(v, 3) for v in p.cropbox),
            )
        )
    return out


def fast(doc: object) -> list[tuple] | None:
    pages = _fast_pages(doc, doc.page_count)  # type: ignore[arg-type, attr-defined]
    if pages is None:
        return None
    return [
        (round(p.width, 3), round(p.height, 3), p.rotation, tuple(round(v, 3) for v in p.cropbox))
        for p in pages
    ]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_fast_geometry_matches_loaded_pages(tmp_path: Path, rotation: int) -> None:
    import pymupdf

    path = make_pdf(tmp_path / "a.pdf", pages=3, rotation=rotation, cropbox=(20, 30, 400, 500))
    doc = pymupdf.open(path)
    assert fast(doc) == slow(doc)


def test_fast_geometry_matches_on_the_whole_corpus(corpus: Path) -> None:
    import pymupdf

    checked = 0
    for path in sorted(corpus.glob("*.pdf")):
        try:
            doc = pymupdf.open(path)
        except Exception:
            continue
        if doc.needs_pass or not doc.is_pdf or doc.page_count == 0 or doc.is_repaired:
            continue
        mine = fast(doc)
        if mine is None:
            continue  # the import falls back to loading every page
        assert mine == slow(doc), path.name
        checked += 1
    assert checked > 40
