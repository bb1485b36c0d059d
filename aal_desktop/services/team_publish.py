"""The lead publishes what members need as the next signed lead file (`lead/<seq>.bundle`).

What is new is what is not yet in `team_published`: members and their keys, published
schema versions (with the migration plan that made them), documents (uploaded once,
content-addressed), assignments with the regions the member starts from, and review
decisions on members' work (reverts of replayed events, decided conflicts).

Kill-safe: the file is written create-only before the project records it; a sync that
finds the next file already there (its own, verified with its key) adopts it.
"""

from __future__ import annotations

from typing import Any

from ..core import team_feed
from ..core.errors import AalError
from ..core.records import Role
from ..core.team_feed import FeedRecord
from ..storage import AlreadyExists, Storage
from ..store import documents as document_rows
from ..store import regions as region_rows
from ..store import schemas as schema_rows
from ..store import team as team_rows
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import now_iso
from . import schemas, team_setup
from .project import Project


def _members(project: Project) -> list[FeedRecord]:
    keys = user_rows.public_keys(project.db)
    done = team_rows.published_keys(project.db, "member")
    out = []
    for u in user_rows.list_users(project.db):
        key = keys.get(u.name)
        if key is None:
            continue
        mark = f"{u.name}:{u.role.value}:{key}"
        if mark not in done:
            out.append(
                FeedRecord(
                    kind="member", key=mark, data={"name": u.name, "role": u.role.value, "key": key}
                )
            )
    return out


def _schemas(project: Project) -> list[FeedRecord]:
    schemas.ensure_default(project)
    done = team_rows.published_keys(project.db, "schema")
    out = []
    for info in schema_rows.list_infos(project.db):
        if info.status != "published" or str(info.version) in done:
            continue
        rec = schema_rows.get_migration(project.db, info.version)
        out.append(
            FeedRecord(
                kind="schema",
                key=str(info.version),
                data={
                    "version": info.version,
                    "body": schema_rows.body_of(project.db, info.version),
                    "plan": rec.plan.to_data() if rec is not None else None,
                    "from_version": rec.from_version if rec is not None else None,
                    "reason": rec.reason if rec is not None else None,
                },
            )
        )
    return out


def _member_names(project: Project) -> set[str]:
    keys = user_rows.public_keys(project.db)
    return {
        u.name
        for u in user_rows.list_users(project.db)
        if u.name in keys and u.role == Role.annotator
    }


def _documents_and_assignments(project: Project, store: Storage) -> list[FeedRecord]:
    members = _member_names(project)
    done_docs = team_rows.published_keys(project.db, "document")
    done_assign = team_rows.published_keys(project.db, "assignment")
    out: list[FeedRecord] = []
    for doc in document_rows.list_documents(project.db):
        if doc.sha256 not in done_docs:
            key = f"documents/{doc.sha256}.pdf"
            if not store.exists(key):
                store.upload(key, project.pdf_path(doc.sha256))
            pages = [
                [p.page, p.width, p.height, p.rotation, list(p.mediabox), list(p.cropbox)]
                for p in document_rows.list_pages(project.db, doc.id)
            ]
            out.append(
                FeedRecord(
                    kind="document",
                    key=doc.sha256,
                    data={
                        "id": doc.id,
                        "sha256": doc.sha256,
                        "filename": doc.filename,
                        "size": doc.size,
                        "page_count": doc.page_count,
                        "title": doc.title,
                        "source": doc.source,
                        "license": doc.license,
                        "pages": pages,
                    },
                )
            )
        for name in document_rows.assignees(project.db, doc.id):
            mark = f"{doc.sha256}:{name}"
            if name not in members or mark in done_assign:
                continue
            out.append(
                FeedRecord(
                    kind="assignment",
                    key=mark,
                    data={"sha256": doc.sha256, "document_id": doc.id, "member": name},
                )
            )
            # Her starting state: the document's regions, but not another member's own set
            # (double annotation stays double).
            regions = [
                r.model_dump(mode="json")
                for r in region_rows.list_regions(project.db, doc.id, include_deleted=True)
                if r.annotator == name or r.annotator not in members
            ]
            out.append(
                FeedRecord(
                    kind="regions",
                    key=mark,
                    data={"sha256": doc.sha256, "member": name, "regions": regions},
                )
            )
    return out


