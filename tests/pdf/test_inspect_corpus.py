"""Every file of the real corpus (AAL_CORPUS) gets the verdict its MANIFEST traits call for."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest

from aal_desktop.pdf.inspect import Inspection, inspect_with_timeout
from aal_desktop.pdf.worker import WorkerProcess

pytestmark = [pytest.mark.corpus]

CORPUS = os.environ.get("AAL_CORPUS")
REFUSED_TRAITS = (
    "broken",
    "not-a-pdf",
    "empty-file",
    "zero-pages",
    "page-load-error",
    "encrypted-needs-password",
)
TIMEOUT = 30.0


def _manifest() -> list[dict[str, str]]:
    if not CORPUS:
        return []
    with open(Path(CORPUS) / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _expected_problem(row: dict[str, str], result: Inspection) -> str | None:
    """What is wrong with ``result`` for this manifest row, or None."""
    traits = row["traits"]
    if "empty-file" in traits:
        return None if result.kind == "empty" else "expected empty"
    if "not-a-pdf" in traits:
        return None if result.kind == "not_pdf" else "expected not_pdf"
    if "zero-pages" in traits:
        return None if result.kind == "zero_pages" else "expected zero_pages"
    if "page-load-error" in traits:
        return None if result.kind == "damaged" else "expected damaged"
    if "broken" in traits:
        return None if result.kind in ("damaged", "not_pdf") else "expected damaged or not_pdf"
    if "encrypted-needs-password" in traits:
        return None if result.kind == "encrypted" else "expected encrypted"
    if row["pages"].strip().isdigit():
        if not result.ok:
            return "expected ok"
        if result.page_count != int(row["pages"]):
            return f"expected {row['pages']} pages"
        if len(result.pages) != result.page_count:
            return "page list incomplete"
    return None


@pytest.mark.skipif(not CORPUS, reason="AAL_CORPUS is not set")
def test_corpus_verdicts() -> None:
    rows = _manifest()
    assert rows, "empty MANIFEST.tsv"
    problems: list[str] = []
    timings: list[tuple[float, str, str]] = []
    started = time.perf_counter()
    with WorkerProcess("corpus-inspect") as worker:
        for row in rows:
            path = str(Path(CORPUS or "") / row["file"])
            t0 = time.perf_counter()
            result = inspect_with_timeout(worker, path, None, TIMEOUT)
            timings.append((time.perf_counter() - t0, row["file"], result.kind))
            problem = _expected_problem(row, result)
            if problem:
                problems.append(f"{row['file']}: {problem}, got {result.kind}: {result.reason}")
            password = row.get("password", "").strip()
            if "encrypted-needs-password" in row["traits"]:
                wrong = inspect_with_timeout(worker, path, password + "-wrong", TIMEOUT)
                if wrong.kind != "wrong_password":
                    problems.append(f"{row['file']}: wrong password gave {wrong.kind}")
                if password:
                    right = inspect_with_timeout(worker, path, password, TIMEOUT)
                    if not (right.ok and right.decrypted_pdf and right.page_count > 0):
                        problems.append(f"{row['file']}: password gave {right.reason}")
                    elif row["pages"].strip().isdigit() and right.page_count != int(row["pages"]):
                        problems.append(f"{row['file']}: {right.page_count} pages with password")
    total = time.perf_counter() - started
    timings.sort(reverse=True)
    print(f"\ncorpus: {len(rows)} files in {total:.2f} s (worker start and PyMuPDF import incl.)")
    for seconds, name, kind in timings[:5]:
        print(f"  {seconds * 1000:8.1f} ms  {kind:<14} {name}")
    assert not problems, "\n".join(problems)
    assert total < 120


@pytest.mark.skipif(not CORPUS, reason="AAL_CORPUS is not set")
def test_encrypted_attachment_only_file_still_asks_for_a_password() -> None:
    """pdfjs--encrypted-attachment.pdf encrypts only its embedded file (/EFF; /StmF and
    /StrF are /Identity, AES-256 R6) with an unknown user password. pdf.js shows the page
    without a password; MuPDF insists on authenticating the whole document, so we refuse
    it as "encrypted" and any guess is a wrong password."""
    path = Path(CORPUS or "") / "pdfjs--encrypted-attachment.pdf"
    if not path.exists():
        pytest.skip("file not in this corpus")
    with WorkerProcess() as worker:
        assert inspect_with_timeout(worker, str(path), None).kind == "encrypted"
        assert inspect_with_timeout(worker, str(path), "guess").kind == "wrong_password"
