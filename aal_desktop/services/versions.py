"""Dataset versions: frozen snapshots of documents, their regions, the schema and the split.

A version is written once, in one transaction, and never changes (triggers refuse UPDATE
and DELETE on its rows). Its statistics and its changelog against its parent are computed
at that moment and stored with it, so what a release says is what the version was, not
what the live data has become. `last_event_id` ties the snapshot to the event log: the
events between two versions' ids are the recorded changes between them.

This module is the contract the release writer codes against (see the issue); keep names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..core import changelog as changelog_core
from ..core import splits as split_core
from ..core import stats as stats_core
from ..core.errors import NotFound, ValidationFailed
from ..core.geometry import Box
from ..core.records import DocStatus, Document, PageRecord, Region
from ..store import json_text
from ..store import regions as region_rows
from ..store.db import transaction
from ..store.events import NewEvent, append, json_field, now_iso
from . import documents as document_service
from . import schemas
from .project import Change, Project

DEFAULT_DATASET = "layout"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")

_INFO_COLUMNS = (
    "name, dataset, parent, schema_version, statuses, split_ratios, seed, semver, created_by, "
    "created_at, retired_at, retired_reason, successor, last_event_id"
)
_VR_COLUMNS = (
    "region_id", "document_id", "page", "x0", "y0", "x1", "y1", "class_key", "attrs", "text",
    "origin", "model_name", "model_version", "confidence", "prelabel_state", "annotator",
    "parent_id", "reading_order", "continues_id", "schema_version",
)


@dataclass(frozen=True)
class VersionInfo:
    name: str
    dataset: str
    parent: str | None
    schema_version: int
    statuses: list[str]
    split_ratios: tuple[float, float, float]
    seed: int
    semver: str | None
    created_by: str
    created_at: str
    documents: int
    regions: int
    retired_at: str | None
    retired_reason: str | None
    successor: str | None


@dataclass(frozen=True)
class VersionDocument:
    """A document of a version: its record as of the cut, its split, its pages."""

    document: Document
    split: str
    pages: list[PageRecord]


# --- reading --------------------------------------------------------------------------------

def _info_row(project: Project, name: str) -> tuple[Any, ...]:
    row = project.db.execute(
        f"SELECT {_INFO_COLUMNS} FROM dataset_versions WHERE name = ?", [name]).fetchone()
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    return tuple(row)


def _info(project: Project, row: tuple[Any, ...]) -> VersionInfo:
    (name, dataset, parent, schema_version, statuses, ratios, seed, semver, cby, cat, rat,
     rreason, successor, _last) = row
    n_docs = project.db.execute(
        "SELECT COUNT(*) FROM version_documents WHERE version = ?", [name]).fetchone()[0]
    n_regions = project.db.execute(
        "SELECT COUNT(*) FROM version_regions WHERE version = ?", [name]).fetchone()[0]
    r = json.loads(ratios)
    return VersionInfo(
        name=name, dataset=dataset, parent=parent, schema_version=int(schema_version),
        statuses=list(json.loads(statuses)), split_ratios=(float(r[0]), float(r[1]), float(r[2])),
        seed=int(seed), semver=semver, created_by=cby, created_at=cat, documents=int(n_docs),
        regions=int(n_regions), retired_at=rat, retired_reason=rreason, successor=successor)


def get_version(project: Project, name: str) -> VersionInfo:
    return _info(project, _info_row(project, name))


def list_versions(project: Project) -> list[VersionInfo]:
    """Every version, oldest first."""
    rows = project.db.execute(
        f"SELECT {_INFO_COLUMNS} FROM dataset_versions ORDER BY created_at, rowid").fetchall()
    return [_info(project, tuple(r)) for r in rows]


def _last_event_id(project: Project, name: str | None) -> int:
    if name is None:
        return 0
    return int(_info_row(project, name)[-1])


def _documents_as_of(project: Project, name: str, created_at: str) -> dict[int, Document]:
    """The version's documents with status and retirement as they were at the cut (the live
    record may have moved on; the status history is append-only, so this is exact)."""
    cols = ", ".join(f"d.{c}" for c in document_service.DOC_COLUMNS)
    rows = project.db.execute(
        f"SELECT {cols} FROM documents d JOIN version_documents vd ON vd.document_id = d.id "
        "WHERE vd.version = ? ORDER BY d.id", [name]).fetchall()
    docs = {}
    for row in rows:
        r = dict(zip(document_service.DOC_COLUMNS, row, strict=True))
        r["encrypted"] = bool(r["encrypted"])
        if r["retired_at"] and r["retired_at"] > created_at:
            r["retired_at"] = r["retired_by"] = r["retired_reason"] = None
        docs[int(r["id"])] = r
    for doc_id, status in project.db.execute(
            "SELECT sc.document_id, sc.new_status FROM document_status_changes sc "
            "JOIN version_documents vd ON vd.document_id = sc.document_id AND vd.version = ? "
            "WHERE sc.at <= ? ORDER BY sc.id", [name, created_at]).fetchall():
        if doc_id in docs:
            docs[doc_id]["status"] = status
    return {i: Document.model_validate(r) for i, r in docs.items()}


def version_documents(project: Project, name: str) -> list[VersionDocument]:
    """The version's documents (sorted by id) with their split and pages."""
    info = _info_row(project, name)
    docs = _documents_as_of(project, name, info[9])
    split_of = dict(project.db.execute(
        "SELECT document_id, split FROM version_documents WHERE version = ?", [name]).fetchall())
    return [VersionDocument(doc, split_of[i], document_service.pages(project, i))
            for i, doc in sorted(docs.items())]


