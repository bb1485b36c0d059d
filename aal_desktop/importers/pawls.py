"""PAWLS annotation files (`<annotator>_annotations.json`, allenai/pawls).

`bounds` {left, top, right, bottom} are PDF points of the page as pdfplumber measures it:
origin top-left of the CropBox, which is our displayed space for unrotated pages. `page` is
0-based. The PDF is the one in the same folder (PAWLS keeps `<sha>/<sha>.pdf`); the page sizes
PAWLS saw are in `pdf_structure.json` beside it, when present. Token indices and relations
are not carried over: the text under a box is read again from our own words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes

SUFFIX = "_annotations.json"


def _page_sizes(folder: Path) -> dict[int, tuple[float, float]]:
    path = folder / "pdf_structure.json"
    if not path.is_file():
        return {}
    try:
        pages = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for p in pages if isinstance(pages, list) else []:
        info = p.get("page") if isinstance(p, dict) else None
        if isinstance(info, dict) and {"width", "height", "index"} <= info.keys():
            out[int(info["index"])] = (float(info["width"]), float(info["height"]))
    return out


def _pdf_name(folder: Path) -> str:
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    return pdfs[0] if pdfs else f"{folder.name}.pdf"


def _box(a: dict[str, Any], i: int, annotator: str | None, source: Path) -> ForeignBox:
    fid = str(a.get("id") or f"#{i}")
    label = a.get("label")
    text = label.get("text") if isinstance(label, dict) else label
    b = a.get("bounds")
    if not isinstance(text, str) or not isinstance(b, dict):
        raise ValidationFailed(f"{source}: annotation {fid} has no label text or no bounds")
    box = tuple(
        number(b.get(k), f"bounds.{k} of {fid}", source) for k in ("left", "top", "right", "bottom")
    )
    x0, y0, x1, y1 = box
    return ForeignBox(
        fid,
        str(int(a.get("page", 0))),
        text,
        (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
        annotator=annotator,
    )


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("annotations"), list):
        raise ValidationFailed(f"{path}: not a PAWLS annotation file (no 'annotations' list)")
    annotator = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else None
    boxes = tuple(
        _box(a, i, annotator, path) for i, a in enumerate(doc["annotations"]) if isinstance(a, dict)
    )
    sizes = _page_sizes(path.parent)
    pdf = _pdf_name(path.parent)
    keys = sorted({int(b.page_key) for b in boxes})
    pages = tuple(
        ForeignPage(
            key=str(k),
            width=sizes.get(k, (None, None))[0],
            height=sizes.get(k, (None, None))[1],
            unit="pt",
            page_hint=k,
            page_base=0,
            document_name=pdf,
        )
        for k in keys
    )
    notes = ["PAWLS token indices are not kept (the text is read again from the PDF)"]
    if doc.get("relations"):
        notes.append(f"{len(doc['relations'])} PAWLS relations are not carried over")
    return ForeignFile("pawls", Path(path), sha, pages, boxes, notes=tuple(notes))
