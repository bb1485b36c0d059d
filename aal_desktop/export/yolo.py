"""YOLO (Ultralytics) layout: `images/<split>/`, `labels/<split>/<image stem>.txt`, `data.yaml`.

Each label line is `class cx cy w h`, normalised to the image size; class is the
0-based position of the class in the schema (the same order as COCO category ids).
A page without regions gets an empty label file: a background image, not a missing one.
YOLO lines cannot say where a box came from, so `labels/<split>/provenance.jsonl` holds one
line per label line: the label file, the line number (1-based), the region id and its
provenance (origin, origin_detail, confirmation, annotator).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.records import Region
from .images import image_name, pixel_box, pixel_size
from .snapshot import ReleaseSnapshot

Sizes = dict[tuple[str, int], tuple[int, int]]
PROVENANCE_FILE = "provenance.jsonl"


def label_lines(
    snapshot: ReleaseSnapshot, document_id: int, page: int, dpi: float, size: tuple[int, int]
) -> list[str]:
    return [line for line, _ in labelled_lines(snapshot, document_id, page, dpi, size)]


def labelled_lines(
    snapshot: ReleaseSnapshot, document_id: int, page: int, dpi: float, size: tuple[int, int]
) -> list[tuple[str, Region]]:
    """Each label line with the region it comes from (for the provenance side file)."""
    index = snapshot.class_index()
    w, h = size
    lines = []
    for region in snapshot.regions_on(document_id, page):
        x0, y0, x1, y1 = pixel_box(region.box, dpi, size)
        if x1 <= x0 or y1 <= y0:
            continue  # entirely outside the rendered page: nothing a detector could learn
        cx, cy = (x0 + x1) / 2 / w, (y0 + y1) / 2 / h
        lines.append(
            (
                f"{index[region.class_key]} {cx:.6f} {cy:.6f} "
                f"{(x1 - x0) / w:.6f} {(y1 - y0) / h:.6f}",
                region,
            )
        )
    return lines


def data_yaml(snapshot: ReleaseSnapshot, final_root: Path | None) -> str:
    """`data.yaml` by hand (names are JSON-quoted, which YAML reads as plain strings)."""
    lines = [
        f"# {snapshot.dataset} {snapshot.name}: YOLO detection dataset written by AAL Desktop.",
        "# 'path' is where the release was written; delete that line to use the folder",
        "# holding this file (Ultralytics then resolves the splits relative to it).",
    ]
    if final_root is not None:
        lines.append(f"path: {json.dumps(str(final_root))}")
    lines += [f"{split}: images/{split}" for split in snapshot.splits]
    lines.append(f"nc: {len(snapshot.classes)}")
    lines.append("names:")
    lines += [
        f"  {i}: {json.dumps(c.name, ensure_ascii=False)}" for i, c in enumerate(snapshot.classes)
    ]
    lines.append("keys:")  # extra: our stable class keys, ignored by Ultralytics
    lines += [f"  {i}: {json.dumps(c.key)}" for i, c in enumerate(snapshot.classes)]
    return "\n".join(lines) + "\n"


def write_yolo(
    snapshot: ReleaseSnapshot,
    root: Path,
    dpi: float,
    sizes: Sizes | None = None,
    final_root: Path | None = None,
) -> list[Path]:
    """Write the label files and `data.yaml` (images come from images.py); return them."""
    sizes = sizes or {}
    written: list[Path] = []
    for split in snapshot.splits:
        (root / "images" / split).mkdir(parents=True, exist_ok=True)
        folder = root / "labels" / split
        folder.mkdir(parents=True, exist_ok=True)
        side = folder / PROVENANCE_FILE
        with open(side, "w", encoding="utf-8") as prov:
            for doc, page in snapshot.pages_in(split):
                sha = doc.document.sha256
                size = sizes.get((sha, page.page)) or pixel_size(page.width, page.height, dpi)
                lines = labelled_lines(snapshot, doc.document.id, page.page, dpi, size)
                path = folder / (Path(image_name(sha, page.page)).stem + ".txt")
                path.write_text("".join(line + "\n" for line, _ in lines), encoding="utf-8")
                written.append(path)
                for n, (_, region) in enumerate(lines, start=1):
                    prov.write(
                        json.dumps(
                            {
                                "label_file": path.name,
                                "line": n,
                                "region_id": region.id,
                                **snapshot.provenance(region).to_json(),
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
        written.append(side)
    path = root / "data.yaml"
    path.write_text(data_yaml(snapshot, final_root), encoding="utf-8")
    written.append(path)
    return written
