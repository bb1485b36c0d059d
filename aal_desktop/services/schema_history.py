"""What a region was called under every schema version, answered from its events.

Every change to a region writes an event stamped with the schema version it was made under
(migrations stamp the version they create), so the label a region had under version v is
the one written by its last event made under v or earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.schema import LabelSchema
from . import regions, schemas
from .project import Project


@dataclass(frozen=True)
class NameUnderVersion:
    version: int
    status: str  # draft / published / retired
    class_key: str
    class_name: str | None  # None: the key is not a class of that version
    deprecated: bool
    attention: str | None
    deleted: bool
    event_id: int  # the event that set this label


def names_by_version(project: Project, region_id: str) -> list[NameUnderVersion]:
    """One row per schema version from the one the region was made under to the newest."""
    events = [e for e in regions.history(project, region_id) if isinstance(e.new, dict)]
    out: list[NameUnderVersion] = []
    cache: dict[int, LabelSchema] = {}
    for info in schemas.list_versions(project):
        last = None
        for e in events:
            if e.schema_version is not None and e.schema_version <= info.version:
                last = e
        if last is None:
            continue
        if info.version not in cache:
            cache[info.version] = schemas.get(project, info.version)
        key = last.new["class_key"]
        cls = cache[info.version].get(key)
        out.append(
            NameUnderVersion(
                version=info.version,
                status=info.status,
                class_key=key,
                class_name=cls.name if cls is not None else None,
                deprecated=bool(cls is not None and cls.deprecated),
                attention=last.new.get("attention"),
                deleted=bool(last.new.get("deleted")),
                event_id=last.id,
            )
        )
    return out
