"""Page geometry of a whole document as one packed array, not one object per page.

Import reads every page's size, rotation, MediaBox and CropBox in a worker process and
sends them to the parent. For a 1,000-page file, a thousand small objects cost more to
build, pickle and unpickle than the reading itself (issue 16); `PackedPages` holds them
as one `array('d')` (bytes on the pipe) and makes a `PageInfo` only when one is asked for.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

Rect = tuple[float, float, float, float]
FIELDS = 11  # width, height, rotation, mediabox (4), cropbox (4)
LETTER: Rect = (0.0, 0.0, 612.0, 792.0)


@dataclass(frozen=True)
class PageInfo:
    """Geometry of one page; width/height are ``page.rect`` (displayed space)."""

    number: int
    width: float
    height: float
    rotation: int
    mediabox: Rect
    cropbox: Rect


def _positive(r: Rect | None) -> Rect | None:
    if r is None:
        return None
    x0, x1 = sorted((r[0], r[2]))
    y0, y1 = sorted((r[1], r[3]))
    return None if x1 - x0 <= 0 or y1 - y0 <= 0 else (x0, y0, x1, y1)


def from_page_keys(media: Rect | None, crop: Rect | None, rotate: int) -> tuple[float, ...]:
    """A page's packed values from its (inherited) MediaBox, CropBox and Rotate keys, as
    MuPDF computes them: boxes normalised, CropBox clipped to the MediaBox, rotation a
    multiple of 90, and PyMuPDF's ``page.cropbox`` (top-left origin inside the MediaBox)."""
    mb = _positive(media) or LETTER
    cb = _positive(crop)
    if cb is not None:
        cb = (max(cb[0], mb[0]), max(cb[1], mb[1]), min(cb[2], mb[2]), min(cb[3], mb[3]))
        if cb[2] - cb[0] <= 0 or cb[3] - cb[1] <= 0:
            cb = None
    cb = cb or mb
    rotation = int(rotate) % 360
    if rotation % 90:
        rotation = 0
    w, h = cb[2] - cb[0], cb[3] - cb[1]
    if rotation in (90, 270):
        w, h = h, w
    return (w, h, float(rotation), *mb, cb[0], mb[3] - cb[3], cb[2], mb[3] - cb[1])


def _box_text(values: Sequence[float]) -> str:
    """A box as the pages table stores it (the same spelling as ``repr`` of each float)."""
    return "[%r,%r,%r,%r]" % tuple(values)  # noqa: UP031 - four reprs, fast


class PackedPages(Sequence[PageInfo]):
    """Every page's geometry, FIELDS numbers a page, in page order."""

    __slots__ = ("values",)

    def __init__(self, values: array[float] | Sequence[float] = ()) -> None:
        self.values = values if isinstance(values, array) else array("d", values)
        if len(self.values) % FIELDS:
            raise ValueError(f"packed page geometry must hold {FIELDS} numbers a page")

    @classmethod
    def of(cls, pages: Sequence[PageInfo]) -> PackedPages:
        """Pack PageInfo records (numbered 0, 1, ... in order)."""
        values = array("d")
        for i, p in enumerate(pages):
            if p.number != i:
                raise ValueError(f"page {p.number} is out of order (expected {i})")
            values.extend((p.width, p.height, float(p.rotation), *p.mediabox, *p.cropbox))
        return cls(values)

    def __len__(self) -> int:
        return len(self.values) // FIELDS

    def _page(self, i: int) -> PageInfo:
        v = self.values[i * FIELDS : (i + 1) * FIELDS]
        return PageInfo(
            i, v[0], v[1], int(v[2]), (v[3], v[4], v[5], v[6]), (v[7], v[8], v[9], v[10])
        )

    @overload
    def __getitem__(self, index: int) -> PageInfo: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[PageInfo, ...]: ...

    def __getitem__(self, index: int | slice) -> PageInfo | tuple[PageInfo, ...]:
        if isinstance(index, slice):
            return tuple(self._page(i) for i in range(*index.indices(len(self))))
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("page index out of range")
        return self._page(i)

    def __iter__(self) -> Iterator[PageInfo]:
        return (self._page(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedPages):
            return self.values == other.values
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedPages({len(self)} pages)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedPages, (self.values,))

    def runs(self) -> list[tuple[int, int, float, float, int, str, str]]:
        """Consecutive pages of equal geometry as (first page, count, width, height,
        rotation, mediabox, cropbox): most documents are a handful of runs, stored with a
        statement each instead of a row object a page (`store.documents.insert_page_runs`)."""
        v = self.values
        out: list[tuple[int, int, float, float, int, str, str]] = []
        previous: array[float] | None = None
        first = 0
        for i, o in enumerate(range(0, len(v), FIELDS)):
            page = v[o : o + FIELDS]
            if page != previous:
                if previous is not None:
                    out.append(_run(first, i - first, previous))
                previous, first = page, i
        if previous is not None:
            out.append(_run(first, len(self) - first, previous))
        return out


def _run(first: int, count: int, v: array[float]) -> tuple[int, int, float, float, int, str, str]:
    return (first, count, v[0], v[1], int(v[2]), _box_text(v[3:7]), _box_text(v[7:11]))
