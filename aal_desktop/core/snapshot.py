"""A member document of a frozen dataset version: the one value the changelog, the
version service and every release writer share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .records import Document, PageRecord


@dataclass(frozen=True)
class SnapshotDocument:
    """One document of a version: its record as of the cut, its split, its pages
    (displayed size) and, for a release, the managed copy of its PDF."""

    document: Document
    split: str
    pages: list[PageRecord] = field(default_factory=list)
    pdf_path: Path | None = None

    @property
    def id(self) -> int:
        return self.document.id

    @property
    def sha256(self) -> str:
        return self.document.sha256

    @property
    def filename(self) -> str:
        return self.document.filename
