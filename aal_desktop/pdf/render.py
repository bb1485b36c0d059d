"""Page rendering, run inside worker processes.

Images are in the page's displayed space (rotation applied, CropBox), the same
space as ``page.rect`` and as the stored region boxes.

Fast paths for the window (issue 16): each worker keeps the last few pages as MuPDF
display lists, so a page is interpreted once and every later render of it (sharper, or
another part) only rasterises; ``render_fit`` renders at the size the view shows first,
``render_area`` only the part of the page in view, and ``render_page`` sharpens after.

``render_screen`` is the window's render: four bytes a pixel in the layout the GUI paints
(``QImage.Format_RGB32``), so the image is drawn straight from the bytes that came down
the worker's pipe (out of band, see worker.py), with no conversion and no copy.
"""

from __future__ import annotations

import math
import os
import pickle
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aal_desktop.pdf import engine

if TYPE_CHECKING:
    import pymupdf

_CACHE_SIZE = 4
_LIST_CACHE_SIZE = 6
_DocKey = tuple[str, int, int]
_documents: OrderedDict[_DocKey, pymupdf.Document] = OrderedDict()
_lists: OrderedDict[tuple[_DocKey, int], tuple[pymupdf.DisplayList, float, float]] = OrderedDict()


RGB = "RGB"
"""Three bytes a pixel: R, G, B."""
BGRX = "BGRX"
"""Four bytes a pixel: B, G, R, 255 (a little-endian 0xffRRGGBB, ``QImage.Format_RGB32``)."""


@dataclass(frozen=True)
class RenderedPage:
    """An image of a page (no alpha), ``stride`` bytes per row, pixels as ``pixel_format``
    says (RGB unless asked otherwise).

    ``zoom`` is the scale it was rendered at (0 when unknown) and ``origin`` the page point
    (displayed space) at its top-left corner: (0, 0) unless only an area was rendered.
    Pickled with protocol 5, the pixels are a PickleBuffer: a worker sends them out of
    band, and the copy that arrives is a bytearray the result keeps.
    """

    width: int
    height: int
    stride: int
    samples: bytes | bytearray
    zoom: float = 0.0
    origin: tuple[float, float] = (0.0, 0.0)
    pixel_format: str = RGB

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        samples: Any = self.samples
        if isinstance(protocol, int) and protocol >= 5:
            samples = pickle.PickleBuffer(samples)
        fields = (self.width, self.height, self.stride, samples, self.zoom, self.origin)
        return (_rebuild, (*fields, self.pixel_format))


def _rebuild(
    width: int,
    height: int,
    stride: int,
    samples: Any,
    zoom: float,
    origin: tuple[float, float],
    pixel_format: str,
) -> RenderedPage:
    if isinstance(samples, memoryview):  # an out-of-band buffer sent read-only
        samples = samples.obj
    return RenderedPage(width, height, stride, samples, zoom, origin, pixel_format)


def _open(pdf_path: str) -> tuple[_DocKey, pymupdf.Document]:
    pymupdf = engine.load()

    path = os.path.abspath(pdf_path)
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    doc = _documents.get(key)
    if doc is not None:
        _documents.move_to_end(key)
        return key, doc
    doc = _open_file(pymupdf, path, stat.st_size)
    _documents[key] = doc
    while len(_documents) > _CACHE_SIZE:
        old_key, old = _documents.popitem(last=False)
        _forget_lists(old_key)
        old.close()
    return key, doc


# A file up to this size is read whole and opened from memory: MuPDF reads a long
# document's page tree (loaded on the first page asked for) about twice as fast so; a
# 1000-page one's first page ~5 ms sooner. At most _CACHE_SIZE of them stay open per worker.
IN_MEMORY = 16 << 20


def _open_file(pymupdf: Any, path: str, size: int) -> pymupdf.Document:
    if size <= IN_MEMORY:
        with open(path, "rb") as handle:
            data = handle.read()
        if b"%PDF-" in data[:1024]:
            return pymupdf.open(stream=data, filetype="pdf")
    return pymupdf.open(path)


def open_document(pdf_path: str) -> pymupdf.Document:
    """Open a document once per process, so paging through it does not reopen the file.

    The key includes size and modification time, so a replaced file is reopened.
    """
    return _open(pdf_path)[1]


def _forget_lists(key: _DocKey | None = None) -> None:
    for k in [k for k in _lists if key is None or k[0] == key]:
        del _lists[k]


def clear_cache() -> None:
    """Close every cached document (tests; or before a file is replaced on Windows)."""
    _forget_lists()
    while _documents:
        _, doc = _documents.popitem()
        doc.close()


