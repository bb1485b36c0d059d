"""Typed records that cross boundaries (store → services → UI/CLI). Rows map to these in store/."""

from __future__ import annotations

from typing import Any

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
