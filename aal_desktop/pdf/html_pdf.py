"""HTML to a real PDF with PyMuPDF's Story layout engine: reports a person can print or file.

`aal report MODEL -o x.pdf` once wrote Markdown into a file named .pdf. The report is already
rendered as self-contained HTML; PyMuPDF lays HTML out onto pages (A4, margins), so a PDF
needs no browser and no new dependency.
"""

from __future__ import annotations

from pathlib import Path

A4 = (595.0, 842.0)
MARGIN = 48.0


def html_to_pdf(html: str, output: Path) -> int:
    """Lay `html` out on A4 pages and write the PDF to `output`; returns the page count."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)  # messages belong in logs, never on stdout
    story = pymupdf.Story(html=html)
    page_rect = pymupdf.Rect(0, 0, *A4)
    body = page_rect + (MARGIN, MARGIN, -MARGIN, -MARGIN)
    writer = pymupdf.DocumentWriter(str(output))
    pages = 0
    more = True
    while more:
        device = writer.begin_page(page_rect)
        more, _filled = story.place(body)
        story.draw(device)
        writer.end_page()
        pages += 1
    writer.close()
    return pages
