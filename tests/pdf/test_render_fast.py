"""The window's fast render paths: the visible size first, only the area in view, and a
sharper render later from the same display list, all matching a plain get_pixmap."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from aal_desktop.pdf import render
from aal_desktop.pdf.render import RenderedPage, render_area, render_fit, render_page
from aal_desktop.pdf.worker import WorkerProcess

from .test_render import _pdf, _pixel


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    render.clear_cache()


def _plain(path: Path, zoom: float, clip: pymupdf.Rect | None = None) -> pymupdf.Pixmap:
    with pymupdf.open(path) as doc:
        return doc[0].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False, clip=clip)


@pytest.mark.parametrize("rotation, crop", [(0, False), (90, True), (270, False)])
def test_render_page_matches_a_plain_get_pixmap(tmp_path: Path, rotation: int, crop: bool) -> None:
    path = _pdf(tmp_path, rotation=rotation, crop=crop)
    mine = render_page(str(path), 0, 1.5)
    plain = _plain(path, 1.5)
    assert (mine.width, mine.height, mine.stride) == (plain.width, plain.height, plain.stride)
    assert mine.samples == bytes(plain.samples)
    assert mine.zoom == 1.5 and mine.origin == (0.0, 0.0)


def test_render_fit_gives_the_visible_size_then_sharpens_from_the_same_list(tmp_path: Path) -> None:
    path = _pdf(tmp_path)  # 595 x 842 points
    first = render_fit(str(path), 0, 400, 400)
    assert first.height == 400 and first.width == round(595 * 400 / 842)
    assert first.zoom == pytest.approx(400 / 842)
    assert len(render._lists) == 1
    sharp = render_page(str(path), 0, 2.0)
    assert len(render._lists) == 1  # the page was interpreted once
    assert (sharp.width, sharp.height) == (1190, 1684)
    assert _pixel(sharp, 300, 300) == (0, 0, 0)  # the black square at (100,100)-(200,200)
    assert render_fit(str(path), 0, 4000, 4000, max_zoom=1.0).width == 595


def test_render_area_is_the_part_of_the_page_in_view(tmp_path: Path) -> None:
    path = _pdf(tmp_path)
    area = render_area(str(path), 0, 2.0, (90.3, 90.7, 210, 230))
    assert area.origin == (90.0, 90.5)  # snapped outwards to whole pixels at zoom 2
    assert _pixel(area, 40, 40) == (0, 0, 0)  # page point (110, 110.5): inside the square
    assert _pixel(area, 5, 5) == (255, 255, 255)  # (92.5, 93): outside it
    plain = _plain(path, 2.0, pymupdf.Rect(90.0, 90.5, 210, 230))
    assert (area.width, area.height) == (plain.width, plain.height)
    assert area.samples == bytes(plain.samples)
    with pytest.raises(ValueError):
        render_area(str(path), 0, 1.0, (700, 900, 800, 1000))


def test_fast_paths_run_in_a_worker(tmp_path: Path) -> None:
    path = str(_pdf(tmp_path))
    with WorkerProcess("test-fast-render", preload="lean") as worker:
        first = worker.call(render_fit, path, 0, 300, 300, timeout=60)
        sharp = worker.call(render_page, path, 0, 1.0, timeout=60)
    assert isinstance(first, RenderedPage) and first.height == 300
    assert (sharp.width, sharp.height) == (595, 842)


@pytest.mark.parametrize("rotation, crop", [(0, False), (90, True)])
def test_render_screen_is_render_page_as_bgrx(tmp_path: Path, rotation: int, crop: bool) -> None:
    import sys

    from aal_desktop.pdf.render import render_screen

    path = str(_pdf(tmp_path, rotation=rotation, crop=crop))
    rgb, screen = render_page(path, 0, 1.5), render_screen(path, 0, 1.5)
    assert (screen.width, screen.height, screen.zoom) == (rgb.width, rgb.height, 1.5)
    if sys.byteorder != "little":
        assert screen.pixel_format == "RGB"
        return
    assert screen.pixel_format == "BGRX" and screen.stride == 4 * screen.width
    n = screen.width * screen.height
    back, bgrx = bytearray(3 * n), screen.samples
    back[0::3], back[1::3], back[2::3] = bgrx[2::4], bgrx[1::4], bgrx[0::4]
    assert bytes(back) == rgb.samples  # the same colours
    assert screen.samples[3::4] == b"\xff" * n
