"""Peak memory of a text-format release (Parquet + COCO, no images) of 20,000 pages over that
of 2,000 pages (issue 14): a release that streams page by page stays flat, one that holds
every page or region grows with the version. Target ratio <= 1.3.

Each release runs in a fresh subprocess that only opens the project and releases, and
reports its own peak resident size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), so
building the project does not count. The projects are built quickly: documents are
imported as usual, the regions (two a page) are inserted in bulk with SQL, as a fixture
would; the release reads them exactly as it reads drawn ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from common import REPO_ROOT, BenchResult

PAGES_PER_DOC = 500

_RELEASE = """
import resource, sys
from aal_desktop.services import releases
from aal_desktop.services.project import Project
project = Project(sys.argv[1], user="bench")
if len(sys.argv) > 3:  # diagnosis: SQLite's page cache (store/db.py CACHE_KIB) kept small
    project.db.conn.execute(f"PRAGMA cache_size=-{int(sys.argv[3])}")
releases.release(project, "v1", sys.argv[2], formats="coco,parquet", images=False)
project.close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _build(work: Path, pages: int) -> Path:
    """A project with `pages` pages in documents of PAGES_PER_DOC, two regions a page."""
    import pymupdf

    from aal_desktop.services import documents, versions
    from aal_desktop.services.project import Project

    src = work / "pdfs"
    src.mkdir(parents=True)
    paths = []
    for d in range(max(1, pages // PAGES_PER_DOC)):
        doc = pymupdf.open()
        for i in range(min(PAGES_PER_DOC, pages)):
            page = doc.new_page(width=612, height=792)
            if i == 0:
                page.insert_text((72, 100), f"Document {d}", fontsize=12)
        path = src / f"doc{d:04d}.pdf"
        doc.save(path)
        doc.close()
        paths.append(path)
    db = work / "project" / "aal.sqlite3"
    project = Project(db, user="bench")
    try:
        ids = []
        for outcome in documents.import_paths(project, paths):
            assert outcome.status == "imported", outcome.reason
            ids.append(outcome.document_id)
        conn = project.db.conn
        from aal_desktop.services import schemas

        schema_version = schemas.current_version(project)
        rows = []
        for doc_id in ids:
            for p in range(PAGES_PER_DOC if pages >= PAGES_PER_DOC else pages):
                for key, box in (("title", (50, 60, 300, 110)), ("text", (50, 130, 400, 300))):
                    rows.append(
                        (
                            str(uuid.uuid4()),
                            doc_id,
                            p,
                            *box,
                            key,
                            "{}",
                            schema_version,
                            "human",
                            "bench",
                            "Some text on the page",
                            "bench",
                            "2026-01-01T00:00:00+00:00",
                        )
                    )
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO regions (id, document_id, page, x0, y0, x1, y1, class_key, attrs, "
            "schema_version, origin, annotator, text, created_by, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.execute("COMMIT")
        for doc_id in ids:
            documents.set_status(project, doc_id, "approved")
        versions.create_version(project, "v1")
    finally:
        project.close()
    return db


def _peak_kib(db: Path, dest: Path, cache_kib: int | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    extra = [] if cache_kib is None else [str(cache_kib)]
    out = subprocess.run(
        [sys.executable, "-c", _RELEASE, str(db), str(dest), *extra],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def release_rss_20k_vs_2k_pages(quick: bool) -> BenchResult:
    name = "release_rss_20k_vs_2k_pages"
    small, large = (500, 5000) if quick else (2000, 20000)
    with tempfile.TemporaryDirectory() as tmp:
        peaks, small_cache = {}, {}
        for pages in (small, large):
            work = Path(tmp) / f"p{pages}"
            db = _build(work, pages)
            peaks[pages] = _peak_kib(db, work / "releases")
            small_cache[pages] = _peak_kib(db, work / "releases-2mib-cache", 2048)
    value, baseline = peaks[large] / 1024, peaks[small] / 1024
    pinned = small_cache[large] / small_cache[small]
    return BenchResult(
        name,
        value,
        baseline,
        "MiB",
        f"peak RSS of a Parquet + COCO release without images, {large} pages "
        f"over {small} pages (two regions a page); target ratio <= 1.3; with "
        f"SQLite's page cache at 2 MiB instead of the project's 64 MiB: "
        f"{pinned:.2f}x ({small_cache[large] / 1024:.0f} / "
        f"{small_cache[small] / 1024:.0f} MiB)",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "release_rss_20k_vs_2k_pages": release_rss_20k_vs_2k_pages
}
