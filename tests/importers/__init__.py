"""Helpers for the annotation-import tests: real corpus pages, rendered, and their words.

A fixture is built the way the foreign tool would see the page: the page rendered to an
image (displayed space, as pdf.js/poppler render it), boxes taken from the page's words
(PyMuPDF `get_text("words")`, mapped through `page.rotation_matrix` to the displayed
space) and scaled to the image's pixels. After the import the regions must sit on the same
words, in points, within about a point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aal_desktop.core.geometry import Box

TOLERANCE_PT = 1.0

# (corpus file, page index, what it exercises)
PAGES = [
    ("pawls--553c58a05e25f794d24e8db8c2b8fdb9603e6a29.pdf", 0),  # CropBox offset, 2 columns
    ("pdfjs--hello_world_rotated.pdf", 0),  # rotated 90
    ("plumber--issue-1054-example.pdf", 0),  # rotated 270 with a CropBox offset
]


@dataclass(frozen=True)
class Word:
    text: str
    box: Box  # points, displayed space


@dataclass(frozen=True)
class RenderedPage:
    pdf: Path
    page: int
    width_pt: float
    height_pt: float
    rotation: int
    png: bytes
    width_px: int
    height_px: int
    words: list[Word]

    def sx(self) -> float:
        return self.width_px / self.width_pt

    def sy(self) -> float:
        return self.height_px / self.height_pt

    def pixel_box(self, box: Box) -> Box:
        return Box(box.x0 * self.sx(), box.y0 * self.sy(), box.x1 * self.sx(), box.y1 * self.sy())


def render(
    pdf: Path, page_no: int, dpi: int = 100, max_words: int = 6, size: tuple[int, int] | None = None
) -> RenderedPage:
    """The page as an image (at `dpi`, or squashed to `size` like DocLayNet) and a few of
    its words spread over the page."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        page = doc[page_no]
        if size is None:
            pix = page.get_pixmap(dpi=int(dpi), alpha=False)
        else:
            m = pymupdf.Matrix(size[0] / page.rect.width, size[1] / page.rect.height)
            pix = page.get_pixmap(matrix=m, alpha=False)
        words = []
        for w in page.get_text("words"):
            if len(w[4]) < 4 or not w[4].isalpha():
                continue
            r = pymupdf.Rect(w[:4]) * page.rotation_matrix
            r.normalize()
            words.append(Word(w[4], Box(r.x0, r.y0, r.x1, r.y1)))
        step = max(1, len(words) // max_words)
        chosen = words[::step][:max_words]
        return RenderedPage(
            pdf,
            page_no,
            page.rect.width,
            page.rect.height,
            page.rotation,
            pix.tobytes("png"),
            pix.width,
            pix.height,
            chosen,
        )


def close(
    a: Box | tuple[float, ...], b: Box | tuple[float, ...], tol: float = TOLERANCE_PT
) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def assert_on_words(
    regions: list, words: list[Word], tol: float = TOLERANCE_PT, check_text: bool = True
) -> None:
    """Each word has one region on it (box within `tol` pt) that reads it."""
    assert len(regions) == len(words), (len(regions), len(words))
    for w in words:
        hits = [r for r in regions if close(r.box, w.box, tol)]
        assert hits, (w.text, w.box, [tuple(r.box) for r in regions])
        if check_text:
            assert w.text in (hits[0].text or "").split(), (w.text, hits[0].text)


def ink_inside(png: bytes, box: Box) -> int:
    """Dark pixels of an image inside a box in its pixels (the negative control is a blank
    box)."""
    import pymupdf

    pix = pymupdf.Pixmap(png)
    if pix.n != 1:
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
    w, h, data = pix.width, pix.height, pix.samples
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(box[2]) + 1), min(h, int(box[3]) + 1)
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if data[y * w + x] < 128)


def render_document_page(pdf: Path, page_no: int = 0) -> bytes:
    """A stored document's page at 72 dpi (1 px = 1 pt), to look for ink under regions."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        return doc[page_no].get_pixmap(dpi=72, alpha=False).tobytes("png")
