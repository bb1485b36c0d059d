"""What a foreign annotation file says, as typed values, before anything is converted.

Parsers fill these from one file each; the import service resolves the pages to documents
and converts the boxes to PDF points of the displayed page (`importers/frames.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import ValidationFailed

FORMATS = ("coco", "labelstudio", "cvat", "labelme", "pawls", "pagexml")
MAX_FILE_BYTES = 512 * 1024 * 1024

Corners = tuple[float, float, float, float]  # x0, y0, x1, y1 in the foreign frame


@dataclass(frozen=True)
class ForeignPage:
    """One page as the foreign file names it: an image, or a page of a PDF.

    `width`/`height` are the size of the frame the boxes are measured in (pixels of the
    image, or points for PAWLS); None when the file does not say (then the image or page
    itself gives it).
    """

    key: str  # unique in the file: COCO image id, image name, PAWLS page index...
    image_name: str | None = None  # the image file as the file names it (may be a path/URL)
    width: float | None = None
    height: float | None = None
    unit: str = "px"  # "px" (image pixels) or "pt" (PDF points, PAWLS)
    page_hint: int | None = None  # page number the file gives, as it counts (see page_base)
    page_base: int | None = None  # 0 or 1 when the format says how it counts; None: guess
    document_name: str | None = None  # PDF file name the page comes from (DocLayNet)
    document_sha256: str | None = None  # our own releases name the document by SHA-256
    page_size_pt: tuple[float, float] | None = None  # the original page size, when known
    embedded_image: bytes | None = None  # labelme's imageData


@dataclass(frozen=True)
class ForeignBox:
    """One annotation, reduced to an axis-aligned box in its page's frame.

    `reduced` says how the box was obtained when the source shape was not a box
    ("polygon → box", "rotated box → bounding box"); `skip` says why it cannot be imported
    at all ("not an area (line)", "empty"), in which case `box` may be None.
    """

    foreign_id: str
    page_key: str
    label: str
    box: Corners | None
    reduced: str | None = None
    skip: str | None = None
    reading_order: int | None = None
    parent_id: str | None = None  # a foreign id in the same file
    score: float | None = None
    annotator: str | None = None
    attributes: tuple[tuple[str, object], ...] = ()  # name, value as the file has them
    region_id: str | None = None  # a region UUID the file carries (our own releases)


@dataclass(frozen=True)
class ForeignFile:
    """One parsed annotation file: its pages and boxes, and what identifies it."""

    format: str
    path: Path
    sha256: str
    pages: tuple[ForeignPage, ...]
    boxes: tuple[ForeignBox, ...]
    notes: tuple[str, ...] = field(default=())  # what the parser could not carry over

    def labels(self) -> list[str]:
        """Labels used by boxes that could be imported, sorted for a stable report."""
        return sorted({b.label for b in self.boxes if b.skip is None})

    def page(self, key: str) -> ForeignPage | None:
        return next((p for p in self.pages if p.key == key), None)


def read_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes and SHA-256, refusing what no annotation file should be."""
    p = Path(path)
    if not p.is_file():
        raise ValidationFailed(f"{p}: no such annotation file")
    size = p.stat().st_size
    if size == 0:
        raise ValidationFailed(f"{p}: empty file")
    if size > MAX_FILE_BYTES:
        raise ValidationFailed(
            f"{p}: {size} bytes is larger than an annotation file can be here "
            f"({MAX_FILE_BYTES // 2**20} MB)"
        )
    data = p.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def number(value: object, what: str, source: Path) -> float:
    """A JSON/XML number, or a one-line error naming the file and the field."""
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationFailed(f"{source}: {what} is not a number ({value!r})") from None
    if out != out or out in (float("inf"), float("-inf")):
        raise ValidationFailed(f"{source}: {what} is not a finite number ({value!r})")
    return out
