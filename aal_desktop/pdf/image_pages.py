"""A page image wrapped as a one-page PDF, so pages without PDFs work like any document.

The page is the image's size (1 px = 1 pt) unless the original page size is known (DocLayNet
keeps it beside its 1025 × 1025 images): then the image is stretched over a page of that
size, which undoes the squash. The image's name and SHA-256 go into the PDF's metadata as
provenance. The bytes are deterministic (no dates, no random file id), so wrapping the same
image twice gives the same document. Runs in a worker process or directly.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

PRODUCER = "AAL Desktop (page image)"


@dataclass(frozen=True)
class WrappedImage:
    """The PDF written and the sizes it was made from."""

    pdf_path: str
    image_width: int
    image_height: int
    page_width: float
    page_height: float


def image_size(data: bytes) -> tuple[int, int]:
    """Pixel size of an image MuPDF can read; ValueError for anything else."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    try:
        pix = pymupdf.Pixmap(data)
    except Exception as exc:
        raise ValueError(f"not an image MuPDF can read ({exc})") from None
    return pix.width, pix.height


def wrap_image(
    data: bytes, name: str, sha256: str, out_path: str, page_size: tuple[float, float] | None = None
) -> WrappedImage:
    """Write `out_path`: one page showing the image edge to edge."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    iw, ih = image_size(data)
    pw, ph = page_size if page_size else (float(iw), float(ih))
    doc = pymupdf.open()
    page = doc.new_page(width=pw, height=ph)
    page.insert_image(page.rect, stream=data, keep_proportion=False)
    doc.set_metadata(
        {
            "title": name,
            "subject": f"page image {name}",
            "keywords": f"sha256:{sha256}",
            "creator": PRODUCER,
            "producer": PRODUCER,
            "creationDate": "",
            "modDate": "",
            "author": "",
            "trapped": "",
        }
    )
    folder = os.path.dirname(os.path.abspath(out_path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pdf", dir=folder)
    os.close(fd)
    try:
        doc.save(tmp, garbage=3, deflate=True, no_new_id=True)
        os.replace(tmp, out_path)
    finally:
        doc.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return WrappedImage(out_path, iw, ih, pw, ph)
