"""Releasing a dataset version: the one place a release is decided, read and recorded.

In order: the role is checked once, the retirement before anything is read, the frozen
version is read into one `ReleaseSnapshot` value, the export writers (pure: no database)
write it atomically, and the release is recorded, its manifest chained to the previous one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from ..core.errors import AalError, NotFound, ValidationFailed
from ..core.page_numbers import change_json
from ..core.records import Region
from ..core.schema import LabelSchema
from ..core.snapshot import summarize
from ..export.manifest import LogHead
from ..export.publish import StoredRelease, committed_releases, discard, verify_stored
from ..export.release import (
    FORMATS,
    check_dpi,
    parse_formats,
    release_prefix,
    safe_name,
    write_release,
)
from ..export.snapshot import DocumentRegions, ParentRelease, ReleaseSnapshot
from ..storage import AlreadyExists, Storage, open_storage
from ..storage.local import LocalStorage
from ..store import releases as release_rows
from ..store import versions as version_rows
from ..store.events import GENESIS, now_iso
from ..store.releases import ReleaseRecord
from . import schemas, versions
from .project import Change, ChangeKind, Project

__all__ = [
    "ReleaseRecord",
    "latest_manifest_sha256",
    "list_releases",
    "record",
    "release",
    "snapshot",
]


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
    images: bool = True,
) -> ReleaseRecord:
    """Write a version's release under `dest_dir` (a folder or a storage URL; leads only)
    and return its record.

    A complete release of this version already at the destination that the project never
    recorded (the writer was killed between its manifest and its record) is adopted:
    re-hashed, checked to chain to the project's latest release, and recorded, instead of
    refused. What a killed release left without a manifest is removed or rewritten.
    """
    project.require_lead("release a dataset version")
    wanted = parse_formats(formats)
    dpi = check_dpi(dpi)
    row = version_rows.get(project.db, version_name)
    if row is None:
        raise NotFound(f"no dataset version '{version_name}' (see `aal version list`)")
    if row.retired_at:
        raise AalError(
            f"version {version_name} was retired "
            f"({row.retired_reason or 'no reason given'}); "
            "release its successor instead"
        )
    store = open_storage(dest_dir, create=True)
    links = release_rows.predecessors(project.db, row.parent, row.last_event_id or None)
    released_at = now_iso()
    today = release_prefix(row.dataset, version_name, released_at)
    found, leftovers = committed_releases(store, safe_name(row.dataset), safe_name(version_name))
    for stored in found:
        known = release_rows.by_manifest(project.db, stored.manifest_sha256)
        if known is None and stored.manifest.get("version") == version_name:
            return _adopt(project, store, stored, links.latest_manifest_sha256)
        if stored.prefix == today:
            raise AlreadyExists(
                f"{stored.url} already exists; releases are never overwritten "
                "(choose another destination, or cut a new version)"
            )
    for prefix in leftovers:
        if prefix != today:  # a killed release of another day: today's is written afresh
            discard(store, prefix)
    head_hash = links.log_head_hash if row.last_event_id else GENESIS
    value = snapshot(project, row, links.parent_release)
    path, written = write_release(
        value,
        store,
        formats=wanted,
        dpi=dpi,
        include_pdfs=include_pdfs,
        images=images,
        previous_manifest_sha256=links.latest_manifest_sha256,
        previous_release=links.latest.path if links.latest is not None else None,
        log_head=LogHead(row.last_event_id, head_hash or GENESIS),
        released_by=project.user,
        released_at=released_at,
        progress=progress,
        cancelled=cancelled,
        workers=workers,
    )
    record = release_rows.insert(
        project.db,
        version_name,
        path,
        wanted,
        dpi,
        written.manifest_sha256,
        links.latest_manifest_sha256,
        project.user,
        released_at,
    )
    project.notify(Change(ChangeKind.version, (version_name,), detail={"release": path}))
    return record


def _adopt(
    project: Project, store: Storage, stored: StoredRelease, latest_manifest_sha256: str | None
) -> ReleaseRecord:
    """Record a complete release found at the destination, after checking it."""
    check = verify_stored(store.child(stored.prefix))
    if not check.ok:
        raise AalError(
            f"{stored.url} holds an unrecorded release of "
            f"{stored.manifest.get('version')} that does not verify "
            f"({check.problems[0]}); remove it, or release to another destination"
        )
    previous = stored.manifest.get("previous_manifest_sha256")
    if previous != latest_manifest_sha256:
        raise AalError(
            f"{stored.url} is an unrecorded release whose manifest chains to "
            f"{str(previous)[:12]}, not to this project's latest release "
            f"{str(latest_manifest_sha256)[:12]}: it was not made from this project"
        )
    m = stored.manifest
    location = (
        str(store.child(stored.prefix).root.absolute())
        if isinstance(store, LocalStorage)
        else stored.url
    )
    record = release_rows.insert(
        project.db,
        str(m.get("version")),
        location,
        list(m.get("formats") or []),
        float(m.get("dpi") or 0.0),
        stored.manifest_sha256,
        previous,
        str(m.get("released_by") or project.user),
        str(m.get("released_at") or now_iso()),
    )
    project.notify(
        Change(ChangeKind.version, (record.version,), detail={"release": location, "adopted": True})
    )
    return record


def snapshot(
    project: Project, row: version_rows.VersionRow, parent_release: ReleaseRecord | None = None
) -> ReleaseSnapshot:
    """The frozen version as the value every writer reads (documents in SHA-256 order, each
    page's regions in reading order)."""
    schema = schemas.get(project, row.schema_version)
    docs = versions.members(project, row, with_pdfs=True)
    docs.sort(key=lambda d: (d.document.sha256, d.document.id))

    def load(document_id: int) -> list[Region]:
        found = version_rows.regions(project.db, row.name, document_id)
        found.sort(
            key=lambda r: (
                r.page,
                r.reading_order if r.reading_order is not None else 1 << 30,
                r.box.y0,
                r.box.x0,
                r.id,
            )
        )
        return found

    # read one document at a time as the writers go: never every region at once
    regions = DocumentRegions([d.document.id for d in docs], load)
    _refuse_unknown_classes(row, schema, regions)
    changelog = versions.stored_changelog(project, row)
    return ReleaseSnapshot(
        name=row.name,
        dataset=row.dataset,
        parent=row.parent,
        schema_version=row.schema_version,
        schema=schema,
        created_by=row.created_by,
        created_at=row.created_at,
        documents=docs,
        regions=regions,
        statuses=list(row.statuses),
        split_ratios=list(row.split_ratios),
        seed=row.seed,
        semver=row.semver,
        stats=versions.stored_stats(project, row),
        changelog=changelog,
        changelog_md=versions.changelog_markdown(changelog),
        changes=[
            change_json(c)
            for c in version_rows.changes(  # pages 1-based, as shown
                project.db, row.name, row.parent_last_event_id, row.last_event_id
            )
        ],
        parent_release=(
            ParentRelease(
                parent_release.version,
                parent_release.path,
                parent_release.manifest_sha256,
                parent_release.created_at,
            )
            if parent_release is not None
            else None
        ),
        guideline_version=schema.guideline_version,
        annotators=sorted(summarize(r for rs in regions.values() for r in rs).people),  # streamed
    )


def _refuse_unknown_classes(
    row: version_rows.VersionRow,
    schema: LabelSchema,
    regions: Mapping[tuple[int, int], list[Region]],
) -> None:
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


def record(
    project: Project,
    version: str,
    path: Path,
    formats: tuple[str, ...],
    dpi: float,
    manifest_sha256: str,
    previous_manifest_sha256: str | None,
    created_at: str | None = None,
) -> ReleaseRecord:
    """Note a release written elsewhere; the database anchors the log's head with it (a
    trigger), and the next release names this manifest as its predecessor."""
    project.require_lead("record a release")
    return release_rows.insert(
        project.db,
        version,
        str(path),
        formats,
        dpi,
        manifest_sha256,
        previous_manifest_sha256,
        project.user,
        created_at or now_iso(),
    )


def list_releases(project: Project, version: str | None = None) -> list[ReleaseRecord]:
    """Releases in the order they were written (oldest first)."""
    return release_rows.list_releases(project.db, version)


def latest_manifest_sha256(project: Project) -> str | None:
    """The manifest hash of the most recent release: the link the next release chains to."""
    return release_rows.predecessors(project.db, None).latest_manifest_sha256
