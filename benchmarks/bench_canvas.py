"""How quickly the canvas shows a page, against a bare in-process PyMuPDF render (issue 9).

page_display_vs_raw_render: from `PageCanvas.show_page()` until `pageReady` (image and
regions on the scene), for real corpus pages, divided by `page.get_pixmap()` of the same
page at the same zoom in this process (document already open). The main value is the
common case of paging forward: the next page was prefetched while the current one was
read. The cold case (nothing cached, render in a worker process and sent back) is in the
note.

scene_2000_regions_ms: `show_page()` to `pageReady` (emitted after the first paint), for a
page holding 2,000 regions (value) against the same page with none (baseline); the image
is cached in both, so this is the scene's own cost: a first look at the page's regions
(read, grouped, drawn). scene_10000_regions_vs_empty is the same with 10,000 regions, and
scene_10000_revisit_vs_empty going back to such a page, its layer data kept.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import SAMPLE_PDF, BenchResult, timeit_best  # noqa: E402

CORPUS = Path(
    os.environ.get("AAL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
DOCS = (
    "pdfjs--tracemonkey.pdf",
    "plumber--federal-register-2020-17221.pdf",
    "pdfjs--TAMReview.pdf",
)
ZOOM = 1.5  # a typical reading zoom; the canvas renders at the zoom's bucket (1.54)
VIEW_SIZE = (1100, 1300)


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait(predicate: Callable[[], bool], timeout: float = 120.0) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    end = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > end:
            raise TimeoutError("the canvas did not become ready in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def _corpus_docs() -> list[Path]:
    found = [CORPUS / d for d in DOCS if (CORPUS / d).is_file()]
    if not found:
        raise FileNotFoundError(f"none of {', '.join(DOCS)} in {CORPUS} (set AAL_CORPUS)")
    return found


class _Bench:
    """A project, session and canvas on the given PDFs, shown offscreen."""

    def __init__(self, pdfs: list[Path]) -> None:
        from aal_desktop.services import documents
        from aal_desktop.services.project import Project
        from aal_desktop.ui.page_canvas import PageCanvas
        from aal_desktop.ui.session import Session

        self.app = _app()
        self.tmp = tempfile.TemporaryDirectory(prefix="aal-bench-canvas-")
        self.project = Project(Path(self.tmp.name) / "aal.sqlite3", user="bench", isolate_pdf=True)
        outcomes = documents.import_paths(self.project, pdfs)
        self.docs = [o.document_id for o in outcomes if o.document_id is not None]
        self.session = Session(self.project)
        self.canvas = PageCanvas(self.session)
        self.canvas.resize(*VIEW_SIZE)
        self.canvas.show()
        self.canvas.set_zoom(ZOOM)
        self.settled: list[tuple[int, int]] = []
        self.canvas.pageReady.connect(lambda d, p: self.settled.append((d, p)))
        self.canvas.pageFailed.connect(lambda d, p, r: self.settled.append((d, p)))
        gc.freeze()  # as the app does once its window is up (ui/app.py); undone in close()

    def show(self, doc: int, page: int) -> float:
        """Seconds from show_page() to pageReady."""
        self.settled.clear()
        start = time.perf_counter()
        self.canvas.show_page(doc, page)
        _wait(lambda: (doc, page) in self.settled)
        return time.perf_counter() - start

    def wait_prefetched(self, doc: int, page: int) -> None:
        from aal_desktop.services import documents

        d = documents.resolve(self.project, doc)
        zoom = self.canvas.image.render_zoom()
        _wait(
            lambda: (
                self.session.renderer.cached(d.sha256, page, zoom) is not None
                or self.session.renderer.failure(d.sha256, page) is not None
            )
        )

    def close(self) -> None:
        self.canvas.close()
        self.canvas.deleteLater()
        self.session.close()
        self.tmp.cleanup()
        gc.unfreeze()


def _raw_first_render_s(pdf: Path, page: int, zoom: float) -> float:
    """The first render of a page in a freshly opened document: what a cold display faces."""
    import pymupdf

    doc = pymupdf.open(pdf)
    try:
        start = time.perf_counter()
        doc.load_page(page).get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        return time.perf_counter() - start
    finally:
        doc.close()


def _raw_render_s(pdf: Path, page: int, zoom: float) -> float:
    """A bare in-process PyMuPDF render of one page (document open; page load included)."""
    import pymupdf

    doc = pymupdf.open(pdf)
    try:
        matrix = pymupdf.Matrix(zoom, zoom)
        return timeit_best(
            lambda: doc.load_page(page).get_pixmap(matrix=matrix, alpha=False), repeat=5
        )
    finally:
        doc.close()


def page_display_vs_raw_render(quick: bool) -> BenchResult:
    from aal_desktop.ui.render_service import zoom_bucket

    pdfs = _corpus_docs()
    bench = _Bench(pdfs)
    cold: list[float] = []
    prefetched: list[float] = []
    raw_cold: list[float] = []
    raw_cold_first: list[float] = []
    raw_next: list[float] = []
    try:
        bench.session.renderer.warm_up()
        pairs = 1 if quick else 3
        for pdf, doc in zip(pdfs, bench.docs, strict=False):
            import pymupdf

            with pymupdf.open(pdf) as d:
                count = d.page_count
            for i in range(pairs):
                first = (3 * i) % max(count - 1, 1)
                nxt = first + 1
                cold.append(bench.show(doc, first))
                bench.wait_prefetched(doc, nxt)
                prefetched.append(bench.show(doc, nxt))
                zoom = zoom_bucket(bench.canvas.image.render_zoom())
                raw_cold_first.append(_raw_first_render_s(pdf, first, zoom))
                raw_cold.append(_raw_render_s(pdf, first, zoom))
                raw_next.append(_raw_render_s(pdf, nxt, zoom))
    finally:
        bench.close()
    value = statistics.median(prefetched)
    baseline = statistics.median(raw_next)
    cold_ratio = statistics.median(c / r for c, r in zip(cold, raw_cold, strict=True))
    cold_first_ratio = statistics.median(c / r for c, r in zip(cold, raw_cold_first, strict=True))
    return BenchResult(
        "page_display_vs_raw_render",
        value * 1000,
        baseline * 1000,
        "ms",
        f"prefetched next page, median of {len(prefetched)} pages over {len(pdfs)} corpus "
        f"documents at zoom {ZOOM}; cold (nothing cached, worker render): median "
        f"{statistics.median(cold) * 1000:.1f} ms, ratio {cold_ratio:.2f} to the best of 5 "
        f"raw renders ({statistics.median(raw_cold) * 1000:.1f} ms), {cold_first_ratio:.2f} to "
        f"a raw first render of the page ({statistics.median(raw_cold_first) * 1000:.1f} ms)",
    )


def _grid_regions(
    project: Any, doc: int, page: int, n: int, cols: int = 40, only: int | None = None
) -> list[str]:
    """Set-up only (bypasses the event log): n small boxes in a grid over the page (or only
    the one at index `only` of that grid)."""
    from aal_desktop.core.geometry import Box
    from aal_desktop.core.records import Region
    from aal_desktop.services import documents, schemas
    from aal_desktop.store import regions as region_rows
    from aal_desktop.store.db import transaction
    from aal_desktop.store.events import now_iso

    record = documents.page(project, doc, page)
    classes = [c.key for c in schemas.current(project).classes]
    rows = max(1, -(-n // cols))
    w, h = record.width / cols, record.height / rows
    now = now_iso()
    ids = []
    with transaction(project.db):
        for k in range(n) if only is None else (only,):
            x, y = (k % cols) * w, (k // cols) * h
            ids.append(str(uuid.uuid4()))
            region_rows.insert(
                project.db,
                Region(
                    id=ids[-1],
                    document_id=doc,
                    page=page,
                    box=Box(x + 0.5, y + 0.5, x + w - 0.5, y + h - 0.5).rounded(),
                    class_key=classes[k % len(classes)],
                    schema_version=1,
                    annotator="bench",
                    created_by="bench",
                    created_at=now,
                ),
            )
    return ids


def _scene_with(quick: bool, n: int, name: str, revisit: bool = False) -> BenchResult:
    """show_page() to pageReady on page 1 holding n regions vs the same page with none.

    The page's image is cached in both (this is the regions' own cost). By default each
    timed show is a first look at the page's regions: the layer data the canvas keeps for
    pages it showed lately (canvas_regions.PageCache) is dropped before it, so they are
    read from the store, grouped and drawn anew. `revisit`: kept, as when going back to a
    page nothing has written to since."""
    pdfs = _corpus_docs()[:1]
    bench = _Bench(pdfs)
    try:
        doc = bench.docs[0]
        repeat = 3 if quick else 7

        def time_page_zero() -> float:
            """Best of `repeat`: leave for page 2, then time showing page 1 and painting."""
            best = float("inf")
            for _ in range(repeat + 1):  # the first run warms caches
                bench.show(doc, 1)
                if not revisit:
                    bench.canvas.regions.pages.clear()
                start = time.perf_counter()
                bench.show(doc, 0)  # pageReady comes after the first paint
                best = min(best, time.perf_counter() - start)
            return best

        empty = time_page_zero()
        assert len(bench.canvas.regions_on_page()) == 0
        _grid_regions(bench.project, doc, 0, n)
        with_regions = time_page_zero()
        assert len(bench.canvas.regions_on_page()) == n
    finally:
        bench.close()
    look = "going back to it (layer data kept)" if revisit else "first look at its regions"
    return BenchResult(
        name,
        with_regions * 1000,
        empty * 1000,
        "ms",
        f"show_page → pageReady (after the first paint; image cached; {look}), page 1 "
        f"of {pdfs[0].name}: with {n:,} regions vs the same page with none",
    )


def scene_2000_regions_ms(quick: bool) -> BenchResult:
    return _scene_with(quick, 2000, "scene_2000_regions_ms")


def scene_10000_regions_vs_empty(quick: bool) -> BenchResult:
    return _scene_with(quick, 10_000, "scene_10000_regions_vs_empty")


def scene_10000_revisit_vs_empty(quick: bool) -> BenchResult:
    return _scene_with(quick, 10_000, "scene_10000_revisit_vs_empty", revisit=True)


def cold_page_vs_raw_first_render(quick: bool) -> BenchResult:
    """A page nothing has cached (worker render, sent back, drawn) vs a raw first render of
    it in a freshly opened document in this process."""
    from aal_desktop.ui.render_service import zoom_bucket

    pdfs = _corpus_docs()
    bench = _Bench(pdfs)
    cold: list[float] = []
    raw: list[float] = []
    try:
        bench.session.renderer.warm_up()
        bench.show(bench.docs[0], 0)  # the workers are up and have PyMuPDF loaded
        pages = 2 if quick else 4
        for pdf, doc in zip(pdfs, bench.docs, strict=False):
            import pymupdf

            with pymupdf.open(pdf) as d:
                count = d.page_count
            for i in range(pages):
                page = (5 * i + 2) % count
                cold.append(bench.show(doc, page))
                zoom = zoom_bucket(bench.canvas.image.render_zoom())
                raw.append(_raw_first_render_s(pdf, page, zoom))
                bench.show(doc, (page + count // 2) % count)  # move away from its neighbours
    finally:
        bench.close()
    value, baseline = statistics.median(cold), statistics.median(raw)
    return BenchResult(
        "cold_page_vs_raw_first_render",
        value * 1000,
        baseline * 1000,
        "ms",
        f"show_page → pageReady for {len(cold)} uncached pages of {len(pdfs)} "
        f"corpus documents at zoom {ZOOM} (median) vs a raw first render of "
        "each in a freshly opened document; target ratio <= 2",
    )


def _drain() -> None:
    from PySide6.QtCore import QCoreApplication

    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def _drag_once(window: Any, project: Any, rid: str) -> float:
    """Seconds from pressing on the region's centre to the window repainted after the move."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from aal_desktop.services import regions
    from aal_desktop.store import events

    canvas = window.canvas
    before = regions.get(project, rid).box
    moves = events.EventFilter(kind="region.move")
    moved = events.count(project.db, moves)
    centre = canvas.page_to_view((before.x0 + before.x1) / 2, (before.y0 + before.y1) / 2)
    vp = canvas.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    start = time.perf_counter()
    QTest.mousePress(vp, left, none, centre)
    for step in range(1, 5):
        QTest.mouseMove(vp, centre + QPoint(3 * step, 2 * step))
    QTest.mouseRelease(vp, left, none, centre + QPoint(12, 8))
    # a box's label can sit over its neighbour: whichever box the press hit, one moves
    _wait(lambda: events.count(project.db, moves) > moved, timeout=300)
    _drain()
    window.repaint()
    _drain()
    return time.perf_counter() - start


