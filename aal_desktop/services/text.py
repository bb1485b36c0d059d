"""Words of a page in displayed space, cached in the database after first extraction."""

from __future__ import annotations

import json

from ..core.geometry import Box
from ..pdf.words import Word, snap_box, text_in_box
from ..store.db import transaction
from .project import Project


def page_words(project: Project, document_id: int, sha256: str, page: int) -> list[Word] | None:
    """The page's words, from the cache or extracted once (None if extraction failed)."""
    row = project.db.execute(
        "SELECT words FROM page_words WHERE document_id = ? AND page = ?", [document_id, page]
    ).fetchone()
    if row is not None:
        return [Word(*w) for w in json.loads(row[0])]
    from ..pdf import words as pdf_words

    try:
        words = project.pdf_call(pdf_words.page_words, str(project.pdf_path(sha256)), page)
    except Exception:
        return None  # a page MuPDF cannot read has no text; the region still saves
    payload = json.dumps([[w.x0, w.y0, w.x1, w.y1, w.text, w.block, w.line, w.index]
                          for w in words], separators=(",", ":"))
    with transaction(project.db):
        project.db.execute(
            "INSERT OR REPLACE INTO page_words (document_id, page, words) VALUES (?,?,?)",
            [document_id, page, payload],
        )
    return words


def text_under(project: Project, document_id: int, sha256: str, page: int, box: Box) -> str | None:
    words = page_words(project, document_id, sha256, page)
    return None if words is None else text_in_box(words, tuple(box))


def snapped(project: Project, document_id: int, sha256: str, page: int, box: Box) -> Box:
    """The box shrunk to the union of the words it covers; unchanged when it covers none."""
    words = page_words(project, document_id, sha256, page)
    if not words:
        return box
    s = snap_box(words, tuple(box))
    return box if s is None else Box(*s)