def _attrs(text: str | None) -> dict[str, Any]:
    return {} if not text or text == "{}" else dict(json.loads(text))


_REGION_FIELDS = tuple(Region.model_fields)


def _trusted_region(r: dict[str, Any]) -> Region:
    """A Region from a row this app wrote and validated, built the way pydantic's
    `model_construct` builds one but without its per-field loop: validation and
    `model_construct` were most of the cost of reading 50,000 regions
    (tests/test_versions.py checks the result equals a validated Region)."""
    values = {
        "id": r["id"], "document_id": r["document_id"], "page": r["page"],
        "box": Box(r["x0"], r["y0"], r["x1"], r["y1"]), "class_key": r["class_key"],
        "attrs": _attrs(r["attrs"]), "schema_version": r["schema_version"],
        "parent_id": r["parent_id"], "reading_order": r["reading_order"],
        "continues_id": r["continues_id"], "origin": r["origin"],
        "model_name": r["model_name"], "model_version": r["model_version"],
        "confidence": r["confidence"], "prelabel_state": r["prelabel_state"],
        "annotator": r["annotator"], "text": r["text"], "attention": r.get("attention"),
        "deleted": bool(r.get("deleted", False)),
        "created_by": r["created_by"] or r["annotator"], "created_at": r["created_at"] or "",
        "updated_by": r.get("updated_by"), "updated_at": r.get("updated_at"),
    }
    region = Region.__new__(Region)
    object.__setattr__(region, "__dict__", values)
    object.__setattr__(region, "__pydantic_fields_set__", set(_REGION_FIELDS))
    object.__setattr__(region, "__pydantic_extra__", None)
    object.__setattr__(region, "__pydantic_private__", None)
    return region


def _region_from_frozen(values: Sequence[Any]) -> Region:
    r = dict(zip(("id", *_VR_COLUMNS[1:], "created_by", "created_at"), values, strict=True))
    return _trusted_region(r)


