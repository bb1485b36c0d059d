"""Everything a release writes, read from the project once: the writers never touch SQLite.

Why a snapshot: every format (COCO, YOLO, JSONL, Parquet, Croissant, the datasheet) must
describe exactly the same frozen version, and a writer that only sees plain values can be
tested without a database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.records import Document, PageRecord, Region
from ..core.schema import LabelClass, LabelSchema

if TYPE_CHECKING:
    from ..services.project import Project

SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass(frozen=True)
class SnapshotDocument:
    """One document of the version: its record, its split and its pages (displayed size)."""

    document: Document
    split: str
    pages: list[PageRecord]
    pdf_path: Path | None = None  # the managed copy, for rendering and --pdfs


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


def _as_list(value: Any) -> list[Any]:
    """Stored lists may arrive as JSON text or as a comma-separated string."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = [v.strip() for v in value.split(",") if v.strip()]
        return list(parsed) if isinstance(parsed, list | tuple) else [parsed]
    return list(value)


def _parent_release(project: Project, parent: str | None) -> ParentRelease | None:
    if parent is None:
        return None
    row = project.db.execute(
        "SELECT version, path, manifest_sha256, created_at FROM releases WHERE version = ? "
        "ORDER BY id DESC LIMIT 1", [parent]
    ).fetchone()
    return ParentRelease(*row) if row else None


def assemble(project: Project, version_name: str) -> ReleaseSnapshot:
    """Read one frozen version through the services (versions, schemas) into a snapshot."""
    from ..services import schemas, versions

    info = versions.get_version(project, version_name)
    schema = schemas.get(project, info.schema_version)
    docs: list[SnapshotDocument] = []
    for vd in versions.version_documents(project, version_name):
        pdf = project.blobs.path(vd.document.sha256)
        docs.append(SnapshotDocument(vd.document, vd.split, list(vd.pages),
                                     pdf if pdf.is_file() else None))
    docs.sort(key=lambda d: (d.document.sha256, d.document.id))
    regions: dict[tuple[int, int], list[Region]] = {}
    for region in versions.version_regions(project, version_name):
        regions.setdefault((region.document_id, region.page), []).append(region)
    for rs in regions.values():
        rs.sort(key=lambda r: (r.reading_order if r.reading_order is not None else 1 << 30,
                               r.box.y0, r.box.x0, r.id))
    changelog = versions.version_changelog(project, version_name)
    annotators = sorted({r.annotator for rs in regions.values() for r in rs})
    return ReleaseSnapshot(
        name=info.name, dataset=info.dataset, parent=info.parent,
        schema_version=info.schema_version, schema=schema,
        created_by=info.created_by, created_at=info.created_at,
        documents=docs, regions=regions,
        statuses=_as_list(info.statuses), split_ratios=[float(r) for r in
                                                         _as_list(info.split_ratios)],
        seed=info.seed,
        semver=info.semver,
        stats=versions.version_stats(project, version_name),
        changelog=changelog,
        changelog_md=versions.changelog_markdown(changelog),
        changes=versions.changes_between(project, info.parent, version_name),
        parent_release=_parent_release(project, info.parent),
        guideline_version=schema.guideline_version,
        annotators=annotators,
    )
