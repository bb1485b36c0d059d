"""Import cost must not grow with page count beyond hashing and copying bytes (issue 2)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import SAMPLE_PDF, BenchResult

CORPUS = Path(
    os.environ.get("AAL_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
# a real 516-page manual, joined with itself: a large document as users have them
SOURCES = ("deb-latex-base-doc--hyperref.pdf",)


def _joined(out: Path, pages: int) -> Path:
    """A document of `pages` real pages, joined from corpus papers (or the sample)."""
    import pymupdf

    sources = [CORPUS / s for s in SOURCES if (CORPUS / s).is_file()] or [SAMPLE_PDF]
    docs = [pymupdf.open(s) for s in sources]
    result = pymupdf.open()
    while result.page_count < pages:
        for src in docs:
            take = min(src.page_count, pages - result.page_count)
            if take > 0:
                result.insert_pdf(src, from_page=0, to_page=take - 1)
    result.save(out, garbage=3, deflate=True)
    return out


def _open_to_first_page(pdf: Path, worker: object) -> float:
    """Seconds from `import` to the first page rendered and ready to show."""
    from aal_desktop.pdf.render import render_page
    from aal_desktop.services import documents
    from aal_desktop.services.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "aal.sqlite3", user="bench")
        start = time.perf_counter()
        (outcome,) = documents.import_paths(project, [pdf])
        assert outcome.status == "imported", outcome.reason
        doc = documents.resolve(project, outcome.document_id)
        worker.call(
            render_page,
            str(project.pdf_path(doc.sha256)),
            0,
            2.0,  # type: ignore
            timeout=60,
        )
        elapsed = time.perf_counter() - start
        project.close()
    return elapsed


def open_1000_pages_vs_1_page(quick: bool) -> BenchResult:
    from aal_desktop.pdf.render import render_page
    from aal_desktop.pdf.worker import WorkerProcess

    pages = 300 if quick else 1000
    repeat = 2 if quick else 3
    with tempfile.TemporaryDirectory() as tmp, WorkerProcess("bench-render") as worker:
        big = _joined(Path(tmp) / "big.pdf", pages)
        small = _joined(Path(tmp) / "small.pdf", 1)
        worker.call(render_page, str(small), 0, 1.0, timeout=60)  # warm up both workers
        _open_to_first_page(small, worker)
        value = min(_open_to_first_page(big, worker) for _ in range(repeat))
        baseline = min(_open_to_first_page(small, worker) for _ in range(repeat))
        size = big.stat().st_size
    return BenchResult(
        "open_1000_pages_vs_1_page",
        value,
        baseline,
        "s",
        f"{pages}-page document joined from real pages ({size >> 20} MB) "
        "vs 1 page; target ratio <= 2",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "open_1000_pages_vs_1_page": open_1000_pages_vs_1_page
}