def version_regions(project: Project, name: str, document_id: int | None = None) -> list[Region]:
    """The frozen regions as Region records (creation fields, which never change, are read
    from the live row; update fields are left empty: they would describe later edits)."""
    _info_row(project, name)
    cols = ", ".join(f"vr.{c}" for c in _VR_COLUMNS)
    sql = (f"SELECT {cols}, r.created_by, r.created_at FROM version_regions vr "
           "LEFT JOIN regions r ON r.id = vr.region_id WHERE vr.version = ?")
    params: list[Any] = [name]
    if document_id is not None:
        sql += " AND vr.document_id = ?"
        params.append(document_id)
    sql += " ORDER BY vr.document_id, vr.page, COALESCE(vr.reading_order, 1e9), vr.y0, vr.x0"
    return [_region_from_frozen(row) for row in project.db.execute(sql, params).fetchall()]


def _stored_json(project: Project, name: str, column: str) -> dict[str, Any]:
    row = project.db.execute(
        f"SELECT {column} FROM dataset_versions WHERE name = ?", [name]).fetchone()
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    value = json.loads(row[0] or "{}")
    return value if isinstance(value, dict) else {}


def version_stats(project: Project, name: str) -> dict[str, Any]:
    """Statistics stored at the cut (computed from the frozen rows if none were stored)."""
    stored = _stored_json(project, name, "stats")
    if stored:
        return stored
    info = get_version(project, name)
    parent = version_stats(project, info.parent) if info.parent else None
    return _version_stats_from(version_documents(project, name),
                               version_regions(project, name), parent)


def version_changelog(project: Project, name: str) -> dict[str, Any]:
    """The changelog against the version's parent, as stored at the cut."""
    stored = _stored_json(project, name, "changelog")
    if stored:
        return stored
    info = get_version(project, name)
    return _changelog(project, info.parent, name)


def diff_versions(project: Project, a: str, b: str) -> dict[str, Any]:
    """The changelog structure from any version `a` to any version `b`."""
    get_version(project, a)
    get_version(project, b)
    return _changelog(project, a, b)


def changelog_markdown(changelog: dict[str, Any]) -> str:
    return changelog_core.changelog_markdown(changelog)


# --- snapshots, events, changelog -------------------------------------------------------------

def _snapshot(project: Project, name: str | None) -> changelog_core.Snapshot:
    if name is None:
        return changelog_core.Snapshot.empty()
    info = get_version(project, name)
    docs = {
        int(i): changelog_core.SnapshotDocument(int(i), sha, fn, split)
        for i, sha, fn, split in project.db.execute(
            "SELECT d.id, d.sha256, d.filename, vd.split FROM version_documents vd "
            "JOIN documents d ON d.id = vd.document_id WHERE vd.version = ? ORDER BY d.id",
            [name]).fetchall()
    }
    regions = {r.id: r for r in version_regions(project, name)}
    return changelog_core.Snapshot(name, info.schema_version, docs, regions,
                                   schemas.get(project, info.schema_version))


def _change_events(project: Project, after_id: int, upto_id: int,
                   document_ids: set[int]) -> list[changelog_core.ChangeEvent]:
    lo, hi = min(after_id, upto_id), max(after_id, upto_id)
    rows = project.db.execute(
        f"SELECT id, kind, region_id, user, document_id, {json_field('original', '$.class_key')}, "
        f"{json_field('new', '$.class_key')}, id IN (SELECT revert_event_id FROM reviews "
        "WHERE revert_event_id IS NOT NULL), reason FROM events WHERE id > ? AND id <= ? "
        "AND kind LIKE 'region.%' AND region_id IS NOT NULL ORDER BY id", [lo, hi]).fetchall()
    return [changelog_core.ChangeEvent(int(i), kind, rid, user, old, new, bool(rev), why)
            for i, kind, rid, user, doc, old, new, rev, why in rows if doc in document_ids]


def _plans(project: Project, a: int | None, b: int | None) -> list[Any]:
    if a is None or b is None or a == b:
        return []
    try:
        from . import migrations
    except ImportError:
        return []
    return list(migrations.plans_between(project, min(a, b), max(a, b)))


