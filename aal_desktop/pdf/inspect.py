"""Validate a file before import: is it a PDF we can open, page through and keep?

``inspect_pdf`` runs inside a worker process (``inspect_with_timeout``), because
some files hang MuPDF; it answers with a typed ``Inspection`` instead of raising,
so the caller can tell the person, in one line, why a file was refused.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aal_desktop.pdf import engine
from aal_desktop.pdf.geometry import PackedPages, PageInfo, from_page_keys
from aal_desktop.pdf.worker import WorkerCrashed, WorkerProcess, WorkerTimeout

if TYPE_CHECKING:
    import pymupdf

KINDS = (
    "ok",
    "not_pdf",
    "empty",
    "damaged",
    "zero_pages",
    "encrypted",
    "wrong_password",
    "timeout",
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "BMP image"),
    (b"\xf7\x02", "DVI file"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"%!PS", "PostScript"),
    (b"{\\rtf", "RTF document"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"AT&TFORM", "DjVu document"),
)


IN_MEMORY = 128 << 20
"""Files up to this size are read whole and checked from memory (see ``inspect_pdf``)."""


@dataclass(frozen=True)
class Inspection:
    """The verdict on one file; ``reason`` is one human line."""

    ok: bool
    kind: str
    reason: str
    page_count: int = 0
    pages: PackedPages = field(default_factory=PackedPages)  # one array, not an object a page
    title: str | None = None
    encrypted: bool = False
    decrypted_pdf: bytes | None = None


def _refuse(kind: str, reason: str, **fields: object) -> Inspection:
    return Inspection(ok=False, kind=kind, reason=reason, **fields)  # type: ignore[arg-type]


def looks_like(head: bytes) -> str | None:
    """Name what a file looks like from its first bytes, or None if we cannot tell."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "HTML"
    if text.startswith(b"<svg") or b"<svg" in text[:512]:
        return "SVG image"
    if text.startswith(b"<?xml"):
        return "XML"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP image"
    if text and all(32 <= c < 127 or c in (9, 10, 13) for c in text[:512]):
        return "plain text"
    return None


def password_candidates(password: str) -> list[str]:
    """The password as typed, then SASLprep-like normalised forms (PDF 2.0, AES-256 R6).

    SASLprep (RFC 4013) maps non-ASCII spaces to U+0020, drops characters
    "commonly mapped to nothing" (soft hyphen, zero-width joiners...) and applies NFKC.
    """
    mapped = "".join(
        " " if unicodedata.category(c) == "Zs" else c
        for c in password
        if c not in "\u00ad\u034f\u1806\u180b\u180c\u180d\u200b\u200c\u200d\u2060\ufeff"
        and not "\ufe00" <= c <= "\ufe0f"
    )
    candidates = [
        password,
        unicodedata.normalize("NFKC", mapped),
        unicodedata.normalize("NFKC", password),
    ]
    unique: list[str] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def _rect(r: pymupdf.Rect) -> tuple[float, float, float, float]:
    return (float(r.x0), float(r.y0), float(r.x1), float(r.y1))


def _decrypted_bytes(doc: pymupdf.Document) -> bytes:
    """The whole document without encryption, so the app never needs the password again."""
    pymupdf = engine.load()

    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_NONE, garbage=1)  # type: ignore[attr-defined]


def inspect_pdf(path: str, password: str | None = None) -> Inspection:
    """Decide whether a file can be imported; runs inside a worker process.

    A missing or unreadable file raises OSError (it is the caller's mistake, not the
    file's verdict).
    """
    size = os.path.getsize(path)
    if size == 0:
        return _refuse("empty", "empty file (0 bytes)")
    # From memory, MuPDF reads the objects of a long document's page tree in half the
    # time it takes through a file (a 1000-page file: ~2 ms instead of ~5 ms).
    data: bytes | None = None
    with open(path, "rb") as handle:
        head = handle.read(1024)
        has_header = b"%PDF-" in head
        if has_header and size <= IN_MEMORY:
            handle.seek(0)
            data = handle.read()

    pymupdf = engine.load()

    pymupdf.TOOLS.mupdf_warnings(reset=True)
    try:
        if data is not None:
            doc = pymupdf.open(stream=data, filetype="pdf")
        else:
            doc = pymupdf.open(path, filetype="pdf") if has_header else pymupdf.open(path)
    except Exception as exc:
        if not has_header:
            what = looks_like(head)
            return _refuse("not_pdf", f"not a PDF (looks like {what})" if what else "not a PDF")
        return _refuse("damaged", f"damaged: {_open_failure(exc)}")
    with doc:
        if not doc.is_pdf:
            what = looks_like(head) or f"{(doc.metadata or {}).get('format') or 'another format'}"
            return _refuse("not_pdf", f"not a PDF (looks like {what})")
        return _inspect_open_pdf(doc, password)


