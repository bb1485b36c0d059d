"""Words of a page and the text under a box, in the page's displayed space.

``get_text("words")`` answers in the unrotated space; regions are stored in the
displayed space (``page.rect``: rotation applied, CropBox-relative), so every word
is mapped through ``page.rotation_matrix`` once, here.
The box functions are pure and do not import PyMuPDF (its import costs ~1 s).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from aal_desktop.pdf import engine

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Word:
    """One word in displayed space, with its reading-order position."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int
    index: int


class PageWords(list[Word]):
    """A page's words with an index by height on the page, so the words under a box are
    found without looking at every word of the page (a page holds ~1,000 words; a team
    merge or pre-labelling asks for the text under thousands of boxes)."""

    def __init__(self, words: Sequence[Word]) -> None:
        super().__init__(words)
        self._by_y0 = sorted(self, key=lambda w: w.y0)
        self._y0s = [w.y0 for w in self._by_y0]
        self._tallest = max((w.y1 - w.y0 for w in self), default=0.0)

    def near(self, y0: float, y1: float) -> list[Word]:
        """Every word whose vertical extent may meet [y0, y1] (a superset, never fewer)."""
        lo = bisect.bisect_left(self._y0s, y0 - self._tallest)
        hi = bisect.bisect_right(self._y0s, y1)
        return self._by_y0[lo:hi]


def page_words(pdf_path: str, page_number: int) -> list[Word]:
    """Words of one page (0-based), mapped into displayed space; runs in a worker or directly."""
    pymupdf = engine.load()

    from aal_desktop.pdf.render import open_document

    page = open_document(pdf_path).load_page(page_number)
    matrix = page.rotation_matrix
    words: list[Word] = []
    for x0, y0, x1, y1, text, block, line, index in page.get_text("words"):
        rect = (pymupdf.Rect(x0, y0, x1, y1) * matrix).normalize()
        words.append(
            Word(rect.x0, rect.y0, rect.x1, rect.y1, text, int(block), int(line), int(index))
        )
    return words


def _area(x0: float, y0: float, x1: float, y1: float) -> float:
    return max(0.0, x1 - x0) * max(0.0, y1 - y0)


def words_in_box(words: Sequence[Word], box: Box, min_overlap: float = 0.5) -> list[Word]:
    """Words with at least ``min_overlap`` of their area inside ``box``, in reading order.

    A word with no area (a zero-width glyph box) belongs when its centre is inside.
    """
    bx0, by0, bx1, by1 = (
        min(box[0], box[2]),
        min(box[1], box[3]),
        max(box[0], box[2]),
        max(box[1], box[3]),
    )
    chosen: list[Word] = []
    reject = min_overlap > 0.0  # words are normalized (x0 <= x1): one outside has no share
    if reject and isinstance(words, PageWords):
        words = words.near(by0, by1)
    for word in words:
        if reject and (word.x1 < bx0 or word.x0 > bx1 or word.y1 < by0 or word.y0 > by1):
            continue
        area = _area(word.x0, word.y0, word.x1, word.y1)
        if area <= 0.0:
            cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
            if bx0 <= cx <= bx1 and by0 <= cy <= by1:
                chosen.append(word)
            continue
        inside = _area(max(word.x0, bx0), max(word.y0, by0), min(word.x1, bx1), min(word.y1, by1))
        if inside / area >= min_overlap:
            chosen.append(word)
    chosen.sort(key=lambda w: (w.block, w.line, w.index))
    return chosen


def text_in_box(words: Sequence[Word], box: Box) -> str:
    """The text a box covers: words joined by spaces, lines by newlines."""
    lines: list[list[str]] = []
    previous: tuple[int, int] | None = None
    for word in words_in_box(words, box):
        key = (word.block, word.line)
        if key != previous:
            lines.append([])
            previous = key
        lines[-1].append(word.text)
    return "\n".join(" ".join(line) for line in lines)


def snap_box(words: Sequence[Word], box: Box) -> Box | None:
    """Shrink or grow a box to the union of the words it covers; None if it covers none."""
    covered = words_in_box(words, box)
    if not covered:
        return None
    return (
        min(w.x0 for w in covered),
        min(w.y0 for w in covered),
        max(w.x1 for w in covered),
        max(w.y1 for w in covered),
    )
