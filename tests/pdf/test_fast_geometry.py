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


def _nested_tree_pdf(path: Path, kid_parent: int = 3) -> Path:
    """Five pages under a two-level page tree whose nodes carry the inheritable keys:
    the root a MediaBox and /Rotate 90, one node a CropBox and another MediaBox, and pages
    that override each of them. `kid_parent` is the /Parent page 4 names (3: the truth)."""
    objects = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        2: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 5 /MediaBox [0 0 600 800] /Rotate 90 >>",
        3: "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R 7 0 R] /Count 3 "
        "/CropBox [20 30 400 500] >>",
        4: "<< /Type /Pages /Parent 2 0 R /Kids [8 0 R 9 0 R] /Count 2 /MediaBox [0 0 300 400] >>",
        5: "<< /Type /Page /Parent 3 0 R >>",
        6: "<< /Type /Page /Parent 3 0 R /Rotate 0 /MediaBox [10 10 500 700] >>",
        7: f"<< /Type /Page /Parent {kid_parent} 0 R /CropBox [0 0 100 200] /Rotate 180 >>",
        8: "<< /Type /Page /Parent 4 0 R >>",
        9: "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 612 792] /Rotate 270 >>",
    }
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for num, body in objects.items():
        offsets[num] = len(out)
        out += f"{num} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in sorted(objects))
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def test_fast_geometry_inherits_keys_down_a_nested_page_tree(tmp_path: Path) -> None:
    import pymupdf

    doc = pymupdf.open(_nested_tree_pdf(tmp_path / "nested.pdf"))
    assert doc.page_count == 5 and not doc.is_repaired
    mine = fast(doc)
    assert mine is not None and mine == slow(doc)
    assert [p[2] for p in mine] == [90, 0, 180, 90, 270]


def test_a_page_whose_parent_is_not_its_node_takes_the_slow_path(tmp_path: Path) -> None:
    import pymupdf

    from aal_desktop.pdf.inspect import inspect_pdf

    path = _nested_tree_pdf(tmp_path / "odd.pdf", kid_parent=4)
    doc = pymupdf.open(path)
    assert fast(doc) is None  # MuPDF inherits up /Parent, not down the tree: not guessed
    result = inspect_pdf(str(path))
    assert result.ok and len(result.pages) == 5
    assert [
        (round(p.width, 3), round(p.height, 3), p.rotation, tuple(round(v, 3) for v in p.cropbox))
        for p in result.pages
    ] == slow(doc)
