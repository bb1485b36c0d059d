"""The report as typed blocks, and its writers: Markdown, self-contained HTML, PDF.

Kept apart from gathering the facts (services/report.py) so the output formats change
without touching what the report says; no template engine needed.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from ..pdf.html_pdf import html_to_pdf

UNRECORDED = "(not recorded)"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Preformatted:
    text: str
    language: str = ""


Block = Heading | Para | Bullets | Table | Preformatted


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append(Heading(level, text))

    def p(self, text: str) -> None:
        self.blocks.append(Para(text))

    def bullets(self, items: list[str]) -> None:
        if items:
            self.blocks.append(Bullets(tuple(items)))

    def table(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.blocks.append(Table(tuple(headers), tuple(tuple(r) for r in rows)))

    def pre(self, text: str, language: str = "") -> None:
        self.blocks.append(Preformatted(text, language))


def value_text(value: Any) -> str:
    """A cell or fact as text; a missing value says so."""
    if value is None or value == "":
        return UNRECORDED
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flatten_metrics(metrics: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested measures as (dotted name, value) rows."""
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten_metrics(value, name + ".")
        else:
            yield name, value


def _md_cell(value: Any) -> str:
    return value_text(value).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(rep: Report) -> str:
    out = [f"# {rep.title}", ""]
    for b in rep.blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(b.headers) + " |")
            out.append("|" + "|".join("---" for _ in b.headers) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        else:
            fence = "````" if "```" in b.text else "```"
            out += [fence + b.language, b.text, fence, ""]
    return "\n".join(out).rstrip() + "\n"


def _inline_html(text: str) -> str:
    """Escape, then turn `code` spans into <code> (the only inline markup the report uses)."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #bbb;"
    "padding:3px 6px;text-align:left;vertical-align:top;font-size:90%}"
    "th{background:#eee}pre{background:#f6f6f6;padding:8px;overflow:auto}"
    "code{background:#f0f0f0}"
)


def to_html(rep: Report) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(rep.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(rep.title)}</h1>",
    ]
    for b in rep.blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{_inline_html(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_inline_html(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(value_text(c))}</td>" for c in row) + "</tr>"
                for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            out.append(f"<pre>{html.escape(b.text)}</pre>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


REPORT_SUFFIXES = {
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".html": "HTML",
    ".htm": "HTML",
    ".pdf": "PDF",
}


def report_format(output: Path | str) -> str:
    """Markdown, HTML or PDF by the file's suffix; any other suffix is refused (a .pdf once
    received Markdown, a .docx would too)."""
    suffix = Path(output).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValidationFailed(
            f"cannot write a report as '{suffix or Path(output).name}': name the file "
            ".md (Markdown), .html or .htm (HTML) or .pdf (PDF)"
        )
    return REPORT_SUFFIXES[suffix]


def write_rendered(rep: Report, out: Path, kind: str) -> Path:
    """Write `rep` as `kind` (a value of REPORT_SUFFIXES) atomically: a PDF is laid out from
    the HTML by PyMuPDF."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        if kind == "PDF":
            html_to_pdf(to_html(rep), tmp)
        else:
            tmp.write_text(to_html(rep) if kind == "HTML" else to_markdown(rep), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
