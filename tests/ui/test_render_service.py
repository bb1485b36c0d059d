"""Rendering in worker processes: results, cache, time limits and failures."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aal_desktop.pdf.render import RenderedPage, render_page  # noqa: E402
from aal_desktop.ui.render_service import RenderService, zoom_bucket  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402


def hang_on_first_page(pdf_path: str, page: int, zoom: float) -> RenderedPage:
    """Stands for a real page that takes minutes to render."""
    if page == 0:
        time.sleep(120)
    return render_page(pdf_path, page, zoom)


@pytest.fixture
def service(qtbot):
    s = RenderService()
    yield s
    s.close()


def test_zoom_buckets_are_the_zoom_to_a_thousandth():
    assert zoom_bucket(1.5) == 1.5 and zoom_bucket(1.50049) == 1.5
    assert zoom_bucket(1.5006) == 1.501
    assert zoom_bucket(1000) == 16.0 and zoom_bucket(0) == 0.05


def test_renders_in_a_worker_then_answers_from_the_cache(qtbot, service, pdf: Path):
    with qtbot.waitSignal(service.rendered, timeout=30000) as blocker:
        key = service.request("sha", str(pdf), 1, 2.0)
    got_key, image = blocker.args
    assert got_key == key == ("sha", 1, 2.0)
    assert (image.width(), image.height()) == (1224, 1584)  # 612 x 792 pt at 2.0
    assert service.cached("sha", 1, 2.0) == image

    received = []
    service.rendered.connect(lambda k, im: received.append(k))
    service.request("sha", str(pdf), 1, 2.0)
    assert received == [key]  # emitted before request() returned: no worker involved
    assert service.best_cached("sha", 1, 3.0)[0] == key  # shown scaled at once


def test_a_damaged_page_is_reported_with_a_reason(qtbot, service, pdf: Path):
    with qtbot.waitSignal(service.failed, timeout=30000) as blocker:
        service.request("sha", str(pdf), 7, 1.0)  # the file has 3 pages
    assert blocker.args[1].startswith("damaged page:")
    assert service.failure("sha", 7) == blocker.args[1]


def test_a_render_past_its_time_limit_fails_and_the_next_page_still_renders(qtbot, pdf: Path):
    service = RenderService(render=hang_on_first_page, timeout=8.0, workers=1)
    try:
        service.warm_up()
        with qtbot.waitSignal(service.failed, timeout=60000) as blocker:
            service.request("sha", str(pdf), 0, 1.0)
        assert blocker.args == [("sha", 0, 1.0), "timed out after 8 s"]
        # the single worker was killed and replaced: page 2 renders on the new one
        with qtbot.waitSignal(service.rendered, timeout=60000) as blocker:
            service.request("sha", str(pdf), 1, 1.0)
        assert blocker.args[0] == ("sha", 1, 1.0)
    finally:
        service.close()


def test_the_cache_is_bounded_by_bytes(qtbot, tmp_path: Path):
    pdf = make_pdf(tmp_path / "five.pdf", pages=5)
    one_page = 612 * 792 * 4
    service = RenderService(cache_bytes=int(2.5 * one_page))
    try:
        for page in range(5):
            with qtbot.waitSignal(service.rendered, timeout=30000):
                service.request("sha", str(pdf), page, 1.0)
        assert service.cached_bytes() <= 2.5 * one_page
        assert service.cached("sha", 4, 1.0) is not None
        assert service.cached("sha", 0, 1.0) is None
    finally:
        service.close()


def test_visible_pages_go_before_prefetches(qtbot, tmp_path: Path):
    pdf = make_pdf(tmp_path / "six.pdf", pages=6)
    service = RenderService(workers=1)
    order: list[int] = []
    service.rendered.connect(lambda k, im: order.append(k[1]))
    try:
        service.request("sha", str(pdf), 0, 0.5)  # goes to the worker at once
        for page in (1, 2, 3):
            service.request("sha", str(pdf), page, 0.5, prefetch=True)
        service.request("sha", str(pdf), 5, 0.5)
        qtbot.waitUntil(lambda: len(order) == 5, timeout=60000)
        assert order[:2] == [0, 5]
    finally:
        service.close()


def hang_on_prefetched_page(pdf_path: str, page: int, zoom: float) -> RenderedPage:
    """Page 3 stands for a neighbour that takes minutes; every other page renders."""
    if page == 3:
        time.sleep(120)
    return render_page(pdf_path, page, zoom)


def test_a_page_asked_for_does_not_wait_for_a_slow_prefetch_and_background_work_is_niced(
    qtbot, tmp_path: Path
):
    pdf = make_pdf(tmp_path / "six.pdf", pages=6)
    service = RenderService(workers=2, render=hang_on_prefetched_page)
    rendered: list[int] = []
    service.rendered.connect(lambda k, im: rendered.append(k[1]))
    try:
        service.warm_up()
        service.request("sha", str(pdf), 3, 0.5, prefetch=True)  # hangs in the background
        service.request("sha", str(pdf), 4, 0.5, prefetch=True)  # waits behind it
        service.request_words(1, str(pdf), 2)  # so do the words
        service.request("sha", str(pdf), 1, 0.5)  # asked for: rendered at once
        qtbot.waitUntil(lambda: 1 in rendered, timeout=30000)
        assert 4 not in rendered and service.is_queued(("sha", 4, 0.5))
        if hasattr(os, "getpriority"):
            main = service._pool._workers[0].pid
            background = service._background._workers[0].pid
            assert main is not None and background is not None
            mine = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, main) == mine
            assert os.getpriority(os.PRIO_PROCESS, background) == min(mine + 10, 19)
    finally:
        service.close()


def test_screen_pixels_become_an_image_without_a_copy(qtbot):
    import sys

    from PySide6.QtGui import QImage

    from aal_desktop.ui.render_service import image_from_rendered

    if sys.byteorder != "little":
        pytest.skip("BGRX is the GUI's layout on little-endian machines")
    data = bytearray(b"\x10\x20\x30\xff" * 6)
    image = image_from_rendered(RenderedPage(3, 2, 12, data, 1.0, pixel_format="BGRX"))
    assert image.format() == QImage.Format.Format_RGB32 and image.pixel(2, 1) == 0xFF302010
    data[0:3] = b"\x00\x00\x00"  # the image is over the very buffer that arrived
    assert image.pixel(0, 0) == 0xFF000000
    rgb = image_from_rendered(RenderedPage(1, 1, 3, b"\x30\x20\x10"))
    assert rgb.format() == QImage.Format.Format_RGB32 and rgb.pixel(0, 0) == 0xFF302010