def _decisions(project: Project) -> list[FeedRecord]:
    done = team_rows.published_keys(project.db, "decision")
    out: list[FeedRecord] = []
    for review_id, event_id, region_id, member, reason in team_rows.replayed_reverts_after(
        project.db, 0
    ):
        mark = f"r{review_id}"
        if mark in done:
            continue
        region = region_rows.get(project.db, region_id)
        out.append(
            FeedRecord(
                kind="decision",
                key=mark,
                data={
                    "member": member,
                    "decision": "reverted",
                    "event_id": event_id,
                    "reason": reason,
                    "by": project.user,
                    "region": region.model_dump(mode="json") if region else None,
                },
            )
        )
    for c in team_rows.list_conflicts(project.db):
        mark = f"c{c.id}"
        if c.status == "open" or mark in done:
            continue
        rid = c.event.get("region_id")
        region = region_rows.get(project.db, rid) if rid else None
        out.append(
            FeedRecord(
                kind="decision",
                key=mark,
                data={
                    "member": c.member,
                    "decision": c.status,
                    "conflict": c.id,
                    "reason": c.reason,
                    "by": c.decided_by,
                    "region": region.model_dump(mode="json") if region else None,
                },
            )
        )
    return out


def pending_records(project: Project, store: Storage) -> list[FeedRecord]:
    return (
        _members(project)
        + _schemas(project)
        + _documents_and_assignments(project, store)
        + _decisions(project)
    )


def _adopt_existing(project: Project, store: Storage) -> None:
    """A file this lead wrote but did not record (killed in between): record it now."""
    cfg = team_setup.config(project)
    while True:
        seq = cfg.lead_seq + 1
        key = team_feed.feed_key(seq)
        if not store.exists(key):
            return
        feed = team_feed.open_feed(
            store.read(key), key, cfg.lead_key, cfg.team_id, seq, cfg.lead_hash
        )
        with transaction(project.db):
            team_rows.mark_published(project.db, [(r.kind, r.key) for r in feed.records], seq)
            team_rows.set_lead_state(project.db, seq, feed.digest)
        cfg = team_setup.config(project)


def publish(project: Project, store: Storage | None = None) -> int:
    """Publish what members do not have yet; returns how many records (0: nothing new)."""
    cfg = team_setup.config(project)
    if cfg.role != "lead":
        raise AalError("only the team's lead publishes")
    store = store or team_setup.storage_of(cfg)
    key = team_setup.signing_key()
    if key.public != cfg.lead_key:
        raise AalError(
            "your signing key is not the one this team was started with; "
            "publish from the lead's account"
        )
    _adopt_existing(project, store)
    cfg = team_setup.config(project)
    records = pending_records(project, store)
    if not records:
        return 0
    seq = cfg.lead_seq + 1
    feed = team_feed.build(
        team=cfg.team_id,
        lead=cfg.lead,
        key=key,
        seq=seq,
        prev_hash=cfg.lead_hash,
        created_at=now_iso(),
        records=records,
    )
    try:
        store.write_new(team_feed.feed_key(seq), feed.raw)
    except AlreadyExists:  # written by a run killed before it recorded it
        _adopt_existing(project, store)
        return publish(project, store)
    with transaction(project.db):
        team_rows.mark_published(project.db, [(r.kind, r.key) for r in records], seq)
        team_rows.set_lead_state(project.db, seq, feed.digest)
    return len(records)


def describe(records: list[FeedRecord]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for r in records:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    return counts
