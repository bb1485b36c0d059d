"""Write ``resources/sample.pdf``: a two-page article to label with the 11 DocLayNet classes.

Why: the app, its tests and its screenshots need a document that shows every layout
class (page header and footer, title, section headers, text, list items, formula,
table, picture, caption, footnote) and whose licence is beyond doubt. The text is
written for this file and the drawing is done here, so the whole sample is CC0-1.0
(see ``SAMPLE-LICENSE.md``). Only the PDF Base-14 fonts are used, nothing is embedded,
and the dates are fixed, so running the script twice gives byte-identical files.

Run: ``python resources/make_sample.py [--output PATH]``.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf

PAGE_W, PAGE_H = 612.0, 792.0  # US Letter, in points
MARGIN = 54.0
GUTTER = 18.0
COL_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2
LEFT_X = (MARGIN, MARGIN + COL_W)
RIGHT_X = (PAGE_W - MARGIN - COL_W, PAGE_W - MARGIN)
FIRST_PAGE_NO = 41  # the article's first page in its (fictional) journal issue
BODY_BOTTOM = 712.0  # the text area ends here; footnotes and the footer sit below

BODY, BODY_IT, SANS, SANS_BOLD, SYMBOL = "tiro", "tiit", "helv", "hebo", "symb"
BODY_SIZE, LEADING = 9.5, 11.6

BLACK: tuple[float, float, float] = (0.0, 0.0, 0.0)
GREY: tuple[float, float, float] = (0.38, 0.38, 0.38)
LIGHT: tuple[float, float, float] = (0.82, 0.82, 0.82)
BLUE: tuple[float, float, float] = (0.24, 0.44, 0.69)
ORANGE: tuple[float, float, float] = (0.87, 0.49, 0.16)

FIXED_DATE = "D:20250301120000Z"  # fixed so the bytes do not change from run to run
METADATA: dict[str, str] = {
    "title": "Where Annotators Disagree: Measuring Label Agreement on Document Page Layout",
    "author": "AAL Desktop project (fictional authors)",
    "subject": "Sample document for labelling page layout with the DocLayNet classes",
    "keywords": "sample, document layout, DocLayNet, annotation, CC0-1.0",
    "creator": "aal-desktop resources/make_sample.py",
    "producer": "PyMuPDF",
    "creationDate": FIXED_DATE,
    "modDate": FIXED_DATE,
}

# A run of inline text: (text, font, size, baseline shift downwards).
Run = tuple[str, str, float, float]


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in points, so lines can be wrapped and justified by hand."""
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


class Canvas:
    """One page's drawing, collected in a single Shape so the page has one content stream."""

    def __init__(self, page: pymupdf.Page) -> None:
        self.page = page
        self.shape = page.new_shape()

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font: str = BODY,
        size: float = BODY_SIZE,
        color: Sequence[float] = BLACK,
        rotate: int = 0,
    ) -> None:
        """Draw one line of text with its baseline at ``y``."""
        self.shape.insert_text(
            (x, y), text, fontname=font, fontsize=size, color=color, rotate=rotate
        )

    def runs(self, x: float, y: float, runs: Sequence[Run]) -> float:
        """Draw inline runs (sub- and superscripts, mixed fonts); return the end x."""
        for text, font, size, dy in runs:
            self.text(x, y + dy, text, font, size)
            x += text_width(text, font, size)
        return x

    def line(
        self,
        p1: tuple[float, float],
        p2: tuple[float, float],
        width: float = 0.5,
        color: Sequence[float] = BLACK,
    ) -> None:
        """Draw a straight rule."""
        self.shape.draw_line(p1, p2)
        self.shape.finish(width=width, color=color)

    def rect(
        self,
        rect: pymupdf.Rect,
        fill: Sequence[float] | None,
        color: Sequence[float] | None = None,
        width: float = 0.5,
    ) -> None:
        """Draw a filled and/or stroked rectangle."""
        self.shape.draw_rect(rect)
        self.shape.finish(width=width, color=color, fill=fill)

    def dot(self, x: float, y: float, r: float, fill: Sequence[float] = BLACK) -> None:
        """Draw a filled circle (list bullets and chart markers)."""
        self.shape.draw_circle((x, y), r)
        self.shape.finish(width=0, color=None, fill=fill)

    def commit(self) -> None:
        """Write the collected drawing into the page."""
        self.shape.commit()


