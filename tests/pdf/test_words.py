"""Words in displayed space, and the text and snapped box under a region."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from aal_desktop.pdf.render import render_page
from aal_desktop.pdf.words import Word, page_words, snap_box, text_in_box, words_in_box

REPO = Path(__file__).resolve().parents[2]


def _ink_box(pdf: Path, page_number: int) -> tuple[float, float, float, float]:
    """Where the dark pixels are, in points of the displayed page (found by rendering)."""
    image = render_page(str(pdf), page_number, 2.0)
    xs: list[int] = []
    ys: list[int] = []
    for y in range(image.height):
        row = image.samples[y * image.stride : y * image.stride + image.width * 3]
        for x in range(0, image.width * 3, 3):
            if row[x] < 128:
                xs.append(x // 3)
                ys.append(y)
    assert xs, "nothing drawn"
    return (min(xs) / 2, min(ys) / 2, (max(xs) + 1) / 2, (max(ys) + 1) / 2)


def _one_word_page(tmp_path: Path, rotation: int = 0, cropbox: pymupdf.Rect | None = None) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((150, 220), "HELLO", fontsize=24)  # unrotated space
    if cropbox is not None:
        page.set_cropbox(cropbox)
    page.set_rotation(rotation)
    path = tmp_path / f"word-{rotation}-{cropbox is not None}.pdf"
    doc.save(path)
    return path


def _contains(outer: tuple[float, ...], inner: tuple[float, ...], slack: float = 1.0) -> bool:
    return (
        outer[0] - slack <= inner[0]
        and outer[1] - slack <= inner[1]
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_word_lands_where_it_is_drawn_on_rotated_pages(tmp_path: Path, rotation: int) -> None:
    path = _one_word_page(tmp_path, rotation)
    (word,) = page_words(str(path), 0)
    ink = _ink_box(path, 0)
    box = (word.x0, word.y0, word.x1, word.y1)
    assert word.text == "HELLO"
    assert _contains(box, ink), (box, ink)
    assert words_in_box([word], ink, min_overlap=0.5) == [word]
    assert text_in_box([word], ink) == "HELLO"


def test_word_on_90_degree_a4_page_by_reasoning(tmp_path: Path) -> None:
    # Rotating A4 by 90° clockwise maps unrotated (x, y) to displayed (842 - y, x).
    path = _one_word_page(tmp_path, 90)
    doc = pymupdf.open(path)
    assert doc[0].rect == pymupdf.Rect(0, 0, 842, 595)
    ux0, uy0, ux1, uy1 = doc[0].get_text("words")[0][:4]
    (word,) = page_words(str(path), 0)
    assert word.x0 == pytest.approx(842 - uy1)
    assert word.x1 == pytest.approx(842 - uy0)
    assert word.y0 == pytest.approx(ux0)
    assert word.y1 == pytest.approx(ux1)
    assert word.x1 - word.x0 < word.y1 - word.y0  # the word now runs downwards


@pytest.mark.parametrize("rotation", [0, 90])
def test_word_is_cropbox_relative(tmp_path: Path, rotation: int) -> None:
    path = _one_word_page(tmp_path, rotation, pymupdf.Rect(100, 150, 450, 700))
    (word,) = page_words(str(path), 0)
    ink = _ink_box(path, 0)
    assert _contains((word.x0, word.y0, word.x1, word.y1), ink)
    if rotation == 0:
        assert word.x0 == pytest.approx(150 - 100, abs=3)


def test_plain_page_words_in_reading_order(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "alpha beta gamma")
    page.insert_text((72, 130), "delta epsilon")
    path = tmp_path / "plain.pdf"
    doc.save(path)
    words = page_words(str(path), 0)
    assert [w.text for w in words] == ["alpha", "beta", "gamma", "delta", "epsilon"]
    assert text_in_box(words, (0, 0, 600, 800)) == "alpha beta gamma\ndelta epsilon"
    beta = words[1]
    assert text_in_box(words, (beta.x0 - 1, beta.y0 - 1, beta.x1 + 1, beta.y1 + 1)) == "beta"


# --- pure box functions ------------------------------------------------------


def _w(x0: float, y0: float, x1: float, y1: float, text: str, line: int, index: int) -> Word:
    return Word(x0, y0, x1, y1, text, 0, line, index)


WORDS = [
    _w(10, 10, 30, 20, "one", 0, 0),
    _w(40, 10, 60, 20, "two", 0, 1),
    _w(10, 30, 30, 40, "three", 1, 0),
    _w(40, 30, 60, 40, "four", 1, 1),
]


def test_a_word_belongs_when_enough_of_it_is_inside() -> None:
    assert [w.text for w in words_in_box(WORDS, (0, 0, 45, 25))] == ["one"]  # 25% of "two"
    assert [w.text for w in words_in_box(WORDS, (0, 0, 55, 25))] == ["one", "two"]  # 75%
    assert [w.text for w in words_in_box(WORDS, (0, 0, 45, 25), 0.2)] == ["one", "two"]


def test_words_keep_reading_order_and_box_may_be_given_backwards() -> None:
    shuffled = list(reversed(WORDS))
    found = words_in_box(shuffled, (100, 100, 0, 0))
    assert [w.text for w in found] == ["one", "two", "three", "four"]


def test_text_in_box_joins_words_with_spaces_and_lines_with_newlines() -> None:
    assert text_in_box(WORDS, (0, 0, 100, 100)) == "one two\nthree four"
    assert text_in_box(WORDS, (35, 0, 100, 100)) == "two\nfour"
    assert text_in_box(WORDS, (200, 200, 300, 300)) == ""


def test_snap_box_is_the_union_of_covered_words() -> None:
    assert snap_box(WORDS, (5, 5, 65, 25)) == (10, 10, 60, 20)
    assert snap_box(WORDS, (0, 0, 100, 100)) == (10, 10, 60, 40)
    assert snap_box(WORDS, (200, 200, 300, 300)) is None


def test_zero_area_word_belongs_by_its_centre() -> None:
    flat = _w(10, 10, 10, 20, "|", 0, 0)
    assert words_in_box([flat], (0, 0, 20, 30)) == [flat]
    assert words_in_box([flat], (11, 0, 20, 30)) == []


def test_importing_words_does_not_import_pymupdf() -> None:
    code = "import sys, aal_desktop.pdf.words; print('pymupdf' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_height_index_finds_exactly_the_words_a_full_scan_finds() -> None:
    """PageWords (the words of a page with an index by height) answers every box as the
    plain list does: same words, same order, zero-area words and tall words included."""
    import random

    from aal_desktop.pdf.words import PageWords, Word, text_in_box, words_in_box

    rng = random.Random(13)
    words = []
    for i in range(800):
        x0, y0 = rng.uniform(0, 580), rng.uniform(0, 780)
        w, h = (
            rng.choice([0.0, rng.uniform(2, 60)]),
            rng.choice([0.0, rng.uniform(4, 14), rng.uniform(40, 200)]),
        )
        words.append(Word(x0, y0, x0 + w, y0 + h, f"w{i}", i // 40, i // 8, i % 8))
    indexed = PageWords(words)
    for _ in range(400):
        x0, y0 = rng.uniform(-20, 600), rng.uniform(-20, 800)
        box = (x0, y0, x0 + rng.uniform(0, 300), y0 + rng.uniform(0, 120))
        assert words_in_box(indexed, box) == words_in_box(words, box)
        assert text_in_box(indexed, box) == text_in_box(words, box)
    assert words_in_box(indexed, (0, 0, 600, 800), min_overlap=0.0) == words_in_box(
        words, (0, 0, 600, 800), min_overlap=0.0
    )
