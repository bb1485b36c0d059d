"""Everything a release writes, as one value: the writers never touch the project.

Why a snapshot: every format (COCO, YOLO, JSONL, Parquet, Croissant, the datasheet) must
describe exactly the same frozen version, and a writer that only sees plain values can be
tested without a database. `services/releases.py` reads the version into this value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.records import PageRecord, Region
from ..core.schema import LabelClass, LabelSchema
from ..core.snapshot import SnapshotDocument

SPLITS: tuple[str, ...] = ("train", "val", "test")
__all__ = ["SPLITS", "ParentRelease", "ReleaseSnapshot", "SnapshotDocument"]


@dataclass(frozen=True)
class ParentRelease:
    """The latest release of the parent version, for provenance (`prov:wasDerivedFrom`)."""

    version: str
    path: str
    manifest_sha256: str
    created_at: str


@dataclass
class ReleaseSnapshot:
    """A frozen dataset version with its schema, documents, regions, stats and changelog."""

    name: str
    dataset: str
    parent: str | None
    schema_version: int
    schema: LabelSchema
    created_by: str
    created_at: str
    documents: list[SnapshotDocument]
    regions: dict[tuple[int, int], list[Region]]  # (document id, 0-based page) -> regions
    statuses: list[str] = field(default_factory=lambda: ["approved"])
    split_ratios: list[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])
    seed: int = 0
    semver: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    changelog: dict[str, Any] = field(default_factory=dict)
    changelog_md: str = ""
    changes: list[dict[str, Any]] = field(default_factory=list)
    parent_release: ParentRelease | None = None
    guideline_version: str = ""
    annotators: list[str] = field(default_factory=list)

    # --- derived views, so every writer counts and orders the same way -------------------

    @property
    def classes(self) -> list[LabelClass]:
        """Schema classes in schema order: category ids and YOLO indices follow this order."""
        return list(self.schema.classes)

    def class_index(self) -> dict[str, int]:
        """Class key -> 0-based position in the schema (YOLO index; COCO id is this + 1)."""
        return {c.key: i for i, c in enumerate(self.schema.classes)}

    def class_names(self) -> dict[str, str]:
        return {c.key: c.name for c in self.schema.classes}

    def documents_in(self, split: str) -> list[SnapshotDocument]:
        return [d for d in self.documents if d.split == split]

    def pages_in(self, split: str) -> Iterator[tuple[SnapshotDocument, PageRecord]]:
        """Every page of the split's documents in document then page order."""
        for doc in self.documents_in(split):
            for page in doc.pages:
                yield doc, page

    def regions_on(self, document_id: int, page: int) -> list[Region]:
        return self.regions.get((document_id, page), [])

    def region_count(self, split: str | None = None) -> int:
        docs = {d.document.id for d in self.documents if split is None or d.split == split}
        return sum(len(rs) for (doc_id, _), rs in self.regions.items() if doc_id in docs)

    def page_count(self, split: str | None = None) -> int:
        return sum(len(d.pages) for d in self.documents if split is None or d.split == split)

    def split_of(self) -> dict[int, str]:
        return {d.document.id: d.split for d in self.documents}

    def semantic_version(self) -> str:
        """A SemVer for tools that need one (Croissant): the recorded one, else derived."""
        if self.semver:
            return self.semver
        digits = "".join(ch for ch in self.name if ch.isdigit())
        return f"{int(digits)}.0.0" if digits else "1.0.0"
