"""Reads a page view needs besides the regions themselves (no writes here)."""

from __future__ import annotations

from ..core.records import RegionListing
from ..store import regions as region_rows
from .project import Project


def data_stamp(project: Project) -> tuple[int, int, int]:
    """Equal to an earlier stamp only while nothing has been written to the project since
    (by this process or another): what was read under it can be shown again unread."""
    return region_rows.data_stamp(project.db)


def page_listing(project: Project, document_id: int, page: int) -> list[RegionListing]:
    """The page's live regions as the regions list shows them (full ones: regions.get)."""
    return region_rows.page_listing(project.db, document_id, page)