def _changelog(project: Project, a: str | None, b: str) -> dict[str, Any]:
    parent, child = _snapshot(project, a), _snapshot(project, b)
    events = _change_events(project, _last_event_id(project, a), _last_event_id(project, b),
                            set(parent.documents) | set(child.documents))
    return changelog_core.compute(parent, child, events,
                                  _plans(project, parent.schema_version, child.schema_version))


def changes_between(project: Project, a: str | None, b: str) -> list[dict[str, Any]]:
    """Every region event recorded after `a` was cut up to when `b` was cut on b's documents
    (a None: since the beginning), oldest first; one dict per event (changes.jsonl).

    `page` is 0-based; `review` is the event's latest review decision (pending when none);
    `review_revert` says the event is itself the revert a reviewer made.
    """
    lo, hi = _last_event_id(project, a), _last_event_id(project, b)
    rows = project.db.execute(
        "SELECT e.id, e.region_id, e.change_type, e.kind, e.original, e.new, e.user, e.at, "
        "e.reason, e.schema_version, e.guideline_version, e.document_id, d.sha256, e.page, "
        "e.reverts, e.batch, "
        "(SELECT decision FROM reviews rv WHERE rv.event_id = e.id ORDER BY rv.id DESC LIMIT 1), "
        "e.id IN (SELECT revert_event_id FROM reviews WHERE revert_event_id IS NOT NULL) "
        "FROM events e JOIN version_documents vd ON vd.document_id = e.document_id "
        "AND vd.version = ? LEFT JOIN documents d ON d.id = e.document_id "
        "WHERE e.id > ? AND e.id <= ? AND e.kind LIKE 'region.%' AND e.region_id IS NOT NULL "
        "ORDER BY e.id", [b, lo, hi]).fetchall()
    out = []
    for (eid, rid, ctype, kind, original, new, user, at, reason, sv, gv, doc, sha, page, reverts,
         batch, review, review_revert) in rows:
        out.append({
            "event_id": eid, "region_id": rid, "change_type": ctype, "kind": kind,
            "original": json_text.loads(original) if original else None,
            "new": json_text.loads(new) if new else None,
            "user": user, "at": at, "reason": reason, "schema_version": sv,
            "guideline_version": gv, "document_id": doc, "document_sha256": sha, "page": page,
            "reverts": reverts, "batch": batch, "review": review or "pending",
            "review_revert": bool(review_revert),
        })
    return out


# --- statistics ---------------------------------------------------------------------------

def _version_stats_from(docs: Sequence[VersionDocument], regions: Sequence[Region],
                        parent_stats: dict[str, Any] | None) -> dict[str, Any]:
    sdocs = [stats_core.StatsDocument(d.document.id, d.split, len(d.pages)) for d in docs]
    out = stats_core.compute(sdocs, regions, split_core.SPLITS)
    out["change"] = stats_core.change(parent_stats, out)
    return out


def project_stats(project: Project) -> dict[str, Any]:
    """Live figures of the whole project (documents not retired), per document status."""
    docs = document_service.list_documents(project, include_retired=False)
    sdocs = [stats_core.StatsDocument(d.id, d.status.value, d.page_count) for d in docs]
    ids = {d.id for d in docs}
    regions = [r for r in region_rows.list_regions(project.db) if r.document_id in ids]
    out = stats_core.compute(sdocs, regions, [s.value for s in DocStatus], "statuses")
    out["schema_version"] = schemas.current_version(project)
    return out


# --- creating ---------------------------------------------------------------------------

def _check_name(what: str, value: str) -> str:
    value = value.strip()
    if not NAME_PATTERN.fullmatch(value):
        raise ValidationFailed(
            f"{what} '{value}' is not usable: use 1-64 letters, digits, '.', '_', '-' or '+', "
            "starting with a letter or digit (it becomes part of a folder name)")
    return value


