"""Cold starts, as a person meets them: the window to its first drawn page, and `aal doc list`.

Both run as fresh child processes (nothing imported; bytecode compiled once, as an
installed app has it), against a bare script doing the same visible work with no app
around it, run alternately with it:

- startup_vs_bare_qt: `aal gui --screenshot` (exits once the sample page and its regions
  are drawn and saved) vs a bare PySide6 script that opens a window of the same size,
  renders the same page in-process with PyMuPDF, draws the same boxes and saves a grab.
- cli_doc_list_vs_bare_python: `aal doc list` vs a bare Python script that opens the same
  database with sqlite3 and prints the same rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from common import REPO_ROOT, BenchResult

WINDOW = (1400, 900)  # the screenshot's default size
REGIONS = 30

BARE_QT = r"""
import sys, json
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
from PySide6.QtGui import QImage, QPixmap, QPainter, QColor, QPen
from PySide6.QtCore import Qt
import pymupdf

pdf, out, w, h, boxes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    json.loads(sys.argv[5])
app = QApplication(sys.argv[:1])
win = QMainWindow()
win.resize(w, h)
label = QLabel()
label.setAlignment(Qt.AlignmentFlag.AlignCenter)
win.setCentralWidget(label)
win.show()
app.processEvents()
page = pymupdf.open(pdf)[0]
zoom = (h - 60) / page.rect.height
pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
image = QImage(pix.samples, pix.width, pix.height, pix.stride,
               QImage.Format.Format_RGB888).convertToFormat(QImage.Format.Format_RGB32)
painter = QPainter(image)
painter.setPen(QPen(QColor("#d62728"), 2))
for x0, y0, x1, y1 in boxes:
    painter.drawRect(int(x0 * zoom), int(y0 * zoom), int((x1 - x0) * zoom),
                     int((y1 - y0) * zoom))
painter.end()
label.setPixmap(QPixmap.fromImage(image))
app.processEvents()
if not win.grab().save(out, "PNG"):
    sys.exit(1)
print("saved", out)
"""

BARE_LIST = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
counts = dict(conn.execute(
    "SELECT document_id, COUNT(*) FROM regions WHERE deleted = 0 GROUP BY document_id"))
for i, sha, status, pages, name in conn.execute(
        "SELECT id, sha256, status, page_count, filename FROM documents ORDER BY id"):
    print(i, sha[:12], status, pages, counts.get(i, 0), name, sep="  ")
"""

AAL = "import sys; from aal_desktop.cli.main import main; sys.exit(main())"


def _env(home: Path) -> dict[str, str]:
    """The child's environment: offscreen Qt, this checkout first, settings in a temp home."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_DATA_HOME"] = str(home / "data")
    env.pop("AAL_DB", None)
    env.pop("AAL_USER", None)
    # Bytecode as an installed app has it: compiled by the unmeasured first run into this
    # run's own cache (not the checkout), whatever PYTHONDONTWRITEBYTECODE the caller set.
    # Without it every measured start recompiled the app's modules (a third of `aal doc
    # list`), which no person's start does, while the bare scripts have nothing to compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    return env


def _timed(argv: list[str], env: dict[str, str], timeout: float = 180.0) -> float:
    """Seconds for a child process from start to exit; fails loudly if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=env["HOME"]
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return elapsed


