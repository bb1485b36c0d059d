"""Save a picture of the window once the page and its regions are drawn (docs, checks).

Works offscreen (QT_QPA_PLATFORM=offscreen): the window is laid out at a fixed size, the
page is opened only then (so it is fitted and rendered once, at its final zoom), and the
capture waits for the canvas's pageReady, then briefly for the visible thumbnails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from ..core.errors import AalError
from .main_window import MainWindow

DEFAULT_SIZE = (1400, 900)
PAGE_TIMEOUT_S = 60.0
THUMBNAIL_GRACE_S = 8.0


class ScreenshotFailed(AalError):
    """The page could not be shown in time, or the picture could not be written."""


def pump(ms: int = 20) -> None:
    """Run the event loop for a moment (renders arrive as queued signals)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        pump()
    return True


def capture(
    window: MainWindow,
    out: Path | str,
    doc: str | int | None = None,
    page: int | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    timeout_s: float = PAGE_TIMEOUT_S,
) -> Path:
    """Show `doc`/`page` (0-based; default: where the window would open) and save a PNG.

    Raises ScreenshotFailed with a clear reason when the page fails or takes too long.
    """
    out = Path(out)
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    pump(10)
    if not window.open_initial(doc, page):
        raise ScreenshotFailed("the project has no documents to show (import one first)")
    canvas = window.canvas
    assert window.doc is not None
    where = f"page {window.page + 1} of document {window.doc.id} ({window.doc.filename})"
    ready = wait_until(lambda: canvas.is_ready() or canvas.failure() is not None, timeout_s)
    if canvas.failure() is not None:
        raise ScreenshotFailed(f"{where} could not be shown: {canvas.failure()}")
    if not ready:
        raise ScreenshotFailed(f"{where} was not drawn within {timeout_s:g} s")
    wait_until(lambda: window.thumbnails.pending() == 0, THUMBNAIL_GRACE_S)
    pump(20)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out), "PNG"):
        raise ScreenshotFailed(f"could not write {out}")
    return out
