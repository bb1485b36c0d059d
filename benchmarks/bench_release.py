"""Writing a COCO release with page images vs scripting poppler's `pdftoppm` (issue 6).

The value is the whole `releases.release` (snapshot, images in worker processes, COCO,
metadata, manifest, atomic rename) for real corpus pages; the baseline renders the same
pages at the same resolution with `pdftoppm -r DPI -png`, one run per document after the
other, as a person would script it. Target ratio <= 0.2 (issue 14).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import REPO_ROOT, BenchResult

CORPUS = Path(os.environ.get("AAL_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SOURCES = (
    "pdfjs--tracemonkey.pdf",
    "plumber--federal-register-2020-17221.pdf",
    "pdfjs--TAMReview.pdf",
)
DPI = 144


def _pages_from_corpus(out: Path, per_source: int) -> list[Path]:
    """Copies of the corpus papers cut to their first `per_source` pages (real pages)."""
    import pymupdf

    made = []
    for name in SOURCES:
        src = CORPUS / name
        if not src.is_file():
            continue
        with pymupdf.open(src) as doc, pymupdf.open() as cut:
            cut.insert_pdf(doc, from_page=0, to_page=min(per_source, doc.page_count) - 1)
            target = out / name
            cut.save(target, garbage=3, deflate=True)
        made.append(target)
    return made


def _page_count(pdfs: list[Path]) -> int:
    import pymupdf

    total = 0
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            total += doc.page_count
    return total


def _release_seconds(pdfs: list[Path], work: Path) -> float:
    """Seconds for `releases.release(..., formats=("coco",))` of a version holding `pdfs`."""
    from aal_desktop.services import documents, releases, versions
    from aal_desktop.services.project import Project

    project = Project(work / "project" / "aal.sqlite3", user="bench")
    try:
        for outcome in documents.import_paths(project, pdfs):
            assert outcome.status == "imported", outcome.reason
            documents.set_status(project, outcome.document_id, "approved")
        name = "v1"
        versions.create_version(project, name, split=(1.0, 0.0, 0.0))
        dest = work / "releases"
        start = time.perf_counter()
        path = Path(releases.release(project, name, dest, formats=("coco",), dpi=DPI).path)
        elapsed = time.perf_counter() - start
        assert (path / "manifest.json").is_file()
        return elapsed
    finally:
        project.close()


def _pdftoppm_seconds(pdfs: list[Path], work: Path, exe: str) -> float:
    out = work / "pdftoppm"
    out.mkdir()
    start = time.perf_counter()
    for pdf in pdfs:
        subprocess.run(
            [exe, "-r", str(DPI), "-png", str(pdf), str(out / pdf.stem)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def release_images_vs_pdftoppm(quick: bool) -> BenchResult:
    name = "release_images_vs_pdftoppm"
    exe = shutil.which("pdftoppm")
    if exe is None:
        return BenchResult(
            name,
            float("nan"),
            float("nan"),
            "s",
            "skipped: pdftoppm missing (apt-get install poppler-utils)",
        )
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = _pages_from_corpus(Path(tmp), 4 if quick else 12)
        if not pdfs:
            return BenchResult(
                name,
                float("nan"),
                float("nan"),
                "s",
                f"skipped: corpus not found at {CORPUS} (set AAL_CORPUS)",
            )
        pages = _page_count(pdfs)
        repeat = 1 if quick else 2
        values, baselines = [], []
        for i in range(repeat):
            work = Path(tmp) / f"run{i}"
            work.mkdir()
            baselines.append(_pdftoppm_seconds(pdfs, work, exe))
            values.append(_release_seconds(pdfs, work))
    value, baseline = min(values), min(baselines)
    return BenchResult(
        name,
        value,
        baseline,
        "s",
        f"{pages} real pages from {len(pdfs)} corpus papers at {DPI} dpi, COCO "
        f"with images ({pages / value:.1f} pages/s vs "
        f"{pages / baseline:.1f} for pdftoppm); target ratio <= 0.2",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "release_images_vs_pdftoppm": release_images_vs_pdftoppm
}
