"""From a foreign frame (image pixels, or points) to PDF points of the displayed page.

Our boxes live in the displayed space: rotation applied, origin at the CropBox's top-left
(`page.rect`). A page image made by pdf.js, poppler, PyMuPDF or a scanner of the printed page
shows that same space, so it maps by scaling alone, x and y separately (DocLayNet's
1025 × 1025 images squash both ways). A few tools render the page as stored, ignoring its
/Rotate: such an image has the unrotated page's shape, and is detected by that shape and
turned. Pure math, no PyMuPDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Corners

DISPLAYED = "displayed"
UNROTATED = "unrotated"
ASPECT_TOLERANCE = 0.02


@dataclass(frozen=True)
class PageGeometry:
    """The displayed size of the target page (points) and its /Rotate."""

    width: float
    height: float
    rotation: int = 0

    def unrotated_size(self) -> tuple[float, float]:
        if self.rotation % 180 == 90:
            return self.height, self.width
        return self.width, self.height


def _aspect_error(w: float, h: float, tw: float, th: float) -> float:
    return abs((w / h) / (tw / th) - 1.0)


def choose_frame(frame_w: float, frame_h: float, page: PageGeometry) -> str:
    """Which space an image of this size shows: the displayed page, unless only the
    unrotated page has its shape (a renderer that ignored /Rotate 90 or 270)."""
    if page.rotation % 180 != 90 or frame_w <= 0 or frame_h <= 0:
        return DISPLAYED
    shown = _aspect_error(frame_w, frame_h, page.width, page.height)
    stored = _aspect_error(frame_w, frame_h, *page.unrotated_size())
    if shown > ASPECT_TOLERANCE and stored <= ASPECT_TOLERANCE:
        return UNROTATED
    return DISPLAYED


def _rotate_point(x: float, y: float, rotation: int, uw: float, uh: float) -> tuple[float, float]:
    """A point of the unrotated page (top-left origin, CropBox-relative) in displayed space,
    the page turned clockwise by `rotation` (what PyMuPDF's page.rotation_matrix does)."""
    r = rotation % 360
    if r == 90:
        return uh - y, x
    if r == 180:
        return uw - x, uh - y
    if r == 270:
        return y, uw - x
    return x, y


def to_page_points(
    box: Corners, frame_w: float, frame_h: float, page: PageGeometry, frame: str = DISPLAYED
) -> Corners:
    """A box measured in a frame_w × frame_h frame, in points of the displayed page."""
    x0, y0, x1, y1 = box
    if frame == DISPLAYED:
        sx, sy = page.width / frame_w, page.height / frame_h
        return (x0 * sx, y0 * sy, x1 * sx, y1 * sy)
    uw, uh = page.unrotated_size()
    sx, sy = uw / frame_w, uh / frame_h
    a = _rotate_point(x0 * sx, y0 * sy, page.rotation, uw, uh)
    b = _rotate_point(x1 * sx, y1 * sy, page.rotation, uw, uh)
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def place_on_page(
    box: Corners, page: PageGeometry, min_side: float = 0.5
) -> tuple[Corners | None, str | None, bool]:
    """Clip a converted box to the page. Returns (box, skip reason, clipped?)."""
    x0, y0, x1, y1 = box
    if x1 - x0 < min_side or y1 - y0 < min_side:
        return None, "empty", False
    if x1 <= 0 or y1 <= 0 or x0 >= page.width or y0 >= page.height:
        return None, "outside the page", False
    cx0, cy0 = max(0.0, x0), max(0.0, y0)
    cx1, cy1 = min(page.width, x1), min(page.height, y1)
    if cx1 - cx0 < min_side or cy1 - cy0 < min_side:
        return None, "outside the page", False
    clipped = (cx0, cy0, cx1, cy1) != (x0, y0, x1, y1)
    # within half a point is rounding, not a box that crossed the edge
    far = max(-x0, -y0, x1 - page.width, y1 - page.height) > 0.5
    return (cx0, cy0, cx1, cy1), None, clipped and far
