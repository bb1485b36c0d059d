"""Text under regions on real rotated and CropBox-offset pages from the corpus.

The box of a word is taken in displayed space, checked independently against the rendered
page (there must be ink inside it), and the region drawn there must read that word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.services import documents, regions
from aal_desktop.services.project import Project

pytestmark = pytest.mark.corpus

CASES = [
    ("pdfjs--hello_world_rotated.pdf", 0),  # rotated 90
    ("plumber--issue-1054-example.pdf", 0),  # rotated 270 with a CropBox offset
    ("pdfbox--PDFBOX-3110-poems-beads-cropbox.pdf", 0),  # CropBox offset
    ("plumber--nics-background-checks-2015-11-rotated.pdf", 0),  # rotated 90, dense table
    ("pdfbox--PDFBOX-2984-rotations.pdf", 1),  # mixed rotations
]


def ink_inside(pix: object, box: tuple[float, float, float, float]) -> int:
    """Dark pixels of a 1x grayscale rendering inside a box given in points."""
    w, h = pix.width, pix.height  # type: ignore[attr-defined]
    data = pix.samples  # type: ignore[attr-defined]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(box[2]) + 1), min(h, int(box[3]) + 1)
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if data[y * w + x] < 128)


@pytest.mark.parametrize(("name", "page_no"), CASES)
def test_text_under_a_word_on_real_pages(
    corpus: Path, tmp_path: Path, name: str, page_no: int
) -> None:
    import pymupdf

    path = corpus / name
    doc = pymupdf.open(path)
    page = doc[page_no]
    pix = page.get_pixmap(colorspace=pymupdf.csGRAY, alpha=False)  # displayed space, 72 dpi
    words = [w for w in page.get_text("words") if len(w[4]) >= 4 and w[4].isalpha()]
    assert words, name
    project = Project(tmp_path / "aal.sqlite3", user="lead1")
    (o,) = documents.import_paths(project, [path])
    assert o.document_id is not None
    checked = 0
    for w in words[:: max(1, len(words) // 5)][:5]:
        shown = pymupdf.Rect(w[:4]) * page.rotation_matrix
        box = (shown.x0 - 0.5, shown.y0 - 0.5, shown.x1 + 0.5, shown.y1 + 0.5)
        assert ink_inside(pix, box) > 0, (name, w[4], box)  # the box sits on the word's ink
        r = regions.add_region(project, o.document_id, page_no, box, "text")
        assert w[4] in (r.text or "").split(), (name, w[4], r.text)
        checked += 1
    assert checked >= 1
    project.close()