@cache
def _gui_project() -> tuple[Path, Path, tuple[tuple[float, float, float, float], ...]]:
    """A project as the window opens it on first run (sample imported) plus some regions."""
    from aal_desktop.services import regions
    from aal_desktop.services.project import Project
    from aal_desktop.ui.app import first_run

    home = Path(tempfile.mkdtemp(prefix="aal-bench-startup-"))
    db = home / "project" / "aal.sqlite3"
    project = Project(db, user="bench")
    outcome = first_run(project)
    assert outcome is not None and outcome.document_id is not None, outcome
    boxes = []
    for n in range(REGIONS):
        x, y = 60 + (n % 5) * 100, 80 + (n // 5) * 110
        boxes.append((float(x), float(y), float(x + 80), float(y + 60)))
        regions.add_region(project, outcome.document_id, 0, boxes[-1], "text")
    project.close()
    return home, db, tuple(boxes)


def _median_pair(one: Callable[[], float], two: Callable[[], float], n: int) -> tuple[float, float]:
    """Median of n runs each, alternating, after one unmeasured run of each (disk cache)."""
    one(), two()
    a, b = [], []
    for _ in range(n):
        a.append(one())
        b.append(two())
    return statistics.median(a), statistics.median(b)


def startup_vs_bare_qt(quick: bool) -> BenchResult:
    home, db, boxes = _gui_project()
    env = _env(home)
    sample = REPO_ROOT / "resources" / "sample.pdf"
    shot = home / "shot.png"
    app = [
        sys.executable,
        "-c",
        AAL,
        "--db",
        str(db),
        "--user",
        "bench",
        "gui",
        "--screenshot",
        str(shot),
    ]
    bare = [
        sys.executable,
        "-c",
        BARE_QT,
        str(sample),
        str(home / "bare.png"),
        str(WINDOW[0]),
        str(WINDOW[1]),
        json.dumps(boxes),
    ]
    n = 3 if quick else 5
    value, baseline = _median_pair(lambda: _timed(app, env), lambda: _timed(bare, env), n)
    return BenchResult(
        "startup_vs_bare_qt",
        value,
        baseline,
        "s",
        f"`aal gui --screenshot` (sample page, {REGIONS} regions) vs a bare "
        f"PySide6 + PyMuPDF script drawing the same page, median of {n}, "
        "cold processes; target ratio <= 2",
    )


@cache
def _list_project(docs: int) -> tuple[Path, Path]:
    """A project of `docs` documents with a few regions each, written with plain SQL."""
    import hashlib

    from aal_desktop.services import schemas
    from aal_desktop.services.project import Project
    from aal_desktop.store.db import transaction

    home = Path(tempfile.mkdtemp(prefix="aal-bench-doclist-"))
    db = home / "aal.sqlite3"
    project = Project(db, user="bench")
    schemas.ensure_default(project)
    now = "2026-12-01T00:00:00.000000+00:00"
    with transaction(project.db):
        project.db.conn.executemany(
            "INSERT INTO documents (id, sha256, filename, original_path, size, page_count, "
            "imported_by, imported_at, status) VALUES (?,?,?,?,?,?,?,?,'todo')",
            [
                (
                    d,
                    hashlib.sha256(str(d).encode()).hexdigest(),
                    f"d{d}.pdf",
                    "/x",
                    1,
                    3,
                    "bench",
                    now,
                )
                for d in range(1, docs + 1)
            ],
        )
        project.db.conn.executemany(
            "INSERT INTO regions (id, document_id, page, x0, y0, x1, y1, class_key, attrs, "
            "schema_version, origin, annotator, created_by, created_at) "
            "VALUES (?,?,0,1,1,20,20,'text','{}',1,'human','bench','bench',?)",
            [(f"r{d}-{k}", d, now) for d in range(1, docs + 1) for k in range(d % 7)],
        )
    project.close()
    return home, db


def cli_doc_list_vs_bare_python(quick: bool) -> BenchResult:
    docs = 200
    home, db = _list_project(docs)
    env = _env(home)
    app = [sys.executable, "-c", AAL, "--db", str(db), "--user", "bench", "doc", "list"]
    bare = [sys.executable, "-c", BARE_LIST, str(db)]
    n = 5 if quick else 11
    value, baseline = _median_pair(lambda: _timed(app, env), lambda: _timed(bare, env), n)
    return BenchResult(
        "cli_doc_list_vs_bare_python",
        value,
        baseline,
        "s",
        f"cold `aal doc list` over {docs} documents vs a bare sqlite3 script "
        f"printing the same rows, median of {n}; target ratio <= 3",
    )


BENCHMARKS: dict[str, Callable[[bool], BenchResult]] = {
    "startup_vs_bare_qt": startup_vs_bare_qt,
    "cli_doc_list_vs_bare_python": cli_doc_list_vs_bare_python,
}
