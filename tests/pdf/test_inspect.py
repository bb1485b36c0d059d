"""inspect_pdf: which files are accepted for import, and the one-line reason when not."""

from __future__ import annotations

import zlib
from pathlib import Path

import pymupdf
import pytest

from aal_desktop.pdf.inspect import (
    Inspection,
    inspect_pdf,
    inspect_with_timeout,
    looks_like,
    password_candidates,
)
from aal_desktop.pdf.worker import WorkerCrashed, WorkerProcess, WorkerTimeout

ZERO_PAGES = b"""%PDF-1.4
1 0 obj
<< /Type /Catalog /Pages 2 0 R >>
endobj
2 0 obj
<< /Type /Pages /Kids [] /Count 0 >>
endobj
trailer
<< /Root 1 0 R /Size 3 >>
%%EOF
"""


def _png_bytes() -> bytes:
    """A tiny valid PNG, built by hand so the test needs no image library."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _doc(pages: int = 3, title: str | None = "Known title") -> pymupdf.Document:
    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"page {i + 1} " * 30, fontsize=11)
    if title:
        doc.set_metadata({"title": title})
    return doc


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "plain.pdf"
    _doc().save(path)
    return path


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "encrypted.pdf"
    _doc(2).save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="o")
    return path


def test_plain_pdf_is_ok_with_page_geometry_and_title(plain: Path) -> None:
    result = inspect_pdf(str(plain))
    assert result.ok and result.kind == "ok"
    assert result.page_count == 3 and len(result.pages) == 3
    assert [p.number for p in result.pages] == [0, 1, 2]
    assert (result.pages[0].width, result.pages[0].height) == (595, 842)
    assert result.title == "Known title"
    assert not result.encrypted and result.decrypted_pdf is None


def test_rotation_and_cropbox_are_reported_in_displayed_space(tmp_path: Path) -> None:
    doc = _doc(2)
    doc[0].set_rotation(90)
    doc[1].set_cropbox(pymupdf.Rect(100, 50, 400, 650))
    path = tmp_path / "geometry.pdf"
    doc.save(path)
    first, second = inspect_pdf(str(path)).pages
    assert (first.width, first.height, first.rotation) == (842, 595, 90)
    assert first.mediabox == (0, 0, 595, 842)
    assert (second.width, second.height) == (300, 600)
    assert second.cropbox == (100, 50, 400, 650)
    assert second.mediabox == (0, 0, 595, 842)


def test_empty_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    result = inspect_pdf(str(path))
    assert (result.ok, result.kind, result.reason) == (False, "empty", "empty file (0 bytes)")


def test_png_renamed_pdf_is_not_a_pdf_and_says_what_it_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "picture.pdf"
    path.write_bytes(_png_bytes())
    result = inspect_pdf(str(path))
    assert result.kind == "not_pdf"
    assert result.reason == "not a PDF (looks like PNG image)"


def test_html_renamed_pdf_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("<!DOCTYPE html><html><body><p>hello</p></body></html>")
    result = inspect_pdf(str(path))
    assert result.kind == "not_pdf" and "HTML" in result.reason


def test_unknown_bytes_are_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    assert inspect_pdf(str(path)).kind == "not_pdf"


def test_pdf_without_header_that_mupdf_repairs_is_accepted(plain: Path, tmp_path: Path) -> None:
    data = plain.read_bytes()
    path = tmp_path / "headless.pdf"
    path.write_bytes(data[data.index(b"\n") + 1 :])  # drop the %PDF-x.y line
    assert b"%PDF-" not in path.read_bytes()[:1024]
    result = inspect_pdf(str(path))
    assert result.ok and result.page_count == 3


def test_header_with_garbage_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    result = inspect_pdf(str(path))
    assert result.kind == "damaged" and result.reason.startswith("damaged: ")


def test_truncated_file_is_damaged_not_silently_shortened(tmp_path: Path) -> None:
    full = tmp_path / "full.pdf"
    _doc(6).save(full, deflate=True)
    data = full.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert inspect_pdf(str(path)).kind == "damaged"


def test_truncated_file_that_mupdf_repairs_with_blank_pages_is_damaged(tmp_path: Path) -> None:
    full = tmp_path / "full.pdf"
    doc = pymupdf.open()
    for i in range(6):
        doc.new_page().insert_text((72, 100), f"page {i} " * 20)
    doc.save(full, deflate=True)
    data = full.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    repaired = pymupdf.open(path)
    if repaired.page_count != 6:
        pytest.skip("this MuPDF does not repair the truncated file into 6 pages")
    # MuPDF shows the lost pages as blank pages: importing them would be wrong.
    result = inspect_pdf(str(path))
    assert result.kind == "damaged"
    assert "page 4" in result.reason


def test_zero_pages_is_zero_pages(tmp_path: Path) -> None:
    path = tmp_path / "zero.pdf"
    path.write_bytes(ZERO_PAGES)
    result = inspect_pdf(str(path))
    assert (result.kind, result.reason, result.page_count) == ("zero_pages", "no pages", 0)


def test_page_that_fails_to_load_is_damaged_naming_the_page(tmp_path: Path) -> None:
    # Page 2's /Parent chain points back into itself: MuPDF reports a cycle.
    body = b"""%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R /Size 4 >>