def word_runs(word: str, font: str, size: float) -> list[Run]:
    """Split ``word^N`` into the word and a raised footnote marker."""
    if "^" in word:
        base, mark = word.split("^", 1)
        return [(base, font, size, 0.0), (mark, font, size * 0.62, -size * 0.38)]
    return [(word, font, size, 0.0)]


def runs_width(runs: Sequence[Run]) -> float:
    """Width of a sequence of runs."""
    return sum(text_width(text, font, size) for text, font, size, _ in runs)


@dataclass
class Column:
    """A column of flowing text: a left and right edge and a cursor that moves down."""

    canvas: Canvas
    x0: float
    x1: float
    top: float
    bottom: float = BODY_BOTTOM

    def _advance(self, height: float) -> float:
        """Reserve ``height`` points; fail loudly if the column would overflow."""
        start = self.top
        self.top += height
        if self.top > self.bottom + 0.01:
            raise ValueError(f"column at x={self.x0:.0f} overflows: {self.top:.1f} > {self.bottom}")
        return start

    def space(self, height: float) -> None:
        """Leave vertical space."""
        self._advance(height)

    def paragraph(
        self,
        text: str,
        *,
        font: str = BODY,
        size: float = BODY_SIZE,
        leading: float = LEADING,
        indent: float = 0.0,
        first_indent: float = 0.0,
        justify: bool = True,
        after: float = 5.0,
        bold_lead: int = 0,
    ) -> None:
        """Wrap and (optionally) justify a paragraph, placing each word itself.

        The first ``bold_lead`` words are set in the bold face (caption labels).
        """
        space_w = text_width(" ", font, size)
        bold = SANS_BOLD if font == SANS else "tibo"
        words = [
            word_runs(w, bold if i < bold_lead else font, size) for i, w in enumerate(text.split())
        ]
        lines: list[list[list[Run]]] = [[]]
        used = 0.0
        for word in words:
            width = self.x1 - self.x0 - indent - (first_indent if len(lines) == 1 else 0.0)
            w = runs_width(word)
            extra = w if not lines[-1] else space_w + w
            if lines[-1] and used + extra > width:
                lines.append([word])
                used = w
            else:
                lines[-1].append(word)
                used += extra
        for i, line in enumerate(lines):
            top = self._advance(leading)
            baseline = top + size * 0.86
            x = self.x0 + indent + (first_indent if i == 0 else 0.0)
            width = self.x1 - x
            natural = sum(runs_width(w) for w in line)
            gap = space_w
            if justify and i < len(lines) - 1 and len(line) > 1:
                gap = (width - natural) / (len(line) - 1)
            for word in line:
                x = self.canvas.runs(x, baseline, word) + gap
        self.space(after)

    def heading(self, text: str, size: float = 10.5) -> None:
        """A numbered section header in bold sans."""
        self.space(3.0)
        top = self._advance(size * 1.35)
        self.canvas.text(self.x0, top + size, text, SANS_BOLD, size)
        self.space(3.0)

    def bullet_item(self, text: str, marker: str | None = None) -> None:
        """A list item with a hanging indent: a drawn bullet, or ``marker`` such as ``1.``."""
        start = self.top
        self.paragraph(text, indent=13.0, after=2.5, justify=False)
        baseline = start + BODY_SIZE * 0.86
        if marker is None:
            self.canvas.dot(self.x0 + 5.0, baseline - BODY_SIZE * 0.3, 1.6)
        else:
            self.canvas.text(self.x0 + 1.5, baseline, marker, BODY, BODY_SIZE)

    def caption(self, label: str, text: str) -> None:
        """A figure or table caption: bold sans label followed by sans text."""
        self.paragraph(
            f"{label} {text}",
            font=SANS,
            size=8.0,
            leading=10.0,
            after=6.0,
            bold_lead=len(label.split()),
        )

    def formula(self, lhs: Sequence[Run], num: Sequence[Run], den: Sequence[Run], tag: str) -> None:
        """A displayed fraction ``lhs = num / den`` centred, with its equation number."""
        self.space(2.0)
        top = self._advance(30.0)
        mid = top + 15.0
        lhs_w = runs_width(lhs)
        frac_w = max(runs_width(num), runs_width(den)) + 4.0
        total = lhs_w + frac_w
        x = (self.x0 + self.x1 - total) / 2
        self.canvas.runs(x, mid + 3.5, lhs)
        fx = x + lhs_w
        self.canvas.runs(fx + (frac_w - runs_width(num)) / 2, mid - 3.5, num)
        self.canvas.line((fx, mid), (fx + frac_w, mid), width=0.6)
        self.canvas.runs(fx + (frac_w - runs_width(den)) / 2, mid + 11.0, den)
        self.canvas.text(self.x1 - text_width(tag, BODY, BODY_SIZE), mid + 3.5, tag)
        self.space(6.0)


