"""The changelog between two frozen versions as typed values; `to_json()` gives the exact
document that is stored with a version, printed by `aal version diff --json` and written
into a release (same keys, same order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema_diff import SchemaDiff


@dataclass(frozen=True)
class DocumentEntry:
    """A document added to or removed from the version, with its regions there."""

    id: int
    sha256: str
    filename: str
    split: str
    regions: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "filename": self.filename,
            "split": self.split,
            "regions": self.regions,
        }


@dataclass(frozen=True)
class MovedDocument:
    """A document in both versions whose split changed."""

    id: int
    sha256: str
    filename: str
    from_split: str
    to_split: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "filename": self.filename,
            "from": self.from_split,
            "to": self.to_split,
        }


@dataclass(frozen=True)
class BeforeAfter:
    before: int
    after: int

    def to_json(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after}


@dataclass(frozen=True)
class Summary:
    documents: BeforeAfter
    regions: BeforeAfter
    events: int

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents.to_json(),
            "regions": self.regions.to_json(),
            "events": self.events,
        }


@dataclass(frozen=True)
class AddedRegions:
    total: int
    with_new_documents: int
    by_source: dict[str, int]
    by_class: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "with_new_documents": self.with_new_documents,
            "by_source": dict(self.by_source),
            "by_class": dict(self.by_class),
        }


@dataclass(frozen=True)
class Additions:
    documents: tuple[DocumentEntry, ...]
    regions: AddedRegions

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [d.to_json() for d in self.documents],
            "regions": self.regions.to_json(),
        }


@dataclass(frozen=True)
class Corrections:
    """Net corrections of regions present in both versions (a region counts once)."""

    regions: int
    relabels: dict[str, int]  # "old → new" -> regions
    geometry: int
    attributes: int
    deletions: int
    deletions_by_class: dict[str, int]
    restorations: int
    restorations_by_class: dict[str, int]
    by_review: int
    review_share: float
    by_user: dict[str, int]
    reasons: dict[str, int]  # the reason of each region's last change, most common first

    def to_json(self) -> dict[str, Any]:
        return {
            "regions": self.regions,
            "relabels": dict(self.relabels),
            "geometry": self.geometry,
            "attributes": self.attributes,
            "deletions": self.deletions,
            "deletions_by_class": dict(self.deletions_by_class),
            "restorations": self.restorations,
            "restorations_by_class": dict(self.restorations_by_class),
            "by_review": self.by_review,
            "review_share": self.review_share,
            "by_user": dict(self.by_user),
            "reasons": dict(self.reasons),
        }


@dataclass(frozen=True)
class Removals:
    documents: tuple[DocumentEntry, ...]
    regions: int  # regions that left with their documents

    def to_json(self) -> dict[str, Any]:
        return {"documents": [d.to_json() for d in self.documents], "regions": self.regions}


@dataclass(frozen=True)
class SchemaChange:
    """The label schema's part: versions, the structured diff and its Markdown, and the
    regions a migration relabelled."""

    from_version: int | None
    to_version: int | None
    changed: bool
    diff: SchemaDiff | None
    markdown: str
    migrated: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "from_version": self.from_version,
            "to_version": self.to_version,
            "changed": self.changed,
            "diff": None if self.diff is None else self.diff.model_dump(mode="json"),
            "markdown": self.markdown,
            "migrated": dict(self.migrated),
        }


@dataclass(frozen=True)
class ClassDistribution:
    order: tuple[str, ...]  # schema order, then unknown keys sorted
    before: dict[str, int]
    after: dict[str, int]
    delta: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "order": list(self.order),
            "before": dict(self.before),
            "after": dict(self.after),
            "delta": dict(self.delta),
        }


@dataclass(frozen=True)
class Changelog:
    """What changed from version `from_version` (None: nothing) to `to_version`."""

    from_version: str | None
    to_version: str | None
    change_type: str  # schema | corrective | additive | none
    summary: Summary
    additions: Additions
    corrections: Corrections
    removals: Removals
    schema: SchemaChange
    moved: tuple[MovedDocument, ...]
    class_distribution: ClassDistribution

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_version,
            "to": self.to_version,
            "change_type": self.change_type,
            "summary": self.summary.to_json(),
            "additions": self.additions.to_json(),
            "corrections": self.corrections.to_json(),
            "removals": self.removals.to_json(),
            "schema": self.schema.to_json(),
            "splits": {"moved": [m.to_json() for m in self.moved]},
            "class_distribution": self.class_distribution.to_json(),
        }
