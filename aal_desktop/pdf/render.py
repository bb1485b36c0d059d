"""Page rendering, run inside worker processes.

Images are in the page's displayed space (rotation applied, CropBox), the same
space as ``page.rect`` and as the stored region boxes.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aal_desktop.pdf import engine

if TYPE_CHECKING:
    import pymupdf

_CACHE_SIZE = 4
_documents: OrderedDict[tuple[str, int, int], pymupdf.Document] = OrderedDict()


@dataclass(frozen=True)
class RenderedPage:
    """An RGB image of a page (no alpha), ``stride`` bytes per row."""

    width: int
    height: int
    stride: int
    samples: bytes


def open_document(pdf_path: str) -> pymupdf.Document:
    """Open a document once per process, so paging through it does not reopen the file.

    The key includes size and modification time, so a replaced file is reopened.
    """
    pymupdf = engine.load()

    path = os.path.abspath(pdf_path)
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    doc = _documents.get(key)
    if doc is not None:
        _documents.move_to_end(key)
        return doc
    doc = pymupdf.open(path)
    _documents[key] = doc
    while len(_documents) > _CACHE_SIZE:
        _, old = _documents.popitem(last=False)
        old.close()
    return doc


def clear_cache() -> None:
    """Close every cached document (tests; or before a file is replaced on Windows)."""
    while _documents:
        _, doc = _documents.popitem()
        doc.close()


def render_page(pdf_path: str, page_number: int, zoom: float) -> RenderedPage:
    """Render one page (0-based) at ``zoom`` (1.0 = 72 dpi) as RGB bytes."""
    pymupdf = engine.load()

    page = open_document(pdf_path).load_page(page_number)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
    return RenderedPage(pix.width, pix.height, pix.stride, bytes(pix.samples))


def render_png(pdf_path: str, page_number: int, dpi: float, out_path: str) -> tuple[int, int]:
    """Write one page as a PNG at ``dpi``; return its (width, height) in pixels.

    The file is written under a temporary name and moved into place, so a killed
    worker never leaves half a PNG at ``out_path``.
    """
    pymupdf = engine.load()

    page = open_document(pdf_path).load_page(page_number)
    zoom = dpi / 72.0
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
    tmp_path = f"{out_path}.{os.getpid()}.tmp"
    try:
        pix.save(tmp_path, output="png")
        os.replace(tmp_path, out_path)
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
    return pix.width, pix.height
