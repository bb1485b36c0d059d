"""Parsers of other tools' annotation files: one module per format, each a pure `parse(path)`
that returns a `ForeignFile` (boxes in the foreign frame, labels, foreign ids, page refs)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import ValidationFailed
from .model import FORMATS, ForeignFile

SUFFIXES = {
    "coco": (".json",),
    "labelstudio": (".json",),
    "cvat": (".xml",),
    "labelme": (".json",),
    "pawls": (".json",),
    "pagexml": (".xml",),
}


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed(
            f"unknown annotation format '{fmt}'; use one of {', '.join(FORMATS)}"
        )
    return fmt


def annotation_files(fmt: str, path: Path | str) -> Iterator[Path]:
    """The file itself, or a folder's files of the format's suffix, sorted (recursive).
    In a PAWLS folder only `*_annotations.json` are annotation files."""
    p = Path(path)
    if not p.exists():
        raise ValidationFailed(f"{p}: no such file or folder")
    if p.is_file():
        yield p
        return
    suffixes = SUFFIXES[check_format(fmt)]
    for root, dirs, files in os.walk(p):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(suffixes):
                continue
            if fmt == "pawls" and not name.endswith("annotations.json"):
                continue
            yield Path(root) / name


def parse(fmt: str, path: Path | str) -> ForeignFile:
    module = importlib.import_module(f"{__name__}.{check_format(fmt)}")
    return module.parse(Path(path))  # type: ignore[no-any-return]