def _display_list(pdf_path: str, page_number: int) -> tuple[pymupdf.DisplayList, float, float]:
    """The page as a MuPDF display list (interpreted once), with its displayed size."""
    key, doc = _open(pdf_path)
    entry = _lists.get((key, page_number))
    if entry is not None:
        _lists.move_to_end((key, page_number))
        return entry
    page = doc.load_page(page_number)
    entry = (page.get_displaylist(), float(page.rect.width), float(page.rect.height))
    _lists[(key, page_number)] = entry
    while len(_lists) > _LIST_CACHE_SIZE:
        _lists.popitem(last=False)
    return entry


def _rendered(
    pix: pymupdf.Pixmap, zoom: float, origin: tuple[float, float] = (0.0, 0.0)
) -> RenderedPage:
    return RenderedPage(pix.width, pix.height, pix.stride, bytes(pix.samples), zoom, origin)


def render_page(pdf_path: str, page_number: int, zoom: float) -> RenderedPage:
    """Render one page (0-based) at ``zoom`` (1.0 = 72 dpi) as RGB bytes."""
    pymupdf = engine.load()

    dl, _w, _h = _display_list(pdf_path, page_number)
    return _rendered(dl.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False), zoom)


def render_screen(pdf_path: str, page_number: int, zoom: float) -> RenderedPage:
    """``render_page`` for the window: pixels as BGRX (the GUI's own layout) on a
    little-endian machine, RGB elsewhere; the same colours either way."""
    if sys.byteorder != "little":
        return render_page(pdf_path, page_number, zoom)
    pymupdf = engine.load()
    mupdf = pymupdf.mupdf

    dl, _w, _h = _display_list(pdf_path, page_number)
    # as DisplayList.get_pixmap, but into a BGR pixmap with alpha, cleared to opaque white
    # (a 4th byte per pixel that stays 255); the same painters draw the same colours
    matrix = mupdf.FzMatrix(zoom, 0, 0, zoom, 0, 0)
    bbox = mupdf.fz_round_rect(
        mupdf.fz_transform_rect(mupdf.fz_bound_display_list(dl.this), matrix)
    )
    bgr = mupdf.FzColorspace(mupdf.FzColorspace.Fixed_BGR)
    pix = mupdf.fz_new_pixmap_with_bbox(bgr, bbox, mupdf.FzSeparations(), 1)
    mupdf.fz_clear_pixmap_with_value(pix, 0xFF)
    device = mupdf.fz_new_draw_device(matrix, pix)
    try:
        everything = mupdf.FzRect(mupdf.FzRect.Fixed_INFINITE)
        mupdf.fz_run_display_list(dl.this, device, mupdf.FzMatrix(), everything, mupdf.FzCookie())
    finally:
        mupdf.fz_close_device(device)
    samples = bytearray(mupdf.fz_pixmap_samples_memoryview(pix))
    width, height = mupdf.fz_pixmap_width(pix), mupdf.fz_pixmap_height(pix)
    stride = mupdf.fz_pixmap_stride(pix)
    return RenderedPage(width, height, stride, samples, zoom, pixel_format=BGRX)


def fit_zoom(page_width: float, page_height: float, width_px: int, height_px: int) -> float:
    """The largest zoom at which a page fits in width_px x height_px."""
    return max(min(width_px / page_width, height_px / page_height), 1e-3)


def render_fit(
    pdf_path: str, page_number: int, width_px: int, height_px: int, max_zoom: float | None = None
) -> RenderedPage:
    """The first look: the whole page at the size the view shows (fitting width_px x
    height_px, at most ``max_zoom``); sharpen later with ``render_page``, which reuses this
    page's display list."""
    pymupdf = engine.load()

    dl, w, h = _display_list(pdf_path, page_number)
    zoom = fit_zoom(w, h, width_px, height_px)
    if max_zoom is not None:
        zoom = min(zoom, max_zoom)
    return _rendered(dl.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False), zoom)


def render_area(
    pdf_path: str, page_number: int, zoom: float, clip: tuple[float, float, float, float]
) -> RenderedPage:
    """Only the part of the page in view: ``clip`` in page points (displayed space) at
    ``zoom``; ``origin`` of the result says where its top-left corner lies on the page."""
    pymupdf = engine.load()

    dl, w, h = _display_list(pdf_path, page_number)
    x0, y0 = max(0.0, min(clip[0], clip[2])), max(0.0, min(clip[1], clip[3]))
    x1, y1 = min(w, max(clip[0], clip[2])), min(h, max(clip[1], clip[3]))
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"the area {clip} is outside the page (0, 0, {w:g}, {h:g})")
    # whole pixels: the area's corners snap outwards to the zoomed pixel grid
    x0, y0 = math.floor(x0 * zoom) / zoom, math.floor(y0 * zoom) / zoom
    pix = dl.get_pixmap(
        matrix=pymupdf.Matrix(zoom, zoom), alpha=False, clip=pymupdf.Rect(x0, y0, x1, y1)
    )
    return _rendered(pix, zoom, (x0, y0))


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