def running_header(canvas: Canvas, left: str, right: str) -> None:
    """Running header with a rule; drawn first so it comes first in reading order."""
    canvas.text(MARGIN, 38.0, left, SANS, 7.5, GREY)
    canvas.text(PAGE_W - MARGIN - text_width(right, SANS, 7.5), 38.0, right, SANS, 7.5, GREY)
    canvas.line((MARGIN, 44.0), (PAGE_W - MARGIN, 44.0), width=0.4, color=GREY)


def running_footer(canvas: Canvas, page_no: int) -> None:
    """Footer with the journal page number; drawn last so it comes last in reading order."""
    foot_left = "Journal of Applied Document Engineering, Vol. 12, No. 3"
    foot_right = str(FIRST_PAGE_NO + page_no - 1)
    canvas.text(MARGIN, 766.0, foot_left, SANS, 7.5, GREY)
    canvas.text(
        PAGE_W - MARGIN - text_width(foot_right, SANS, 7.5), 766.0, foot_right, SANS, 7.5, GREY
    )


def footnote(canvas: Canvas, mark: str, text: str, top: float = 722.0) -> None:
    """A short rule and a footnote, full width below the text area."""
    canvas.line((MARGIN, top), (MARGIN + 90.0, top), width=0.4)
    column = Column(canvas, MARGIN, PAGE_W - MARGIN, top + 4.0, bottom=756.0)
    canvas.text(MARGIN, top + 4.0 + 7.5 * 0.86 - 2.5, mark, BODY, 5.5)
    column.paragraph(text, size=7.5, leading=9.0, indent=5.0, after=0.0)


def table(
    canvas: Canvas,
    x0: float,
    top: float,
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    row_h: float = 12.5,
    size: float = 7.5,
    split: bool = False,
) -> float:
    """A ruled grid with a bold header row; numbers right-aligned, words left-aligned.

    ``split`` leaves the last rule thin, as where a page break cuts a table. Returns the
    bottom edge, so the caller can flow text under it.
    """
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top + row_h * len(rows)
    canvas.rect(pymupdf.Rect(x0, top, xs[-1], top + row_h), fill=(0.92, 0.94, 0.97))
    for i in range(len(rows) + 1):
        y = top + i * row_h
        canvas.line(
            (x0, y),
            (xs[-1], y),
            width=0.8 if i in (0, 1) or (i == len(rows) and not split) else 0.35,
        )
    for x in xs:
        canvas.line((x, top), (x, bottom), width=0.35)
    for r, row in enumerate(rows):
        font = SANS_BOLD if r == 0 else SANS
        baseline = top + r * row_h + row_h / 2 + size * 0.35
        for c, cell in enumerate(row):
            numeric = r > 0 and cell.replace(",", "").replace(".", "").isdigit()
            if not numeric and (r > 0 or c == 0 or not rows[1][c][:1].isdigit()):
                x = xs[c] + 3.0
            else:
                x = xs[c + 1] - 3.0 - text_width(cell, font, size)
            canvas.text(x, baseline, cell, font, size)
    return bottom