def _check_statuses(statuses: Sequence[str]) -> list[str]:
    out: list[str] = []
    for s in statuses:
        try:
            value = DocStatus(s).value
        except ValueError:
            valid = ", ".join(x.value for x in DocStatus)
            raise ValidationFailed(f"unknown document status '{s}'; use one of {valid}") from None
        if value not in out:
            out.append(value)
    if not out:
        raise ValidationFailed("choose at least one document status for the version")
    return out


def _auto_parent(project: Project, dataset: str | None) -> str | None:
    """The newest version (of `dataset` when given), preferring ones not retired."""
    sql = "SELECT name FROM dataset_versions"
    params: list[Any] = []
    if dataset is not None:
        sql += " WHERE dataset = ?"
        params.append(dataset)
    row = project.db.execute(
        sql + " ORDER BY retired_at IS NOT NULL, created_at DESC, rowid DESC LIMIT 1",
        params).fetchone()
    return row[0] if row else None


def _semver_for(project: Project, dataset: str, parent: str | None, change_type: str) -> str:
    previous = None
    seen: set[str] = set()
    current = parent
    while current is not None and current not in seen and previous is None:
        seen.add(current)
        row = project.db.execute("SELECT semver, parent FROM dataset_versions WHERE name = ?",
                                 [current]).fetchone()
        if row is None:
            break
        previous, current = row[0], row[1]
    taken = {r[0] for r in project.db.execute(
        "SELECT semver FROM dataset_versions WHERE dataset = ? AND semver IS NOT NULL",
        [dataset]).fetchall()}
    return changelog_core.bump_semver(previous, change_type, taken)


def _live_regions(project: Project, doc_ids: Sequence[int]) -> list[Region]:
    out: list[Region] = []
    for i in range(0, len(doc_ids), 500):
        chunk = list(doc_ids[i:i + 500])
        marks = ",".join("?" for _ in chunk)
        rows = project.db.conn.execute(
            f"{region_rows.SELECT} WHERE deleted = 0 AND document_id IN ({marks}) "
            "ORDER BY document_id, page, id", chunk).fetchall()
        out.extend(_trusted_region(dict(zip(region_rows.COLUMNS, r, strict=True)))
                   for r in rows)
    return out


def _quality(project: Project, doc_ids: list[int], last_event_id: int) -> dict[str, Any]:
    try:
        from .quality import quality_baseline
    except ImportError:
        return {}
    return quality_baseline(project, doc_ids, as_of_event=last_event_id)


