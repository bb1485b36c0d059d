"""PAGE XML (PRImA, also Transkribus and eScriptorium): `<Page imageFilename imageWidth
imageHeight>` holding `*Region` elements with `<Coords points="x,y x,y …">` polygons in
pixels of that image (older files: `<Point x y/>` children).

A region's label is its structure type: Transkribus' `custom="structure {type:heading;}"`,
else the `type` attribute (TextRegion's paragraph, heading, caption…), else the element name
(TableRegion, ImageRegion…). Reading order comes from `<ReadingOrder>` (RegionRefIndexed,
flattened in order), else from `custom="readingOrder {index:N;}"`. A region nested in
another keeps it as its parent. Polygons become their bounding box (counted). Text lines,
words, baselines and the transcribed text are not carried over.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

from ..core.errors import ValidationFailed
from . import shapes
from .cvat import safe_xml
from .model import ForeignBox, ForeignFile, ForeignPage, number, read_bytes

_CUSTOM = re.compile(r"(\w+)\s*\{([^}]*)\}")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def custom(el: ET.Element) -> dict[str, dict[str, str]]:
    """`readingOrder {index:0;} structure {type:heading;}` → nested dicts."""
    out: dict[str, dict[str, str]] = {}
    for name, body in _CUSTOM.findall(el.get("custom") or ""):
        fields = {}
        for part in body.split(";"):
            if ":" in part:
                k, v = part.split(":", 1)
                fields[k.strip()] = v.strip()
        out[name] = fields
    return out


def _points(region: ET.Element, rid: str, source: Path) -> list[tuple[float, float]]:
    coords = next((c for c in region if local(c.tag) == "Coords"), None)
    if coords is None:
        return []
    if coords.get("points"):
        try:
            return shapes.parse_point_list(coords.get("points") or "")
        except ValueError:
            raise ValidationFailed(f"{source}: region {rid} has bad Coords points") from None
    return [
        (number(p.get("x"), "Point x", source), number(p.get("y"), "Point y", source))
        for p in coords
        if local(p.tag) == "Point"
    ]


def _reading_order(page: ET.Element) -> dict[str, int]:
    ro = next((c for c in page if local(c.tag) == "ReadingOrder"), None)
    if ro is None:
        return {}
    refs = [el for el in ro.iter() if local(el.tag) in ("RegionRefIndexed", "RegionRef")]
    # within a group RegionRefIndexed carries an index; document order breaks ties
    order: dict[str, int] = {}
    for n, el in enumerate(refs):
        ref = el.get("regionRef")
        if ref and ref not in order:
            order[ref] = n
    return order


def parse(path: Path) -> ForeignFile:
    data, sha = read_bytes(path)
    root = safe_xml(data, path)
    if local(root.tag) != "PcGts":
        raise ValidationFailed(f"{path}: not a PAGE XML file (root <{local(root.tag)}>)")
    page = next((c for c in root if local(c.tag) == "Page"), None)
    if page is None:
        raise ValidationFailed(f"{path}: PAGE XML without a <Page>")
    w, h = page.get("imageWidth"), page.get("imageHeight")
    fpage = ForeignPage(
        key="0",
        image_name=page.get("imageFilename"),
        width=number(w, "imageWidth", path) if w else None,
        height=number(h, "imageHeight", path) if h else None,
    )
    order = _reading_order(page)
    boxes: list[ForeignBox] = []

    def walk(el: ET.Element, parent: str | None) -> None:
        for child in el:
            name = local(child.tag)
            if not name.endswith("Region"):
                continue
            rid = child.get("id") or f"#{len(boxes)}"
            info = custom(child)
            label = info.get("structure", {}).get("type") or child.get("type") or name
            ro = order.get(rid)
            if ro is None and "index" in info.get("readingOrder", {}):
                try:
                    ro = int(info["readingOrder"]["index"])
                except ValueError:
                    ro = None
            pts = _points(child, rid, path)
            box = shapes.bounds(pts)
            reduced = (
                None if box is None or shapes.is_axis_aligned_rectangle(pts) else shapes.POLYGON
            )
            boxes.append(
                ForeignBox(
                    rid,
                    "0",
                    label,
                    box,
                    reduced=reduced,
                    skip="empty" if box is None else None,
                    reading_order=ro,
                    parent_id=parent,
                )
            )
            walk(child, rid)

    walk(page, None)
    return ForeignFile(
        "pagexml",
        Path(path),
        sha,
        (fpage,),
        tuple(boxes),
        notes=("PAGE text lines, words, baselines and transcriptions are not carried over",),
    )