def bar_chart(canvas: Canvas, box: pymupdf.Rect, data: Sequence[tuple[str, float]]) -> None:
    """A vector bar chart: axes, gridlines, ticks, bars and labels, all inside ``box``."""
    plot = pymupdf.Rect(box.x0 + 30.0, box.y0 + 8.0, box.x1 - 6.0, box.y1 - 18.0)
    y_max = 30.0
    for tick in range(0, 31, 10):
        y = plot.y1 - plot.height * tick / y_max
        if tick:
            canvas.line((plot.x0, y), (plot.x1, y), width=0.3, color=LIGHT)
        canvas.line((plot.x0 - 3.0, y), (plot.x0, y), width=0.5)
        label = str(tick)
        canvas.text(plot.x0 - 5.0 - text_width(label, SANS, 6.5), y + 2.3, label, SANS, 6.5)
    canvas.text(box.x0 + 8.0, plot.y1 - 8.0, "Disputed regions (%)", SANS, 6.5, rotate=90)
    slot = plot.width / len(data)
    for i, (name, value) in enumerate(data):
        x = plot.x0 + i * slot
        bar = pymupdf.Rect(
            x + slot * 0.2, plot.y1 - plot.height * value / y_max, x + slot * 0.8, plot.y1
        )
        canvas.rect(bar, fill=BLUE)
        cx = x + slot / 2
        canvas.text(cx - text_width(name, SANS, 6.0) / 2, plot.y1 + 9.0, name, SANS, 6.0)
    canvas.line((plot.x0, plot.y0), (plot.x0, plot.y1), width=0.7)
    canvas.line((plot.x0, plot.y1), (plot.x1, plot.y1), width=0.7)


def line_chart(
    canvas: Canvas,
    box: pymupdf.Rect,
    series: Sequence[tuple[str, Sequence[float], tuple[float, float, float]]],
) -> None:
    """A vector line chart over four rounds with a legend, y from 0.6 to 1.0."""
    plot = pymupdf.Rect(box.x0 + 30.0, box.y0 + 8.0, box.x1 - 8.0, box.y1 - 20.0)
    lo, hi = 0.6, 1.0
    for k in range(5):
        value = lo + k * 0.1
        y = plot.y1 - plot.height * (value - lo) / (hi - lo)
        if k:
            canvas.line((plot.x0, y), (plot.x1, y), width=0.3, color=LIGHT)
        canvas.line((plot.x0 - 3.0, y), (plot.x0, y), width=0.5)
        label = f"{value:.1f}"
        canvas.text(plot.x0 - 5.0 - text_width(label, SANS, 6.5), y + 2.3, label, SANS, 6.5)
    n = len(series[0][1])
    step = plot.width / (n - 1 + 0.6)

    def px(i: int) -> float:
        return float(plot.x0 + step * (i + 0.3))

    for i in range(n):
        label = f"Round {i + 1}"
        canvas.line((px(i), plot.y1), (px(i), plot.y1 + 3.0), width=0.5)
        canvas.text(px(i) - text_width(label, SANS, 6.5) / 2, plot.y1 + 11.0, label, SANS, 6.5)
    # The guideline revision, between rounds 2 and 3, as a dashed vertical rule.
    xr = (px(1) + px(2)) / 2
    canvas.shape.draw_line((xr, plot.y0), (xr, plot.y1))
    canvas.shape.finish(width=0.5, color=GREY, dashes="[2 2] 0")
    canvas.text(xr + 2.0, plot.y0 + 7.0, "guideline v2.0", SANS, 5.5, GREY)
    for _name, values, colour in series:
        points = [
            (px(i), plot.y1 - plot.height * (v - lo) / (hi - lo)) for i, v in enumerate(values)
        ]
        canvas.shape.draw_polyline(points)
        canvas.shape.finish(width=1.2, color=colour, closePath=False)
        for x, y in points:
            canvas.dot(x, y, 2.0, fill=colour)
    legend_y = plot.y1 - 24.0
    for j, (name, _values, colour) in enumerate(series):
        y = legend_y + j * 9.0
        canvas.line((plot.x1 - 78.0, y), (plot.x1 - 66.0, y), width=1.2, color=colour)
        canvas.text(plot.x1 - 63.0, y + 2.2, name, SANS, 6.0)
    canvas.line((plot.x0, plot.y0), (plot.x0, plot.y1), width=0.7)
    canvas.line((plot.x0, plot.y1), (plot.x1, plot.y1), width=0.7)