def create_version(
    project: Project,
    name: str,
    statuses: Sequence[str] = ("approved",),
    split: Sequence[float] = split_core.DEFAULT_RATIOS,
    seed: int = 0,
    parent: str | None | Literal["auto"] = "auto",
    dataset: str | None = None,
    resplit: bool = False,
    semver_bump: bool = True,
) -> VersionInfo:
    """Freeze the documents with these statuses, their live regions, the current published
    schema version and a document-level split, in ONE transaction (leads only).

    `parent="auto"` is the newest version (of `dataset` when given); documents keep the
    split they had in the parent unless `resplit`. Names are never reused.
    """
    project.require_lead("create dataset versions")
    name = _check_name("version name", name)
    wanted = _check_statuses(statuses)
    ratios = split_core.normalize_ratios(split)
    seed = int(seed)
    with transaction(project.db):
        clash = project.db.execute(
            "SELECT created_by, created_at FROM dataset_versions WHERE name = ?",
            [name]).fetchone()
        if clash is not None:
            raise ValidationFailed(
                f"dataset version '{name}' already exists (created by {clash[0]} at "
                f"{clash[1][:19]}); version names are never reused, choose another name")
        if parent == "auto":
            parent_name = _auto_parent(project, _check_name("dataset", dataset)
                                       if dataset else None)
        else:
            parent_name = parent
            if parent_name is not None:
                get_version(project, parent_name)
        if dataset is not None:
            dataset_name = _check_name("dataset", dataset)
        elif parent_name is not None:
            dataset_name = get_version(project, parent_name).dataset
        else:
            dataset_name = DEFAULT_DATASET
        schema_version = schemas.current_version(project)
        marks = ",".join("?" for _ in wanted)
        docs = [(int(i), sha, fn, pc) for i, sha, fn, pc in project.db.execute(
            f"SELECT id, sha256, filename, page_count FROM documents WHERE status IN ({marks}) "
            "AND retired_at IS NULL ORDER BY id", wanted).fetchall()]
        if not docs:
            raise ValidationFailed(
                f"no documents with status {' or '.join(wanted)}: a version needs at least one "
                "(approve documents first, or choose other statuses with --status)")
        previous = dict(project.db.execute(
            "SELECT document_id, split FROM version_documents WHERE version = ?",
            [parent_name]).fetchall()) if parent_name else {}
        assignment = split_core.assign([(i, sha) for i, sha, _, _ in docs], seed, ratios,
                                       previous, resplit)
        doc_ids = [i for i, _, _, _ in docs]
        regions = _live_regions(project, doc_ids)
        last_event_id = int(project.db.execute(
            "SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

        # statistics and changelog, computed from exactly what is frozen below
        child = changelog_core.Snapshot(
            name, schema_version,
            {i: changelog_core.SnapshotDocument(i, sha, fn, assignment[i])
             for i, sha, fn, _ in docs},
            {r.id: r for r in regions}, schemas.get(project, schema_version))
        parent_snap = _snapshot(project, parent_name)
        events = _change_events(project, _last_event_id(project, parent_name), last_event_id,
                                set(parent_snap.documents) | set(child.documents))
        log = changelog_core.compute(
            parent_snap if parent_name else None, child, events,
            _plans(project, parent_snap.schema_version, schema_version))
        sdocs = [stats_core.StatsDocument(i, assignment[i], pc) for i, _, _, pc in docs]
        stats = stats_core.compute(sdocs, regions, split_core.SPLITS)
        stats["change"] = stats_core.change(
            version_stats(project, parent_name) if parent_name else None, stats)
        semver = (_semver_for(project, dataset_name, parent_name, log["change_type"])
                  if semver_bump else None)
        now = now_iso()
        project.db.execute(
            "INSERT INTO dataset_versions (name, dataset, parent, schema_version, statuses, "
            "split_ratios, seed, semver, stats, changelog, quality, last_event_id, created_by, "
            "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [name, dataset_name, parent_name, schema_version, json.dumps(wanted),
             json.dumps(list(ratios)), seed, semver, json.dumps(stats, sort_keys=True),
             json.dumps(log, sort_keys=True, ensure_ascii=False),
             json.dumps(_quality(project, doc_ids, last_event_id), sort_keys=True),
             last_event_id, project.user, now])
        project.db.conn.executemany(
            "INSERT INTO version_documents (version, document_id, split) VALUES (?,?,?)",
            [(name, i, assignment[i]) for i in doc_ids])
        project.db.conn.executemany(
            f"INSERT INTO version_regions (version, {', '.join(_VR_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in range(len(_VR_COLUMNS) + 1))})",
            [(name, r.id, r.document_id, r.page, *r.box, r.class_key,
              json.dumps(r.attrs, sort_keys=True), r.text, r.origin, r.model_name,
              r.model_version, r.confidence, r.prelabel_state, r.annotator, r.parent_id,
              r.reading_order, r.continues_id, r.schema_version) for r in regions])
        append(project.db, NewEvent(
            kind="version.create", user=project.user,
            new={"name": name, "dataset": dataset_name, "parent": parent_name,
                 "schema_version": schema_version, "statuses": wanted,
                 "split_ratios": list(ratios), "seed": seed, "semver": semver,
                 "documents": len(doc_ids), "regions": len(regions),
                 "last_event_id": last_event_id, "resplit": resplit},
            schema_version=schema_version), at=now)
    project.notify(Change("version", (name,), detail={"created": name}))
    return get_version(project, name)