def drag_one_of_2000_vs_empty_page(quick: bool) -> BenchResult:
    """Move one box with the mouse in the real main window: page 1 holds 2,000 regions,
    page 2 only the box moved (same size, same place)."""
    from PySide6.QtCore import QSettings

    from aal_desktop.services import documents, schemas
    from aal_desktop.services.project import Project
    from aal_desktop.ui.main_window import MainWindow
    from aal_desktop.ui.session import Session

    app = _app()
    tmp = tempfile.TemporaryDirectory(prefix="aal-bench-drag-")
    project = Project(Path(tmp.name) / "aal.sqlite3", user="bench", isolate_pdf=True)
    schemas.ensure_default(project)
    (outcome,) = documents.import_paths(project, [SAMPLE_PDF])
    doc = outcome.document_id
    assert doc is not None, outcome
    dense = _grid_regions(project, doc, 0, 2000)
    mid = 20 * 40 + 20  # a box in the middle of the grid
    (lone,) = _grid_regions(project, doc, 1, 2000, only=mid)
    session = Session(project)
    settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings)
    try:
        window.show()
        app.processEvents()

        ready: list[int] = []
        window.canvas.pageReady.connect(lambda d, p: ready.append(p))

        def open_page(page: int) -> None:
            ready.clear()
            window.open_page(doc, page)
            _wait(lambda: page in ready)
            _drain()

        open_page(1)
        _drag_once(window, project, lone)  # warm-up
        empty = [_drag_once(window, project, lone) for _ in range(3)]
        open_page(0)
        _drag_once(window, project, dense[mid // 2])  # warm-up (a box far away), as on page 2
        full = [_drag_once(window, project, dense[mid]) for _ in range(1 if quick else 3)]
    finally:
        window.close()
        window.deleteLater()
        session.close()
        app.processEvents()
        tmp.cleanup()
    return BenchResult(
        "drag_one_of_2000_vs_empty_page",
        statistics.median(full) * 1000,
        statistics.median(empty) * 1000,
        "ms",
        "mouse drag of one box in the main window until the move is stored and "
        "the window repainted: page of 2,000 regions vs page holding only that "
        f"box (median of {len(full)} vs {len(empty)}); target ratio <= 3",
    )


def select_all_10000_vs_one(quick: bool) -> BenchResult:
    """Select all on a page of 10,000 regions, until the canvas has repainted, vs selecting
    one of them (a big selection is painted by one item: ui/selection_layer.py)."""
    bench = _Bench(_corpus_docs()[:1])
    try:
        doc = bench.docs[0]
        ids = _grid_regions(bench.project, doc, 0, 10_000)
        bench.show(doc, 0)
        canvas = bench.canvas

        def best(select: Callable[[], None]) -> float:
            times = []
            for _ in range(3 if quick else 7):
                canvas.select_regions([])
                canvas.viewport().repaint()
                start = time.perf_counter()
                select()
                canvas.viewport().repaint()  # the paint, at once
                times.append(time.perf_counter() - start)
            return min(times)

        one = best(lambda: canvas.select_regions([ids[len(ids) // 2]]))
        every = best(canvas.select_all)
        assert len(canvas.selected_ids()) == len(ids)
    finally:
        bench.close()
    return BenchResult(
        "select_all_10000_vs_one",
        every * 1000,
        one * 1000,
        "ms",
        "Select all on a page of 10,000 regions until the canvas repainted, vs selecting "
        "one of them (no target; ~2-4 s before a big selection was painted by one item)",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "page_display_vs_raw_render": page_display_vs_raw_render,
    "scene_2000_regions_ms": scene_2000_regions_ms,
    "scene_10000_regions_vs_empty": scene_10000_regions_vs_empty,
    "scene_10000_revisit_vs_empty": scene_10000_revisit_vs_empty,
    "cold_page_vs_raw_first_render": cold_page_vs_raw_first_render,
    "drag_one_of_2000_vs_empty_page": drag_one_of_2000_vs_empty_page,
    "select_all_10000_vs_one": select_all_10000_vs_one,
}