def _open_failure(exc: BaseException) -> str:
    """Why MuPDF could not open a file: its most specific warning, not the file path."""
    pymupdf = engine.load()

    errors = [
        line.strip()
        for line in pymupdf.TOOLS.mupdf_warnings(reset=True).splitlines()
        if "error" in line and "not trying again" not in line
    ]
    if errors:
        return f"cannot be opened as a PDF ({errors[-1]})"
    message = _message(exc)
    return "cannot be opened as a PDF" if message.startswith("Failed to open") else message


def _message(exc: BaseException) -> str:
    """One line from a MuPDF exception."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _inspect_open_pdf(doc: pymupdf.Document, password: str | None) -> Inspection:
    needs_password = bool(doc.needs_pass)
    encrypted = needs_password
    if needs_password:
        if not password:
            return _refuse(
                "encrypted", "encrypted: a password is needed (use --password)", encrypted=True
            )
        if not any(doc.authenticate(c) for c in password_candidates(password)):
            return _refuse("wrong_password", "wrong password", encrypted=True)
    metadata = doc.metadata or {}
    encrypted = encrypted or bool(metadata.get("encryption"))
    try:
        page_count = doc.page_count
    except Exception as exc:
        return _refuse("damaged", f"damaged: {_message(exc)}", encrypted=encrypted)
    if page_count == 0:
        return _refuse("zero_pages", "no pages", encrypted=encrypted)
    repaired = bool(getattr(doc, "is_repaired", False))
    fast = None if repaired else _fast_pages(doc, page_count)
    pages: list[PageInfo] = []
    for number in range(page_count if fast is None else 0):
        try:
            page = doc.load_page(number)
            rect = page.rect
            pages.append(
                PageInfo(
                    number=number,
                    width=float(rect.width),
                    height=float(rect.height),
                    rotation=int(page.rotation),
                    mediabox=_rect(page.mediabox),
                    cropbox=_rect(page.cropbox),
                )
            )
        except Exception as exc:
            return _refuse(
                "damaged",
                f"damaged: page {number + 1} cannot be loaded ({_message(exc)})",
                page_count=page_count,
                encrypted=encrypted,
            )
        lost = _lost_part(doc, page) if repaired else None
        if lost:
            return _refuse(
                "damaged",
                f"damaged: page {number + 1} {lost} (truncated file?)",
                page_count=page_count,
                encrypted=encrypted,
            )
    decrypted = _decrypted_bytes(doc) if needs_password else None
    title = (metadata.get("title") or "").strip() or None
    return Inspection(
        ok=True,
        kind="ok",
        reason="ok",
        page_count=page_count,
        pages=fast if fast is not None else PackedPages.of(pages),
        title=title,
        encrypted=encrypted,
        decrypted_pdf=decrypted,
    )


def _fast_pages(doc: pymupdf.Document, page_count: int) -> PackedPages | None:
    """Every page's geometry without loading the pages (a 1000-page file in a few ms
    instead of ~250 ms), so import cost barely grows with page count: one walk of the page
    tree with MuPDF's low-level calls (``ll_*``: no wrapper object per call), each node's
    inheritable keys read once for all the pages under it.

    Returns None whenever anything is unusual (UserUnit, a page-tree error, a page whose
    /Parent is not the node that lists it, sample pages that disagree with a real load),
    and the caller loads every page instead.
    """
    m = engine.load().mupdf
    try:
        pdf = m.pdf_document_from_fz_document(doc.this)
        walked = _walk_page_tree(getattr(m, "_mupdf", m), pdf.m_internal, page_count)
        if walked is None:
            return None
        values, xrefs = walked
        pages = PackedPages(values)
        for number in sorted({0, page_count // 2, page_count - 1}):
            page = doc.load_page(number)
            real = (
                page.xref,
                round(page.rect.width, 3),
                round(page.rect.height, 3),
                page.rotation,
                tuple(round(v, 3) for v in page.cropbox),
            )
            mine = pages[number]
            if real != (
                xrefs[number],
                round(mine.width, 3),
                round(mine.height, 3),
                mine.rotation,
                tuple(round(v, 3) for v in mine.cropbox),
            ):
                return None
        return pages
    except Exception:
        return None


_MAX_DEPTH = 64  # real page trees are a few levels deep; deeper is a loop or an attack


def _walk_page_tree(ll: Any, raw: object, page_count: int) -> tuple[Any, Any] | None:
    """The packed geometry and the xref of every page, in page order, from one walk of the
    page tree (None if it does not hold exactly ``page_count`` pages or looks odd).

    Keys are inherited down the walk, as MuPDF inherits them up each page's /Parent chain
    (checked: a page's /Parent must be the node that lists it). Consecutive pages mostly
    repeat their keys, so a box equal to the previous page's is not converted again.
    """
    from array import array

    gets, is_array, array_get, array_len = (
        ll.ll_pdf_dict_gets,
        ll.ll_pdf_is_array,
        ll.ll_pdf_array_get,
        ll.ll_pdf_array_len,
    )
    to_rect, to_int, to_num, is_number = (
        ll.ll_pdf_to_rect,
        ll.ll_pdf_to_int,
        ll.ll_pdf_to_num,
        ll.ll_pdf_is_number,
    )
    same = ll.ll_pdf_objcmp  # 0: equal values (deep, for arrays)
    values = array("d")
    xrefs = array("q")
    packed: dict[tuple[object, ...], tuple[float, ...]] = {}
    last: list[Any] = [None, None, None, None]  # previous MediaBox, its rect, CropBox, rect

    def rect(o: object, slot: int) -> tuple[float, float, float, float] | None:
        if not is_array(o):
            return None
        prev = last[slot]
        if prev is not None and not same(prev, o):
            return last[slot + 1]  # type: ignore[no-any-return]
        r = to_rect(o)
        last[slot], last[slot + 1] = o, (r.x0, r.y0, r.x1, r.y1)
        return last[slot + 1]  # type: ignore[no-any-return]

    def walk(
        node: object, num: int, media: object, crop: object, rotate: object, depth: int
    ) -> bool:
        kids = gets(node, "Kids")
        n = array_len(kids)
        for i in range(n):
            kid = array_get(kids, i)
            if to_num(gets(kid, "Parent")) != num:
                return False
            if is_number(gets(kid, "UserUnit")):
                return False
            m = gets(kid, "MediaBox") or media
            c = gets(kid, "CropBox") or crop
            r = gets(kid, "Rotate") or rotate
            if is_array(gets(kid, "Kids")):  # an intermediate node
                kid_num = to_num(kid)
                if depth >= _MAX_DEPTH or not kid_num or kid_num in nodes:
                    return False
                nodes.add(kid_num)
                if not walk(kid, kid_num, m, c, r, depth + 1):
                    return False
                continue
            if len(xrefs) >= page_count:
                return False
            keys = (rect(m, 0), rect(c, 2), int(to_int(r)) if r else 0)
            page = packed.get(keys)
            if page is None:
                page = packed[keys] = from_page_keys(*keys)
            values.extend(page)
            xrefs.append(to_num(kid))
        return True

    root = gets(gets(ll.ll_pdf_trailer(raw), "Root"), "Pages")
    root_num = to_num(root)
    if not root_num or not is_array(gets(root, "Kids")) or is_number(gets(root, "UserUnit")):
        return None
    nodes = {root_num}
    ok = walk(
        root, root_num, gets(root, "MediaBox"), gets(root, "CropBox"), gets(root, "Rotate"), 0
    )
    return (values, xrefs) if ok and len(xrefs) == page_count else None


def _object_exists(doc: pymupdf.Document, xref: int) -> bool:
    if not 0 < xref < doc.xref_length():
        return False
    try:
        return doc.xref_object(xref, compressed=True).strip() != "null"
    except Exception:
        return False


def _lost_part(doc: pymupdf.Document, page: pymupdf.Page) -> str | None:
    """What a repaired file lost of this page, if anything.

    MuPDF repairs a truncated file silently and shows a page whose object is gone
    as a blank Letter page; importing that would label a page that does not exist.
    Only checked on repaired files, so sound files stay fast.
    """
    if not _object_exists(doc, page.xref):
        return "is missing"
    if any(not _object_exists(doc, xref) for xref in page.get_contents()):
        return "has lost its content"
    return None


def inspect_with_timeout(
    worker: WorkerProcess, path: str, password: str | None, timeout: float = 30.0
) -> Inspection:
    """Inspect in ``worker``; a hang or a crash of MuPDF becomes a verdict, not an exception."""
    try:
        return worker.call(inspect_pdf, path, password, timeout=timeout)
    except WorkerTimeout:
        return _refuse("timeout", f"timed out after {timeout:.0f} s")
    except WorkerCrashed:
        return _refuse("damaged", "the PDF engine crashed on this file")