%%EOF
"""
    path = tmp_path / "cycle.pdf"
    path.write_bytes(body)
    result = inspect_pdf(str(path))
    assert result.kind == "damaged"
    assert "page 2" in result.reason


def test_encrypted_without_password_asks_for_one(encrypted: Path) -> None:
    result = inspect_pdf(str(encrypted))
    assert (result.ok, result.kind) == (False, "encrypted")
    assert result.reason == "encrypted: a password is needed (use --password)"
    assert result.encrypted


def test_encrypted_with_wrong_password(encrypted: Path) -> None:
    result = inspect_pdf(str(encrypted), "not-it")
    assert (result.kind, result.reason) == ("wrong_password", "wrong password")


def test_encrypted_with_password_gives_a_decrypted_copy(encrypted: Path) -> None:
    result = inspect_pdf(str(encrypted), "secret")
    assert result.ok and result.encrypted and result.page_count == 2
    assert result.decrypted_pdf is not None
    copy = pymupdf.open(stream=result.decrypted_pdf, filetype="pdf")
    assert not copy.needs_pass and not copy.is_encrypted
    assert copy.page_count == 2
    assert "page 2" in copy[1].get_text()


def test_password_is_normalised_like_saslprep(tmp_path: Path) -> None:
    path = tmp_path / "unicode.pdf"
    _doc(1).save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="IX a", owner_pw="o")
    # Roman numeral nine (NFKC -> "IX") and a no-break space (-> space), as a user may type.
    assert inspect_pdf(str(path), "\u2168\u00a0a").ok
    assert "IX a" in password_candidates("\u2168\u00a0a")


def test_looks_like_names_common_formats() -> None:
    assert looks_like(b"\xff\xd8\xff\xe0") == "JPEG image"
    assert looks_like(b"\xf7\x02\x01\x83") == "DVI file"
    assert looks_like(b"PK\x03\x04rest") == "ZIP archive or Office document"
    assert looks_like(b"  <html><head>") == "HTML"
    assert looks_like(b"\x00\x01\x02\x03\x80") is None


def test_inspection_travels_through_a_worker(plain: Path) -> None:
    with WorkerProcess() as worker:
        result = inspect_with_timeout(worker, str(plain), None)
        assert isinstance(result, Inspection) and result.ok and result.page_count == 3
        # A cold worker cannot even import PyMuPDF in 10 ms: that is a timeout verdict.
        worker.close()
    with WorkerProcess() as cold:
        late = inspect_with_timeout(cold, str(plain), None, timeout=0.01)
        assert (late.ok, late.kind, late.reason) == (False, "timeout", "timed out after 0 s")
        assert inspect_with_timeout(cold, str(plain), None).ok  # replaced, works again


class _Stub(WorkerProcess):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def call(self, func, *args, timeout):  # type: ignore[no-untyped-def, override]
        raise self.exc


def test_worker_crash_and_timeout_become_verdicts() -> None:
    crashed = inspect_with_timeout(_Stub(WorkerCrashed("boom")), "x.pdf", None)
    assert (crashed.kind, crashed.reason) == ("damaged", "the PDF engine crashed on this file")
    late = inspect_with_timeout(_Stub(WorkerTimeout("slow")), "x.pdf", None, timeout=30)
    assert (late.kind, late.reason) == ("timeout", "timed out after 30 s")


def test_thousand_page_document_is_inspected_quickly(tmp_path: Path) -> None:
    import time

    doc = pymupdf.open()
    for _ in range(1000):
        doc.new_page()
    path = tmp_path / "big.pdf"
    doc.save(path)
    started = time.perf_counter()
    result = inspect_pdf(str(path))
    assert result.ok and result.page_count == 1000
    assert time.perf_counter() - started < 3.0
