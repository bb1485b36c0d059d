"""Words of a page in displayed space, cached in the database after first extraction."""

from __future__ import annotations

from collections import OrderedDict

from ..core.geometry import Box
from ..pdf.words import PageWords, Word, snap_box, text_in_box
from ..store import page_words as word_rows
from ..store.db import transaction
from .project import Project

MEMO_PAGES = 64


def page_words(project: Project, document_id: int, sha256: str, page: int) -> list[Word] | None:
    """The page's words, from the cache or extracted once (None if extraction failed).

    Words of a page never change (the managed PDF is immutable), so the parsed list is also
    kept in memory for the pages used last: pre-labelling asks for one page per region.
    """
    memo: OrderedDict[tuple[int, int], list[Word]] = project.cache.setdefault(
        "words", OrderedDict()
    )
    key = (document_id, page)
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    stored = word_rows.get(project.db, document_id, page)
    if stored is not None:
        words = [Word(*w) for w in stored]
        _remember(memo, key, words)
        return memo[key]
    from ..pdf import words as pdf_words

    try:
        words = project.pdf_call(pdf_words.page_words, str(project.pdf_path(sha256)), page)
    except Exception:
        return None  # a page MuPDF cannot read has no text; the region still saves
    _store(project, document_id, page, words)
    _remember(memo, key, words)
    return memo[key]


def has_words(project: Project, document_id: int, page: int) -> bool:
    """Whether the page's words are already extracted (in memory or in the database)."""
    if (document_id, page) in project.cache.get("words", {}):
        return True
    return word_rows.exists(project.db, document_id, page)


def remember_words(project: Project, document_id: int, page: int, words: list[Word]) -> None:
    """Keep words extracted elsewhere (the window's render workers, while the page is looked
    at), so the first box drawn there does not wait for an extraction."""
    if not has_words(project, document_id, page):
        _store(project, document_id, page, words)


def _store(project: Project, document_id: int, page: int, words: list[Word]) -> None:
    with transaction(project.db):
        word_rows.put(
            project.db,
            document_id,
            page,
            [[w.x0, w.y0, w.x1, w.y1, w.text, w.block, w.line, w.index] for w in words],
        )


def _remember(
    memo: OrderedDict[tuple[int, int], list[Word]], key: tuple[int, int], words: list[Word]
) -> None:
    memo[key] = words if isinstance(words, PageWords) else PageWords(words)
    while len(memo) > MEMO_PAGES:
        memo.popitem(last=False)


def text_under(project: Project, document_id: int, sha256: str, page: int, box: Box) -> str | None:
    words = page_words(project, document_id, sha256, page)
    return None if words is None else text_in_box(words, (box.x0, box.y0, box.x1, box.y1))


def snapped(project: Project, document_id: int, sha256: str, page: int, box: Box) -> Box:
    """The box shrunk to the union of the words it covers; unchanged when it covers none."""
    words = page_words(project, document_id, sha256, page)
    if not words:
        return box
    s = snap_box(words, (box.x0, box.y0, box.x1, box.y1))
    return box if s is None else Box(*s)
