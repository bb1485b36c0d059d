"""Page images for the window, rendered in worker PROCESSES and cached as QImages.

PyMuPDF holds the GIL while it renders and some real pages take minutes, so a render in
a thread of the GUI process would freeze the window. Renders go to a small WorkerPool of
child processes; a render past its time limit is killed (its worker is replaced on the
next call) and reported as failed. Only as many jobs as there are workers are handed to
the pool; the rest wait here, newest visible request first, so paging quickly never
leaves the window waiting behind stale pages.

A page someone waits for comes back the short way (issue: the cold page took twice a
plain render): rendered as BGRX, the GUI's own pixel layout (`render_screen`), sent out of
band down the pipe into a bytearray, read by this thread's event loop as soon as the pipe
is readable (LoopWorkerPool), and drawn from that very buffer: no pickling of the pixels,
no conversion, no copy, no thread to wake.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import itertools
import math
import pkgutil
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from ..pdf import words as pdf_words
from ..pdf.render import BGRX, RenderedPage, render_screen
from ..pdf.worker import WorkerCrashed, WorkerError, WorkerPool, WorkerTimeout
from .loop_pool import LoopWorkerPool


def pin_python_singletons() -> None:
    """Work around PySide6 6.12 on Python 3.11: void calls return None (and Signal.emit a
    bool) without a new reference. That is harmless where those objects are immortal
    (3.12+), but here None's count drops by one per call and the process aborts
    ("deallocating None") after a few thousand calls. Give None, True and False a count
    no program can use up. Idempotent enough: run once per process at import."""
    import PySide6

    if (
        sys.version_info >= (3, 12)
        or not PySide6.__version__.startswith("6.12.")
        or getattr(sys, "_aal_singletons_pinned", False)
    ):
        return  # pyproject keeps PySide6 below 6.12; this guards installs that ignore it
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40  # ob_refcnt comes first
    sys._aal_singletons_pinned = True  # type: ignore[attr-defined]


pin_python_singletons()

RenderKey = tuple[str, int, float]  # (sha256, page 0-based, zoom bucket)
RenderFunc = Callable[[str, int, float], RenderedPage]

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
DEFAULT_WORKERS = 2
BACKGROUND_NICE = 10  # the background worker's niceness (Unix): it yields the CPU
MAX_PENDING_PREFETCH = 8
MIN_ZOOM = 0.05
MAX_ZOOM = 16.0


def zoom_bucket(zoom: float) -> float:
    """The zoom a page is rendered and cached at: the asked zoom to 1/1000.

    Exact rather than coarse steps, so the image is drawn 1:1 on screen (no resampling,
    which costs more than the render itself); a page cached at another zoom is still
    shown at once, scaled (`best_cached`), while the exact one renders.
    """
    return round(min(max(float(zoom), MIN_ZOOM), MAX_ZOOM), 3)


def image_from_rendered(page: RenderedPage) -> QImage:
    """A QImage of the page in the format fastest to paint (RGB32).

    BGRX pixels (`render_screen`) are that format already: the image is built over the
    buffer they arrived in, which it keeps alive, with no copy. RGB pixels are converted
    into a QImage that owns its own copy."""
    size = (page.width, page.height, page.stride)
    if page.pixel_format == BGRX:
        image = QImage(page.samples, *size, QImage.Format.Format_RGB32)
        # over a bytearray the image is writable and keeps it; over bytes, it owns a copy
        return image if isinstance(page.samples, bytearray) else image.copy()
    image = QImage(page.samples, *size, QImage.Format.Format_RGB888)
    return image.convertToFormat(QImage.Format.Format_RGB32)  # a copy, and faster to paint


def failure_reason(exc: BaseException, timeout: float) -> str:
    """What a person should read on the page when its render failed."""
    if isinstance(exc, WorkerTimeout):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, WorkerCrashed):
        return f"the renderer crashed ({exc})"
    if isinstance(exc, WorkerError):
        return f"damaged page: {exc.message or exc.type_name}"
    if isinstance(exc, concurrent.futures.CancelledError):
        return "render cancelled"
    return f"render failed: {exc}"


@dataclass
class _Job:
    key: RenderKey
    pdf_path: str
    prefetch: bool
    seq: int


class RenderService(QObject):
    """Renders pages in worker processes; emits `rendered`/`failed` on the GUI thread."""

    rendered = Signal(object, QImage)  # key=(sha256, page, zoom_bucket)
    failed = Signal(object, str)  # key, human reason

    # From the pool's threads to the GUI thread. Never send None through a queued
    # `object` argument: PySide6 miscounts its references and the process dies.
    _succeeded = Signal(object, QImage)
    _failed_in_worker = Signal(object, str)
    # (document_id, page), list[Word]: a page's words extracted in a worker (request_words)
    wordsReady = Signal(object, object)
    _words_in_worker = Signal(object, object)
    _words_failed = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        render: RenderFunc = render_screen,
        workers: int = DEFAULT_WORKERS,
        timeout: float = DEFAULT_TIMEOUT_S,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        super().__init__(parent)
        self._render = render
        self.timeout = timeout
        self.workers = max(1, workers)
        self.cache_bytes = cache_bytes
        # pages someone asked for go to `_pool`; prefetches, thumbnails and words to
        # `_background`, whose worker runs niced: on a busy machine (two cores, the window,
        # two renders) a neighbour's prefetch made the page being waited for twice as slow.
        # `_pool`'s replies are read by this thread's event loop (loop_pool.py), so a page
        # reaches the screen without waking a thread for it
        self._pool: WorkerPool | LoopWorkerPool
        if self.workers >= 2:
            if sys.platform == "win32":
                self._pool = WorkerPool(self.workers - 1)
            else:
                self._pool = LoopWorkerPool(self.workers - 1, self)
            self._background = WorkerPool(1, nice=BACKGROUND_NICE)
        else:
            self._pool = self._background = WorkerPool(1)
        self._cache: OrderedDict[RenderKey, QImage] = OrderedDict()
        self._cached_bytes = 0
        self._failures: dict[tuple[str, int], str] = {}
        self._pending: dict[RenderKey, _Job] = {}
        self._inflight: dict[RenderKey, concurrent.futures.Future[Any]] = {}
        self._seq = itertools.count()
        self._closed = False
        self._succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self._failed_in_worker.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._words_in_worker.connect(self._on_words, Qt.ConnectionType.QueuedConnection)
        self._words_failed.connect(self._on_words_failed, Qt.ConnectionType.QueuedConnection)
        self._words_asked: set[tuple[int, int]] = set()
        self._words_pending: dict[tuple[int, int], str] = {}  # (document, page) -> pdf path
        self._words_inflight = 0
        self._prefetching: set[RenderKey] = set()  # in-flight renders that are prefetches

    # --- public API ---------------------------------------------------------------------

    def request(
        self, sha256: str, pdf_path: str, page: int, zoom: float, prefetch: bool = False
    ) -> RenderKey:
        """Ask for a page image; returns its key. A cached image (or a known failure) is
        emitted at once, before this returns; otherwise a worker renders it."""
        key: RenderKey = (sha256, page, zoom_bucket(zoom))
        if self._closed:
            return key
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
            if not prefetch:
                self.rendered.emit(key, image)
            return key
        reason = self._failures.get((sha256, page))
        if reason is not None:
            if not prefetch:
                self.failed.emit(key, reason)
            return key
        if key in self._inflight:
            return key
        job = self._pending.get(key)
        if job is None:
            self._pending[key] = _Job(key, str(pdf_path), prefetch, next(self._seq))
            self._trim_prefetch()
        else:
            job.seq = next(self._seq)
            job.prefetch = job.prefetch and prefetch
        self._pump()
        return key

    def request_words(self, document_id: int, pdf_path: str, page: int) -> None:
        """Extract a page's words in a worker; `wordsReady` brings them (a failure is
        dropped: whoever needs them extracts them then, and says why it could not)."""
        key = (document_id, page)
        if self._closed or key in self._words_asked:
            return
        self._words_asked.add(key)
        self._words_pending[key] = pdf_path
        self._pump()

    def _words_done(self, key: tuple[int, int], future: concurrent.futures.Future[Any]) -> None:
        """Runs in a pool thread."""
        if self._closed:
            return
        if future.cancelled() or future.exception() is not None:
            self._words_failed.emit(key)
            return
        self._words_in_worker.emit(key, list(future.result()))

    @Slot(object, object)
    def _on_words(self, key: tuple[int, int], words: list[Any]) -> None:
        if self._closed:
            return
        self._words_inflight -= 1
        self.wordsReady.emit(key, words)
        self._pump()

    @Slot(object)
    def _on_words_failed(self, key: tuple[int, int]) -> None:
        if not self._closed:
            self._words_inflight -= 1
            self._pump()

    def cached(self, sha256: str, page: int, zoom: float) -> QImage | None:
        """The image at this zoom's bucket, if it has been rendered."""
        return self._cache.get((sha256, page, zoom_bucket(zoom)))

    def best_cached(self, sha256: str, page: int, zoom: float) -> tuple[RenderKey, QImage] | None:
        """The cached image of this page closest to `zoom` (any zoom): shown scaled at once
        while the sharp one renders."""
        best: tuple[float, RenderKey, QImage] | None = None
        for key, image in self._cache.items():
            if key[0] == sha256 and key[1] == page:
                distance = abs(math.log2(key[2] / max(zoom, MIN_ZOOM)))
                if key[2] < zoom:
                    distance += 0.01  # prefer a sharper image on a tie
                if best is None or distance < best[0]:
                    best = (distance, key, image)
        return None if best is None else (best[1], best[2])

    def failure(self, sha256: str, page: int) -> str | None:
        """Why this page could not be rendered, if it failed before."""
        return self._failures.get((sha256, page))

    def forget_failure(self, sha256: str, page: int) -> None:
        """Let the next request try this page again (a failure is remembered otherwise, so
        coming back to a pathological page does not tie up a worker for the full limit)."""
        self._failures.pop((sha256, page), None)

    def is_queued(self, key: RenderKey) -> bool:
        """Asked for but waiting for a free worker."""
        return key in self._pending

    def cancel(self, key: RenderKey) -> None:
        """Forget a request that has not reached a worker yet (the page is no longer wanted)."""
        self._pending.pop(key, None)

    def cancel_pending(self, keep: set[RenderKey] | None = None) -> None:
        """Forget every request not yet handed to a worker, except those in `keep`."""
        for key in list(self._pending):
            if keep is None or key not in keep:
                del self._pending[key]

    def is_busy(self) -> bool:
        return bool(self._pending or self._inflight)

    def warm_up(self, count: int | None = None) -> None:
        """Start the workers and import PyMuPDF in them now (about a second each), so the
        first page does not wait for it."""
        if self._closed:
            return
        pools = [self._pool] if self._background is self._pool else [self._pool, self._background]
        for pool in pools:
            for _ in range(pool.size if count is None else min(count, pool.size)):
                pool.submit(pkgutil.resolve_name, "pymupdf:VersionBind", timeout=60.0)

    def cached_bytes(self) -> int:
        return self._cached_bytes

    def close(self) -> None:
        """Kill the workers; pending and running renders are dropped."""
        if self._closed:
            return
        self._closed = True
        self._pending.clear()
        for future in self._inflight.values():
            future.cancel()
        self._inflight.clear()
        self._prefetching.clear()
        self._words_pending.clear()
        self._pool.close()
        if self._background is not self._pool:
            self._background.close()
        self._cache.clear()
        self._cached_bytes = 0

    # --- scheduling ---------------------------------------------------------------------

    def _trim_prefetch(self) -> None:
        prefetches = sorted((j for j in self._pending.values() if j.prefetch), key=lambda j: j.seq)
        for job in prefetches[:-MAX_PENDING_PREFETCH]:
            del self._pending[job.key]

    def _pump(self) -> None:
        """Hand jobs to the workers while one is free: pages asked for first (newest first)
        to the main pool; prefetches, then words, to the background pool. With one worker
        both share it, and background work never takes it while a page is waited for."""
        shared = self._background is self._pool
        while not self._closed:
            visible = len(self._inflight) - len(self._prefetching)
            background = len(self._prefetching) + self._words_inflight
            asked = [j for j in self._pending.values() if not j.prefetch]
            if asked and (visible + background if shared else visible) < self._pool.size:
                self._submit(max(asked, key=lambda j: j.seq), self._pool)
                continue
            if (visible + background if shared else background) >= self._background.size or (
                shared and asked
            ):
                return
            prefetches = [j for j in self._pending.values() if j.prefetch]
            if prefetches:
                job = max(prefetches, key=lambda j: j.seq)
                self._submit(job, self._background)
                self._prefetching.add(job.key)
            elif self._words_pending:
                key, path = self._words_pending.popitem()  # the page asked for last
                self._words_inflight += 1
                words = self._background.submit(
                    pdf_words.page_words, path, key[1], timeout=self.timeout
                )
                words.add_done_callback(partial(self._words_done, key))
            else:
                return

    def _submit(self, job: _Job, pool: WorkerPool | LoopWorkerPool) -> None:
        del self._pending[job.key]
        _sha, page, zoom = job.key
        future = pool.submit(self._render, job.pdf_path, page, zoom, timeout=self.timeout)
        self._inflight[job.key] = future
        here = isinstance(pool, LoopWorkerPool)  # its futures complete on this thread
        future.add_done_callback(partial(self._on_done, job.key, here))

    def _on_done(self, key: RenderKey, here: bool, future: concurrent.futures.Future[Any]) -> None:
        """Build the QImage where the reply arrived (a pool thread, or the GUI thread when
        `here`), and hand it to the GUI thread (at once when it is there already)."""
        if self._closed:
            return
        try:
            result = future.result()
            image = image_from_rendered(result)
        except BaseException as exc:  # every failure becomes a reason on the page
            reason = failure_reason(exc, self.timeout)
            if here:
                self._on_failed(key, reason)
            else:
                self._failed_in_worker.emit(key, reason)
            return
        if here:
            self._on_succeeded(key, image)
        else:
            self._succeeded.emit(key, image)

    @Slot(object, QImage)
    def _on_succeeded(self, key: RenderKey, image: QImage) -> None:
        if self._closed:
            return
        self._inflight.pop(key, None)
        self._prefetching.discard(key)
        self._store(key, image)
        self.rendered.emit(key, image)
        self._pump()

    @Slot(object, str)
    def _on_failed(self, key: RenderKey, reason: str) -> None:
        if self._closed:
            return
        self._inflight.pop(key, None)
        self._prefetching.discard(key)
        reason = reason or "render failed"
        self._failures[(key[0], key[1])] = reason
        if reason.startswith("timed out"):
            self.warm_up(1)  # the killed worker's replacement imports PyMuPDF now
        self.failed.emit(key, reason)
        self._pump()

    def _store(self, key: RenderKey, image: QImage) -> None:
        old = self._cache.pop(key, None)
        if old is not None:
            self._cached_bytes -= old.sizeInBytes()
        self._cache[key] = image
        self._cached_bytes += image.sizeInBytes()
        while self._cached_bytes > self.cache_bytes and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cached_bytes -= evicted.sizeInBytes()
