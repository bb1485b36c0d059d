"""Pre-labelling cost per page, against the bare layout-model call on the same pages (issue 7).

Both run in the same warm worker process, alternating page by page so machine noise hits
both alike. The measured path is the whole service call: model in the worker, class
mapping, duplicate check, words for the text under each box, and the regions and events
written to SQLite (a fresh project per page, so nothing is skipped as a duplicate).
Start-up costs (the model loading in the worker, PyMuPDF's import for the words) are paid
once before timing: they are per process, not per page.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import SAMPLE_PDF, BenchResult

CORPUS = Path(
    os.environ.get("AAL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
PAGES = (
    ("pdfjs--tracemonkey.pdf", 0),
    ("pdfjs--tracemonkey.pdf", 1),
    ("pdfjs--tracemonkey.pdf", 2),
    ("plumber--federal-register-2020-17221.pdf", 0),
    ("pdfjs--TAMReview.pdf", 0),
)


def _pages(quick: bool) -> list[tuple[Path, int]]:
    found = [(CORPUS / f, p) for f, p in PAGES if (CORPUS / f).is_file()]
    if not found:
        found = [(SAMPLE_PDF, 0), (SAMPLE_PDF, 1)]
    return found[:2] if quick else found


def bench_prelabel_page_ms(quick: bool) -> BenchResult:
    from aal_desktop.pdf import layout
    from aal_desktop.pdf.worker import WorkerProcess
    from aal_desktop.services import documents, prelabel
    from aal_desktop.services.project import Project

    pages = _pages(quick)
    service_ms: list[float] = []
    bare_ms: list[float] = []
    created = 0
    with WorkerProcess("bench-layout") as worker, tempfile.TemporaryDirectory() as tmp:
        worker.call(layout.raw_layout, str(pages[0][0]), pages[0][1], timeout=300)  # warm up
        import pymupdf  # noqa: F401  # words run in-process here (CLI); pay the import once

        for i, (pdf, page) in enumerate(pages):
            start = time.perf_counter()
            worker.call(layout.raw_layout, str(pdf), page, timeout=300)
            bare_ms.append((time.perf_counter() - start) * 1000)
            project = Project(Path(tmp) / f"p{i}" / "aal.sqlite3", user="bench")
            (outcome,) = documents.import_paths(project, [pdf])
            assert outcome.document_id is not None, outcome.reason
            start = time.perf_counter()
            rep = prelabel.prelabel(project, outcome.document_id, [page], 0.5, worker=worker)
            service_ms.append((time.perf_counter() - start) * 1000)
            created += rep.created
            project.close()
    return BenchResult(
        "prelabel_page_ms",
        statistics.mean(service_ms),
        statistics.mean(bare_ms),
        "ms",
        f"{len(pages)} real pages, {created} regions created; baseline = bare model call "
        "(pymupdf.layout predict) in the same worker",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {"prelabel_page_ms": bench_prelabel_page_ms}