def it(text: str, size: float = 10.0, dy: float = 0.0) -> Run:
    """An italic run, for formula variables."""
    return (text, BODY_IT, size, dy)


def page_one(doc: pymupdf.Document) -> None:
    """Title page: title block, introduction, method, Table 1 and Figure 1."""
    canvas = Canvas(doc.new_page(width=PAGE_W, height=PAGE_H))
    running_header(canvas, "J. Appl. Doc. Eng. 12(3), 41-43, 2025", "RESEARCH ARTICLE")

    title = ["Where Annotators Disagree: Measuring Label", "Agreement on Document Page Layout"]
    for i, line in enumerate(title):
        canvas.text(
            (PAGE_W - text_width(line, SANS_BOLD, 17.0)) / 2, 82.0 + i * 21.0, line, SANS_BOLD, 17.0
        )
    authors = "Maria Okafor, Daniel Lindqvist and Priya Raman"
    canvas.text((PAGE_W - text_width(authors, SANS, 10.0)) / 2, 130.0, authors, SANS, 10.0)
    place = "Northgate Institute for Document Studies, Leeds, United Kingdom"
    canvas.text((PAGE_W - text_width(place, BODY_IT, 9.0)) / 2, 143.0, place, BODY_IT, 9.0)
    canvas.line((MARGIN, 156.0), (PAGE_W - MARGIN, 156.0), width=0.4, color=GREY)

    left = Column(canvas, *LEFT_X, top=164.0)
    left.heading("1   Introduction")
    left.paragraph(
        "Models that find the parts of a page, such as its headings, tables and figures, are "
        "trained on boxes that people drew by hand. Those boxes are not a ground truth in any "
        "strict sense: two careful annotators given the same page and the same guideline will "
        "often draw slightly different regions, and now and then they will disagree about what "
        "a region is at all. Left unmeasured, such disagreement quietly sets a ceiling on the "
        "accuracy that any model trained on the data can show."
    )
    left.paragraph(
        "This article reports what we learned from labelling 1,200 pages of reports, manuals "
        "and scientific articles with eleven layout classes. Every page was labelled by three "
        "people working independently, and every later correction was kept together with the "
        "reason given for it.^1 The result is a record not only of the final boxes but of how "
        "they came to be.",
        first_indent=10.0,
    )
    left.paragraph("We set out to answer three questions:", first_indent=10.0, after=3.0)
    left.bullet_item("Which classes do annotators confuse most often, and on which kinds of page?")
    left.bullet_item(
        "How much of the disagreement concerns the label, and how much the extent of the box?"
    )
    left.bullet_item(
        "Does a revised guideline reduce disagreement, or does it only move it elsewhere?"
    )
    left.space(3.0)
    left.heading("2   Method")
    left.paragraph(
        "Pages were drawn at random from a pool of 310 documents, with no more than eight pages "
        "taken from any one document. The documents were then assigned as wholes to a "
        "training, validation or test split, so that pages of one document never appear in "
        "two splits. Annotators worked in a desktop tool that snaps text boxes to the words "
        "they cover, while pictures and tables are drawn freely."
    )
    left.paragraph(
        "Agreement on labels was measured with Cohen's kappa for each pair of annotators, "
        "computed over regions matched by their overlap:",
        first_indent=10.0,
        after=0.0,
    )
    sub = 2.6
    left.formula(
        lhs=[("k", SYMBOL, 11.0, 0.0), (" = ", SYMBOL, 10.0, 0.0)],
        num=[it("p"), it("o", 7.0, sub), (" - ", SYMBOL, 10.0, 0.0), it("p"), it("e", 7.0, sub)],
        den=[("1", BODY, 10.0, 0.0), (" - ", SYMBOL, 10.0, 0.0), it("p"), it("e", 7.0, sub)],
        tag="(1)",
    )
    left.paragraph(
        "where the observed agreement is the share of matched regions that received the same "
        "class, and the expected agreement is the share that would agree by chance given each "
        "annotator's own class frequencies. Two regions were matched when their intersection "
        "over union was at least 0.5."
    )

    right = Column(canvas, *RIGHT_X, top=164.0)
    right.paragraph(
        "Geometry was judged separately from labels. For each matched pair we recorded the "
        "intersection over union of the two boxes, and we report its median for each class in "
        "Table 1. A low median means that annotators agreed on what a region was but not on "
        "where it ended.",
        after=7.0,
    )
    right.caption(
        "Table 1.", "Agreement between pairs of annotators by class, over all 1,200 pages."
    )
    rows = [
        ["Class", "Regions", "Kappa", "Median IoU"],
        ["Text", "8,412", "0.91", "0.94"],
        ["Section-header", "1,906", "0.88", "0.90"],
        ["List-item", "1,377", "0.85", "0.89"],
        ["Table", "612", "0.83", "0.87"],
        ["Picture", "540", "0.79", "0.82"],
        ["Caption", "733", "0.71", "0.88"],
        ["Footnote", "219", "0.66", "0.85"],
    ]
    bottom = table(canvas, right.x0, right.top, [83.0, 50.0, 50.0, 60.0], rows)
    right.top = bottom + 10.0
    right.paragraph(
        "Text and section headers were the least troublesome classes, which is unsurprising: "
        "their boundaries are set by the words themselves. Tables and pictures were drawn by "
        "hand, and annotators differed on whether a table's title, notes and surrounding rules "
        "belong inside its box. Captions and footnotes show a different pattern. Their boxes "
        "agree closely, yet their labels do not, because a short line of small type below a "
        "figure can reasonably be read either way.",
        first_indent=10.0,
        after=8.0,
    )
    chart = pymupdf.Rect(right.x0, right.top, right.x1, right.top + 132.0)
    bar_chart(
        canvas,
        chart,
        [
            ("Text", 4.1),
            ("Title", 6.8),
            ("List", 9.5),
            ("Table", 15.2),
            ("Picture", 18.4),
            ("Caption", 26.3),
            ("Footnote", 21.7),
        ],
    )
    right.top = chart.y1 + 6.0
    right.caption(
        "Figure 1.",
        "Share of regions whose class was disputed by at least one of the three annotators, "
        "by the class finally assigned.",
    )
    right.paragraph(
        "Figure 1 shows the same effect from another angle. More than a quarter of the regions "
        "finally labelled as captions were called something else by at least one annotator, "
        "most often plain text or a footnote.",
        first_indent=10.0,
    )
    footnote(
        canvas,
        "1",
        "Reasons were chosen from a short fixed list (wrong class, box too large, box too "
        "small, split region, merged regions), with an optional comment in free text.",
    )
    running_footer(canvas, 1)
    canvas.commit()


