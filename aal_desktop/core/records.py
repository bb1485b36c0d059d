"""Typed records that cross boundaries (store → services → UI/CLI). Rows map to these in store/."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

# The words records use live in core/enums.py (no pydantic); imported from here as before.
from .enums import ChangeType as ChangeType
from .enums import DocStatus as DocStatus
from .enums import EventKind as EventKind
from .enums import Role as Role
from .geometry import Box


class User(BaseModel):
    name: str
    role: Role
    created_at: str
    created_by: str | None = None


class PageRecord(BaseModel):
    """A page's displayed size (points, rotation applied, CropBox-relative) and its boxes."""

    document_id: int
    page: int  # 0-based; the CLI shows 1-based
    width: float
    height: float
    rotation: int = 0
    mediabox: tuple[float, float, float, float]
    cropbox: tuple[float, float, float, float]


class Document(BaseModel):
    id: int
    sha256: str
    filename: str
    original_path: str
    size: int
    page_count: int
    title: str | None = None
    source: str | None = None
    license: str | None = None
    encrypted: bool = False
    imported_by: str
    imported_at: str
    status: DocStatus = DocStatus.todo
    retired_at: str | None = None
    retired_by: str | None = None
    retired_reason: str | None = None


class StatusChange(BaseModel):
    id: int
    document_id: int
    old_status: DocStatus | None
    new_status: DocStatus
    user: str
    at: str
    reason: str | None = None


class Outline(NamedTuple):
    """What a page view draws of a region: box, class, and whether it is a model proposal
    nobody has accepted or touched. A page of 10,000 regions is read as these (a tuple
    each), not as 10,000 full Regions; the full one is read when it is selected."""

    id: str
    x0: float
    y0: float
    x1: float
    y1: float
    class_key: str
    pending: bool

    @property
    def box(self) -> Box:
        return Box(self.x0, self.y0, self.x1, self.y1)


class RegionListing(NamedTuple):
    """What a list of a page's regions shows of each (class, text, origin, who and when)
    and sorts it by: a tuple straight from the row, so a page of 10,000 regions lists in
    a fraction of the time 10,000 full Regions take; `of` makes one from a Region."""

    id: str
    class_key: str
    text: str | None
    origin: str
    model_name: str | None
    model_version: str | None
    confidence: float | None
    prelabel_state: str | None
    reading_order: int | None
    x0: float
    y0: float
    x1: float
    y1: float
    annotator: str
    created_by: str
    created_at: str

    @classmethod
    def of(cls, region: Region) -> RegionListing:
        """A Region's listing: its fields of the same names, the box's corners as x0 … y1."""
        corners = dict(zip(("x0", "y0", "x1", "y1"), region.box, strict=True))
        return cls._make(corners[f] if f in corners else getattr(region, f) for f in cls._fields)


class Region(BaseModel):
    """A labelled box on a page. Its UUID survives export, re-import and merges."""

    model_config = ConfigDict(frozen=True)

    id: str
    document_id: int
    page: int  # 0-based
    box: Box
    class_key: str
    attrs: dict[str, Any] = Field(default_factory=dict)
    schema_version: int
    parent_id: str | None = None
    reading_order: int | None = None
    continues_id: str | None = None
    origin: str = "human"
    model_name: str | None = None
    model_version: str | None = None
    confidence: float | None = None
    prelabel_state: str | None = None
    annotator: str
    text: str | None = None
    attention: str | None = None
    deleted: bool = False
    created_by: str
    created_at: str
    updated_by: str | None = None
    updated_at: str | None = None

    @property
    def pending(self) -> bool:
        """A model pre-label nobody has accepted or touched yet."""
        return self.origin == "model" and self.prelabel_state == "pending"

    def outline(self) -> Outline:
        b = self.box
        return Outline(self.id, b.x0, b.y0, b.x1, b.y1, self.class_key, self.pending)

    def snapshot(self) -> dict[str, Any]:
        """The region's value as events record it: everything a revert needs to restore."""
        return {
            "id": self.id,
            "document_id": self.document_id,
            "page": self.page,
            "box": [round(v, 2) for v in self.box],
            "class_key": self.class_key,
            "attrs": dict(self.attrs),
            "schema_version": self.schema_version,
            "parent_id": self.parent_id,
            "reading_order": self.reading_order,
            "continues_id": self.continues_id,
            "origin": self.origin,
            "model_name": self.model_name,
            "model_version": self.model_version,
            "confidence": self.confidence,
            "prelabel_state": self.prelabel_state,
            "annotator": self.annotator,
            "attention": self.attention,
            "deleted": self.deleted,
            "text": self.text,
        }


class Event(BaseModel):
    """One row of the append-only log: what changed, from what, to what, by whom, why."""

    id: int
    at: str
    user: str
    kind: str
    change_type: ChangeType | None = None
    region_id: str | None = None
    document_id: int | None = None
    page: int | None = None
    original: Any = None
    new: Any = None
    reason: str | None = None
    schema_version: int | None = None
    guideline_version: str | None = None
    batch: str | None = None
    reverts: int | None = None
    hash: str
    prev_hash: str
    review: str | None = None  # pending / accepted / reverted, filled by queries that join reviews
