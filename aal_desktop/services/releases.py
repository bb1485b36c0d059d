"""Releasing a dataset version: the one place a release is decided, read and recorded.

In order: the role is checked once, the retirement before anything is read, the frozen
version is read into one `ReleaseSnapshot` value, the export writers (pure: no database)
write it atomically, and the release is recorded, its manifest chained to the previous one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..core.errors import AalError, NotFound, ValidationFailed
from ..core.records import Region
from ..core.schema import LabelSchema
from ..export.release import FORMATS, check_dpi, parse_formats, write_release
from ..export.snapshot import ParentRelease, ReleaseSnapshot
from ..store import releases as release_rows
from ..store import versions as version_rows
from ..store.events import now_iso
from ..store.releases import ReleaseRecord
from . import schemas, versions
from .project import Change, ChangeKind, Project

__all__ = ["ReleaseRecord", "latest_manifest_sha256", "list_releases", "record", "release",
           "snapshot"]


def release(
    project: Project,
    version_name: str,
    dest_dir: Path | str,
    formats: tuple[str, ...] | str = FORMATS,
    dpi: float = 144.0,
    include_pdfs: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> ReleaseRecord:
    """Write a version's release under `dest_dir` (leads only) and return its record."""
    project.require_lead("release a dataset version")
    wanted = parse_formats(formats)
    dpi = check_dpi(dpi)
    row = version_rows.get(project.db, version_name)
    if row is None:
        raise NotFound(f"no dataset version '{version_name}' (see `aal version list`)")
    if row.retired_at:
        raise AalError(f"version {version_name} was retired "
                       f"({row.retired_reason or 'no reason given'}); "
                       "release its successor instead")
    links = release_rows.predecessors(project.db, row.parent)
    value = snapshot(project, row, links.parent_release)
    released_at = now_iso()
    path, written = write_release(
        value, dest_dir, formats=wanted, dpi=dpi, include_pdfs=include_pdfs,
        previous_manifest_sha256=links.latest_manifest_sha256, released_by=project.user,
        released_at=released_at, progress=progress, cancelled=cancelled, workers=workers)
    record = release_rows.insert(project.db, version_name, str(path), wanted, dpi,
                                 written.manifest_sha256, links.latest_manifest_sha256,
                                 project.user, released_at)
    project.notify(Change(ChangeKind.version, (version_name,), detail={"release": str(path)}))
    return record


def snapshot(project: Project, row: version_rows.VersionRow,
             parent_release: ReleaseRecord | None = None) -> ReleaseSnapshot:
    """The frozen version as the value every writer reads (documents in SHA-256 order, each
    page's regions in reading order)."""
    schema = schemas.get(project, row.schema_version)
    docs = versions.members(project, row, with_pdfs=True)
    docs.sort(key=lambda d: (d.document.sha256, d.document.id))
    regions: dict[tuple[int, int], list[Region]] = {}
    for region in version_rows.regions(project.db, row.name):
        regions.setdefault((region.document_id, region.page), []).append(region)
    _refuse_unknown_classes(row, schema, regions)
    for rs in regions.values():
        rs.sort(key=lambda r: (r.reading_order if r.reading_order is not None else 1 << 30,
                               r.box.y0, r.box.x0, r.id))
    changelog = versions.stored_changelog(project, row)
    return ReleaseSnapshot(
        name=row.name, dataset=row.dataset, parent=row.parent,
        schema_version=row.schema_version, schema=schema,
        created_by=row.created_by, created_at=row.created_at,
        documents=docs, regions=regions,
        statuses=list(row.statuses), split_ratios=list(row.split_ratios), seed=row.seed,
        semver=row.semver,
        stats=versions.stored_stats(project, row),
        changelog=changelog,
        changelog_md=versions.changelog_markdown(changelog),
        changes=version_rows.changes(project.db, row.name, row.parent_last_event_id,
                                     row.last_event_id),
        parent_release=(ParentRelease(parent_release.version, parent_release.path,
                                      parent_release.manifest_sha256, parent_release.created_at)
                        if parent_release is not None else None),
        guideline_version=schema.guideline_version,
        annotators=sorted({r.annotator for rs in regions.values() for r in rs}),
    )


def _refuse_unknown_classes(row: version_rows.VersionRow, schema: LabelSchema,
                            regions: dict[tuple[int, int], list[Region]]) -> None:
    """A version whose regions use a class its schema lacks (a schema published by an older
    version dropped it) cannot be written: say so, instead of a KeyError mid-release."""
    counts = Counter(r.class_key for rs in regions.values() for r in rs)
    missing = schemas.classes_missing(schema, dict(counts))
    if missing:
        listed = ", ".join(f"{k} ({n} regions)" for k, n in missing.items())
        raise ValidationFailed(
            f"version {row.name} has regions of classes its schema version "
            f"{row.schema_version} does not have: {listed}; migrate them to classes of the "
            "schema (`aal schema migrate FILE`) and cut a new version"
        )


def record(project: Project, version: str, path: Path, formats: tuple[str, ...], dpi: float,
           manifest_sha256: str, previous_manifest_sha256: str | None,
           created_at: str | None = None) -> ReleaseRecord:
    """Note a release written elsewhere; the database anchors the log's head with it (a
    trigger), and the next release names this manifest as its predecessor."""
    project.require_lead("record a release")
    return release_rows.insert(project.db, version, str(path), formats, dpi, manifest_sha256,
                               previous_manifest_sha256, project.user, created_at or now_iso())


def list_releases(project: Project, version: str | None = None) -> list[ReleaseRecord]:
    """Releases in the order they were written (oldest first)."""
    return release_rows.list_releases(project.db, version)


def latest_manifest_sha256(project: Project) -> str | None:
    """The manifest hash of the most recent release: the link the next release chains to."""
    return release_rows.predecessors(project.db, None).latest_manifest_sha256