def page_two(doc: pymupdf.Document) -> None:
    """Results and discussion, Figure 2, and Table 2, which runs on past the page bottom."""
    canvas = Canvas(doc.new_page(width=PAGE_W, height=PAGE_H))
    running_header(canvas, "Okafor, Lindqvist and Raman", "Where Annotators Disagree")

    left = Column(canvas, *LEFT_X, top=56.0, bottom=452.0)
    left.heading("3   Results")
    left.paragraph(
        "Across all classes, pairs of annotators agreed on the label of a matched region in 91 "
        "percent of cases, for a pooled kappa of 0.84. Agreement on geometry was higher still: "
        "the median intersection over union of matched boxes was 0.93. These averages hide "
        "large differences between classes and between kinds of document."
    )
    left.paragraph(
        "Scientific articles were the easiest material. Their layout follows conventions that "
        "most annotators already know, and only formulas caused repeated trouble, chiefly over "
        "whether the equation number belongs to the formula box. Manuals were the hardest. "
        "Their pages mix numbered steps, warnings, screenshots and side notes, and the "
        "guideline said little about any of them.^2",
        first_indent=10.0,
    )
    left.paragraph(
        "Most disagreements were resolved by a reviewer rather than by discussion between "
        "annotators. The reviewer's decision was recorded as a corrective change, keeping the "
        "original label, the new label and a reason, so that the history of every region can "
        "be read back later.",
        first_indent=10.0,
    )
    left.heading("4   Discussion")
    left.paragraph(
        "A revised guideline was introduced after the second of four annotation rounds. It "
        "added examples for captions and footnotes, and it stated that an equation number is "
        "part of its formula. Figure 2 shows how agreement changed from one round to the next."
    )
    left.paragraph(
        "Label agreement rose by nine points after the revision, while agreement on geometry "
        "barely moved. The revision therefore did what it was meant to do; it did not simply "
        "shift disagreement from labels to boxes.",
        first_indent=10.0,
    )

    right = Column(canvas, *RIGHT_X, top=60.0, bottom=452.0)
    chart = pymupdf.Rect(right.x0, right.top, right.x1, right.top + 128.0)
    line_chart(
        canvas,
        chart,
        [
            ("Box IoU (median)", [0.91, 0.92, 0.93, 0.93], ORANGE),
            ("Label kappa", [0.76, 0.78, 0.86, 0.87], BLUE),
        ],
    )
    right.top = chart.y1 + 6.0
    right.caption(
        "Figure 2.",
        "Pooled kappa for class labels and median intersection over union for boxes, by "
        "annotation round. The guideline was revised after round 2.",
    )
    right.paragraph(
        "From these results we draw three recommendations for teams that build layout datasets:",
        after=3.0,
    )
    right.bullet_item(
        "Measure agreement per class from the first round, not only at the end.", marker="1."
    )
    right.bullet_item(
        "Keep every correction with its reason, so that a guideline change can be judged "
        "against the errors it was meant to fix.",
        marker="2.",
    )
    right.bullet_item(
        "Split data by document, never by page, before any model is trained.", marker="3."
    )
    right.space(3.0)
    right.heading("5   Conclusion")
    right.paragraph(
        "Disagreement between annotators is not noise to be averaged away. It shows where a "
        "guideline is silent and which classes a model will find hard, and it is cheap to "
        "measure while the labels are being made. Table 2 lists the documents of the pilot "
        "set with the corrections made to each; it continues on the next page."
    )

    # Table 2 spans both columns and is cut by the page bottom: a split table.
    full = Column(canvas, MARGIN, PAGE_W - MARGIN, top=max(left.top, right.top) + 4.0)
    full.caption(
        "Table 2.",
        "Corrections per document in the pilot set, by document type and number of pages "
        "(continued on the next page).",
    )
    rows = [
        ["Document", "Type", "Pages", "Regions", "Relabels", "Geometry fixes", "Kappa"],
        ["annual-report-2019-northwind", "Report", "8", "214", "11", "17", "0.86"],
        ["pump-controller-manual-rev-c", "Manual", "8", "301", "42", "25", "0.71"],
        ["harbour-survey-final", "Report", "8", "188", "9", "12", "0.88"],
        ["graph-sparsification-preprint", "Article", "8", "176", "6", "8", "0.92"],
        ["municipal-budget-2022", "Report", "7", "233", "19", "21", "0.81"],
        ["dishwasher-installation-guide", "Manual", "7", "164", "31", "14", "0.69"],
        ["soil-carbon-field-trial", "Article", "7", "158", "5", "9", "0.91"],
        ["rail-timetable-changes-2023", "Report", "6", "142", "17", "22", "0.77"],
        ["protein-folding-benchmarks", "Article", "6", "131", "4", "6", "0.93"],
        ["forklift-safety-handbook", "Manual", "6", "149", "26", "11", "0.72"],
        ["coastal-erosion-assessment", "Report", "6", "127", "8", "10", "0.87"],
        ["lightweight-parsers-survey", "Article", "5", "119", "3", "7", "0.94"],
        ["water-quality-quarterly-q3", "Report", "5", "112", "10", "13", "0.84"],
        ["espresso-machine-user-guide", "Manual", "5", "121", "22", "9", "0.70"],
        ["hospital-waiting-times-review", "Report", "5", "108", "7", "11", "0.85"],
        ["sparse-attention-ablations", "Article", "5", "102", "2", "5", "0.95"],
        ["solar-inverter-service-notes", "Manual", "4", "97", "18", "8", "0.74"],
        ["library-digitisation-plan", "Report", "4", "88", "6", "7", "0.88"],
        ["wetland-bird-census-2021", "Article", "4", "84", "3", "4", "0.92"],
        ["ventilation-retrofit-tender", "Report", "4", "91", "12", "15", "0.80"],
        ["garden-tractor-parts-list", "Manual", "4", "79", "14", "6", "0.76"],
        ["urban-heat-island-mapping", "Article", "4", "83", "4", "6", "0.93"],
        ["school-transport-audit", "Report", "3", "67", "5", "8", "0.86"],
        ["cordless-drill-quick-start", "Manual", "3", "58", "9", "3", "0.78"],
    ]
    row_h = 12.5
    fit = int((BODY_BOTTOM - full.top) // row_h)
    if fit < len(rows):
        rows = rows[:fit]
    else:  # the layout above changed: the table must still reach the page bottom
        raise ValueError(f"Table 2 no longer reaches the page bottom ({fit} rows fit)")
    table(
        canvas,
        MARGIN,
        full.top,
        [160.0, 60.0, 50.0, 56.0, 56.0, 72.0, 50.0],
        rows,
        row_h,
        split=True,
    )
    footnote(
        canvas,
        "2",
        "Rounds 1 and 2 used guideline version 1.4; rounds 3 and 4 used version 2.0, which "
        "added sections on captions, footnotes and formulas.",
    )
    running_footer(canvas, 2)
    canvas.commit()


def build() -> bytes:
    """Build the sample in memory and return its bytes."""
    doc = pymupdf.open()
    page_one(doc)
    page_two(doc)
    doc.set_metadata(METADATA)
    # No /ID is written for a new document with no_new_id; reproducible=True (recent
    # PyMuPDF) also keeps anything else time- or random-based out of the file.
    try:
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, reproducible=True)
    except TypeError:  # older PyMuPDF without the reproducible option
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True)
    doc.close()
    return bytes(data)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the sample and print its SHA-256, so a changed output is noticed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("sample.pdf"))
    args = parser.parse_args(argv)
    data = build()
    args.output.write_bytes(data)
    print(f"{args.output}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
