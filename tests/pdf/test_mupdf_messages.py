"""MuPDF's own messages never reach stdout, in the app or its workers (issues 15 and 16).

Corpus file mupdf--test_4435.pdf makes MuPDF print "MuPDF error: limit error: Overly large
image" for every page it renders; `aal release v1 --format coco --json` printed 42 such
lines before its JSON. The messages go to the log instead (`aal_desktop.pdf.mupdf`).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.pdf import engine
from aal_desktop.pdf.render import render_page
from aal_desktop.pdf.worker import WorkerPool, WorkerProcess, about

ROOT = Path(__file__).resolve().parents[2]
CORPUS = os.environ.get("AAL_CORPUS")
NOISY = "mupdf--test_4435.pdf"


def _noisy_pdf() -> Path:
    if not CORPUS:
        pytest.skip("AAL_CORPUS is not set")
    path = Path(CORPUS) / NOISY
    if not path.is_file():
        pytest.skip(f"{NOISY} is not in {CORPUS}")
    return path


def _aal(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from aal_desktop.cli.main import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, "--db", str(db), "--user", "lead1", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.mark.corpus
def test_release_json_of_a_noisy_pdf_is_one_json_document(tmp_path: Path) -> None:
    pdf = _noisy_pdf()
    db = tmp_path / "aal.sqlite3"
    for args in (
        ("init",),
        ("doc", "import", str(pdf)),
        ("region", "add", "1", "1", "10", "10", "100", "100", "text"),
        ("doc", "status", "1", "approved"),
        ("version", "create", "v1", "--status", "approved"),
    ):
        proc = _aal(db, *args)
        assert proc.returncode == 0, (args, proc.stderr)
    proc = _aal(db, "release", "v1", "--format", "coco", "--json", "--to", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "MuPDF" not in proc.stdout
    body = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert isinstance(body, dict) and body
    images = list((tmp_path / "out").rglob("*.png"))
    assert images, "the release wrote no page images, so MuPDF was never asked to render"


@pytest.mark.corpus
def test_worker_keeps_mupdf_off_stdout_and_logs_it(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    pdf = _noisy_pdf()
    with caplog.at_level(logging.INFO, logger=engine.LOG.name), WorkerProcess("test-noisy") as w:
        image = w.call(render_page, str(pdf), 2, 1.0, timeout=120)  # page 3 is the noisy one
    assert image.width > 0 and image.height > 0
    out, _err = capfd.readouterr()
    assert "MuPDF" not in out and "Overly large image" not in out
    logged = [r.getMessage() for r in caplog.records if r.name == engine.LOG.name]
    assert any("Overly large image" in line for line in logged), logged
    # each line says which file it is about, not which function of ours asked
    assert all(line.startswith(f"{NOISY}: ") for line in logged), logged


def test_messages_name_the_file_a_call_was_about() -> None:
    sha = "ab" * 32
    assert about("m:inspect_pdf", ("/home/me/scans/bad.pdf", None)) == "bad.pdf"
    assert about("m:page_words", (Path("/p/blobs/ab") / f"{sha}.pdf", 0)) == "document abababababab"
    assert about("aal_desktop.pdf.layout:detect_layout", (b"%PDF-", 0)) == "detect_layout"
    assert about("m:f", ()) == "f"


@pytest.mark.corpus
def test_in_process_render_is_quiet_and_messages_are_kept(
    capfd: pytest.CaptureFixture[str],
) -> None:
    pdf = _noisy_pdf()
    engine.messages()  # start from an empty store
    render_page(str(pdf), 2, 1.0)
    out, _err = capfd.readouterr()
    assert "Overly large image" not in out
    assert any("Overly large image" in line for line in engine.messages())
    assert engine.messages() == []  # taken out, not repeated


def test_pool_children_start_at_once_with_pymupdf_loaded() -> None:
    with WorkerPool(2, start=True) as pool:
        pids = [w.pid for w in pool._workers]
        assert all(pids), "start=True did not start the children"
        loaded = [pool.submit(_loaded_modules, timeout=60).result() for _ in range(2)]
    for mods in loaded:
        assert mods["pymupdf"] is True  # loaded before the first request asked for it
        assert mods["pymupdf.layout"] is False  # a pool renders: no layout model


def _loaded_modules() -> dict[str, bool]:
    return {name: sys.modules.get(name) is not None for name in ("pymupdf", "pymupdf.layout")}
