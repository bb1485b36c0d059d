"""Everything a release writes, as one value: the writers never touch the project.

Why a snapshot: every format (COCO, YOLO, JSONL, Parquet, Croissant, the datasheet) must
describe exactly the same frozen version, and a writer that only sees plain values can be
tested without a database. `services/releases.py` reads the version into this value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.records import PageRecord, Region
from ..core.schema import LabelClass, LabelSchema
from ..core.snapshot import (
    AnnotationCoverage,
    Provenance,
    ProvenanceSummary,
    SnapshotDocument,
    provenance_of,
    summarize,
)

SPLITS: tuple[str, ...] = ("train", "val", "test")
__all__ = [
    "SPLITS",
    "DocumentRegions",
    "ParentRelease",
    "Provenance",
    "ReleaseSnapshot",
    "SnapshotDocument",
]
PageKey = tuple[int, int]  # (document id, 0-based page)


class DocumentRegions(Mapping[PageKey, list[Region]]):
    """(document id, page) -> regions, read one document at a time.

    Why: a release streams page by page, so memory must not hold every region of a large
    version; writers go through the pages document after document, and keeping only the
    current document's regions serves them all. `load(document_id)` returns that
    document's regions in page and reading order (the release service reads them from
    the frozen version). Counts per document are remembered (small ints), so counting
    twice does not read twice.
    """

    def __init__(
        self, document_ids: Sequence[int], load: Callable[[int], Iterable[Region]]
    ) -> None:
        self._ids = list(document_ids)
        self._load = load
        self._current: tuple[int, dict[int, list[Region]]] | None = None
        self._counts: dict[int, int] = {}

    def document(self, document_id: int) -> dict[int, list[Region]]:
        if self._current is None or self._current[0] != document_id:
            pages: dict[int, list[Region]] = {}
            if document_id in self._ids:
                for region in self._load(document_id):
                    pages.setdefault(region.page, []).append(region)
            self._current = (document_id, pages)
            self._counts[document_id] = sum(len(rs) for rs in pages.values())
        return self._current[1]

    def count(self, document_id: int) -> int:
        if document_id not in self._counts:
            self.document(document_id)
        return self._counts.get(document_id, 0)

    def __getitem__(self, key: PageKey) -> list[Region]:
        return self.document(key[0])[key[1]]

    def __iter__(self) -> Iterator[PageKey]:
        for doc_id in self._ids:
            for page in sorted(self.document(doc_id)):
                yield doc_id, page

    def __len__(self) -> int:
        return sum(len(self.document(doc_id)) for doc_id in self._ids)

    def items(self) -> Iterator[tuple[PageKey, list[Region]]]:  # type: ignore[override]
        for doc_id in self._ids:
            pages = self.document(doc_id)
            for page in sorted(pages):
                yield (doc_id, page), pages[page]

    def values(self) -> Iterator[list[Region]]:  # type: ignore[override]
        return (rs for _, rs in self.items())


class AllRegions:
    """Every region of the snapshot, re-iterable and streamed (never one list of all)."""

    def __init__(self, regions: Mapping[PageKey, list[Region]]) -> None:
        self._regions = regions

    def __iter__(self) -> Iterator[Region]:
        for rs in self._regions.values():
            yield from rs


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
    # (document id, 0-based page) -> regions: a dict, or DocumentRegions read as needed
    regions: Mapping[PageKey, list[Region]]
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

    @property
    def splits(self) -> list[str]:
        """The splits that hold at least one document, in SPLITS order: the only ones any
        writer writes (a 0-row file breaks `datasets.load_dataset`) or a card lists."""
        used = {d.split for d in self.documents}
        return [s for s in SPLITS if s in used]

    def empty_splits(self) -> list[str]:
        """Splits the ratios asked for that got no document (a release warns about them)."""
        asked = [s for s, r in zip(SPLITS, self.split_ratios, strict=False) if r > 0]
        return [s for s in asked if s not in self.splits]

    @staticmethod
    def provenance(region: Region) -> Provenance:
        """Where the region came from and how it was confirmed (every format carries it)."""
        return provenance_of(region)

    def provenance_summary(self) -> ProvenanceSummary:
        """Regions by confirmation, credit (person or model) and the models used."""
        return summarize(r for rs in self.regions.values() for r in rs)

    def coverage(self) -> AnnotationCoverage | None:
        """How many people annotated the documents, as recorded at the cut (None: a version
        cut before it was recorded)."""
        return AnnotationCoverage.from_json((self.stats or {}).get("annotation"))

    def documents_in(self, split: str) -> list[SnapshotDocument]:
        return [d for d in self.documents if d.split == split]

    def pages_in(self, split: str) -> Iterator[tuple[SnapshotDocument, PageRecord]]:
        """Every page of the split's documents in document then page order."""
        for doc in self.documents_in(split):
            for page in doc.pages:
                yield doc, page

    @property
    def all_regions(self) -> AllRegions:
        """Every region, streamed document by document (iterate it as often as needed)."""
        return AllRegions(self.regions)

    def regions_on(self, document_id: int, page: int) -> list[Region]:
        return self.regions.get((document_id, page), [])

    def region_count(self, split: str | None = None) -> int:
        docs = {d.document.id for d in self.documents if split is None or d.split == split}
        if isinstance(self.regions, DocumentRegions):
            return sum(self.regions.count(doc_id) for doc_id in docs)
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
