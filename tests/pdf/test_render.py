"""Rendering in displayed space, PNG export, and the per-process document cache."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from aal_desktop.pdf import render
from aal_desktop.pdf.render import RenderedPage, open_document, render_page, render_png
from aal_desktop.pdf.worker import WorkerProcess


def _pdf(tmp_path: Path, name: str = "doc.pdf", rotation: int = 0, crop: bool = False) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    # A black square at unrotated (100, 100)-(200, 200).
    page.draw_rect(pymupdf.Rect(100, 100, 200, 200), color=(0, 0, 0), fill=(0, 0, 0))
    if crop:
        page.set_cropbox(pymupdf.Rect(50, 60, 350, 460))
    page.set_rotation(rotation)
    path = tmp_path / name
    doc.save(path)
    return path


def _pixel(image: RenderedPage, x: int, y: int) -> tuple[int, int, int]:
    at = y * image.stride + x * 3
    return tuple(image.samples[at : at + 3])  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    render.clear_cache()


def test_render_page_gives_rgb_bytes_at_zoom(tmp_path: Path) -> None:
    image = render_page(str(_pdf(tmp_path)), 0, 2.0)
    assert (image.width, image.height) == (1190, 1684)
    assert image.stride == image.width * 3
    assert len(image.samples) == image.stride * image.height
    assert _pixel(image, 300, 300) == (0, 0, 0)  # inside the square at 2x
    assert _pixel(image, 100, 100) == (255, 255, 255)


def test_render_is_in_displayed_space_on_a_rotated_page(tmp_path: Path) -> None:
    image = render_page(str(_pdf(tmp_path, rotation=90)), 0, 1.0)
    assert (image.width, image.height) == (842, 595)
    # 90° clockwise: unrotated (x, y) shows at (842 - y, x); the square covers x 642..742.
    assert _pixel(image, 692, 150) == (0, 0, 0)
    assert _pixel(image, 150, 150) == (255, 255, 255)


def test_render_is_cropbox_relative(tmp_path: Path) -> None:
    image = render_page(str(_pdf(tmp_path, crop=True)), 0, 1.0)
    assert (image.width, image.height) == (300, 400)
    assert _pixel(image, 100, 90) == (0, 0, 0)  # (150, 150) minus the (50, 60) offset
    assert _pixel(image, 30, 30) == (255, 255, 255)


def test_render_png_writes_a_png_and_returns_its_size(tmp_path: Path) -> None:
    out = tmp_path / "page.png"
    size = render_png(str(_pdf(tmp_path)), 0, 144, str(out))
    assert size == (1190, 1684)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pymupdf.Pixmap(str(out)).width == 1190
    assert not list(tmp_path.glob("*.tmp"))


def test_documents_are_cached_per_process_up_to_four(tmp_path: Path) -> None:
    paths = [_pdf(tmp_path, f"d{i}.pdf") for i in range(5)]
    first = open_document(str(paths[0]))
    assert open_document(str(paths[0])) is first
    for path in paths[1:]:
        open_document(str(path))
    assert len(render._documents) == 4
    assert first.is_closed  # the least recently used one was closed
    assert open_document(str(paths[0])) is not first


def test_a_replaced_file_is_reopened(tmp_path: Path) -> None:
    path = _pdf(tmp_path)
    first = open_document(str(path))
    doc = pymupdf.open()
    doc.new_page()
    doc.new_page()
    doc.save(path)
    assert open_document(str(path)) is not first
    assert open_document(str(path)).page_count == 2


def test_render_runs_in_a_worker(tmp_path: Path) -> None:
    path = str(_pdf(tmp_path, rotation=270))
    with WorkerProcess() as worker:
        image = worker.call(render_page, path, 0, 0.5, timeout=60)
        again = worker.call(render_page, path, 0, 0.5, timeout=60)
    assert (image.width, image.height) == (421, 298)
    assert image == again


@pytest.mark.parametrize("in_memory", [16 << 20, 0])
def test_small_files_open_from_memory_large_ones_from_the_file_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: int
) -> None:
    """Read whole (a long page tree loads twice as fast from memory) or through the file
    past the bound: the same page either way, and a later change to the file is seen."""
    monkeypatch.setattr(render, "IN_MEMORY", in_memory)
    path = _pdf(tmp_path, rotation=90)
    doc = open_document(str(path))
    assert bool(doc.name) is (in_memory == 0)  # one opened from bytes has no file name
    image = render_page(str(path), 0, 1.0)
    assert (image.width, image.height) == (842, 595)
    assert _pixel(image, 842 - 150, 150) == (0, 0, 0)  # the square, turned with the page
    _pdf(tmp_path, crop=True)  # the same name, written again
    assert open_document(str(path))[0].cropbox == pymupdf.Rect(50, 60, 350, 460)
