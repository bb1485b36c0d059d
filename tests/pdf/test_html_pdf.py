"""HTML laid out as a real, multi-page PDF (pdf.html_pdf)."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from aal_desktop.pdf.html_pdf import html_to_pdf


def test_long_html_becomes_a_readable_multi_page_pdf(tmp_path: Path) -> None:
    rows = "".join(f"<p>Paragraph {i}: trained on <code>v{i}</code>.</p>" for i in range(150))
    out = tmp_path / "report.pdf"
    pages = html_to_pdf(f"<h1>Model det:1</h1>{rows}", out)
    assert out.read_bytes().startswith(b"%PDF-")
    with pymupdf.open(out) as doc:
        assert doc.page_count == pages > 1
        assert doc[0].rect.width == 595 and doc[0].rect.height == 842
        text = "".join(page.get_text() for page in doc)
    assert "Model det:1" in text
    assert "Paragraph 0: trained on v0." in text and "Paragraph 149" in text
