"""A member pulls the lead's new files and applies them, one transaction per file.

Each file is verified against the lead's key from team.json and must follow the last one
applied (seq and hash), so a file is applied once, whole, in order. What is applied is
recorded as the lead's doing (events by the lead), so the member's log stays truthful:
members and keys; schema versions (a migration is applied to her regions as the lead did);
her assignments (the managed PDF, SHA-256 checked, and the regions she starts from); the
lead's review decisions on her work (the region's resulting state, with the reason).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core import team_feed
from ..core.errors import AalError
from ..core.migration_plan import MigrationPlan
from ..core.records import ChangeType, EventKind, Region, Role
from ..core.schema import LabelSchema
from ..core.team_feed import Feed, FeedRecord
from ..storage import Storage
from ..store import documents as document_rows
from ..store import events as event_log
from ..store import regions as region_rows
from ..store import schemas as schema_rows
from ..store import team as team_rows
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import NewEvent, now_iso
from . import history as undo_history
from . import migrations, regions, team_setup
from .project import Change, ChangeKind, Project

JOIN_BATCH = "team.join"


def read_new_feeds(
    store: Storage, team: str, lead_key: str, seq: int, prev_hash: str
) -> list[Feed]:
    """Every lead file after `seq`, verified and in order (stops at the first gap)."""
    feeds: list[Feed] = []
    while True:
        seq += 1
        key = team_feed.feed_key(seq)
        if not store.exists(key):
            return feeds
        feed = team_feed.open_feed(store.read(key), key, lead_key, team, seq, prev_hash)
        feeds.append(feed)
        prev_hash = feed.digest


def member_key_in(feeds: list[Feed], name: str) -> str | None:
    key = None
    for feed in feeds:
        for r in feed.records:
            if r.kind == "member" and r.data.get("name") == name:
                key = str(r.data["key"])
    return key


@contextmanager
def acting_as(project: Project, name: str) -> Iterator[None]:
    """Run services as another known person (the lead's decisions; a member's replay)."""
    me = project.user
    project.user = name
    try:
        yield
    finally:
        project.user = me


def _download(project: Project, store: Storage, feeds: list[Feed], member: str) -> None:
    """Fetch the PDFs of her new assignments before any transaction (blobs are atomic)."""
    for feed in feeds:
        for r in feed.records:
            if r.kind != "assignment" or r.data.get("member") != member:
                continue
            sha = str(r.data["sha256"])
            if project.blobs.has(sha):
                continue
            key = f"documents/{sha}.pdf"
            data = store.read(key)
            if hashlib.sha256(data).hexdigest() != sha:
                raise AalError(
                    f"{store.url_of(key)} does not match its SHA-256 (damaged); "
                    "ask the lead to publish it again"
                )
            project.blobs.put_bytes(sha, data)


def _member(project: Project, data: dict[str, Any], lead: str) -> None:
    now = now_iso()
    user_rows.upsert(project.db, str(data["name"]), Role(str(data["role"])), now, lead)
    user_rows.set_public_key(project.db, str(data["name"]), str(data["key"]))


def _schema(project: Project, data: dict[str, Any], lead: str) -> None:
    version = int(data["version"])
    body = str(data["body"])
    status = schema_rows.status_of(project.db, version)
    if status == "published":
        return
    schema = LabelSchema.model_validate_json(body)
    now = now_iso()
    if status == "draft":
        schema_rows.mark_published(project.db, version, body, lead, now)
        return
    newest = schema_rows.newest(project.db) or 0
    if data.get("plan") and newest == version - 1:
        plan = MigrationPlan.model_validate(data["plan"])
        with acting_as(project, lead):
            migrations.apply(
                project, plan, data.get("reason") or f"schema v{version} published by {lead}"
            )
            migrations.publish(project, version)
        project.cache.pop("schemas", None)
        return
    schema_rows.insert_published(
        project.db, version, schema.name, schema.guideline_version, body, lead, now
    )


def _assignment(project: Project, data: dict[str, Any], lead: str) -> None:
    sha = str(data["sha256"])
    member = str(data["member"])
    existing = document_rows.find_by_sha(project.db, sha)
    doc_id = int(data["document_id"])
    if existing is None:
        rec = team_rows.document_record(project.db, sha)
        if rec is None:
            raise AalError(f"the lead assigned document {sha[:12]} without announcing it")
        clash = document_rows.get(project.db, doc_id)
        if clash is not None:
            raise AalError(
                f"document {doc_id} of this project is not the lead's document "
                f"{doc_id}; join the team from a fresh project"
            )
        now = now_iso()
        document_rows.insert(
            project.db,
            sha,
            str(rec["filename"]),
            f"team:{sha}",
            int(rec["size"]),
            int(rec["page_count"]),
            rec.get("title"),
            rec.get("source"),
            rec.get("license"),
            False,
            lead,
            now,
            "todo",
            document_id=doc_id,
        )
        document_rows.insert_pages(
            project.db,
            doc_id,
            [
                (
                    int(p[0]),
                    float(p[1]),
                    float(p[2]),
                    int(p[3]),
                    "[" + ",".join(repr(float(v)) for v in p[4]) + "]",
                    "[" + ",".join(repr(float(v)) for v in p[5]) + "]",
                )
                for p in rec["pages"]
            ],
        )
        document_rows.add_status_change(
            project.db, doc_id, None, "todo", lead, now, "assigned by the team's lead"
        )
    elif existing.id != doc_id:
        raise AalError(
            f"document {sha[:12]} has id {existing.id} here but {doc_id} on the "
            "lead's project; join the team from a fresh project"
        )
    document_rows.assign(project.db, doc_id, member, lead, now_iso())


def _insert_regions(project: Project, dumps: list[dict[str, Any]], lead: str, reason: str) -> int:
    """Insert regions not yet here, parents first, each with its create event by the lead."""
    pending = [Region.model_validate(d) for d in dumps]
    pending = [r for r in pending if region_rows.get(project.db, r.id) is None]
    done = 0
    while pending:
        ready = [
            r
            for r in pending
            if all(
                x is None or region_rows.get(project.db, x) is not None or x == r.id
                for x in (r.parent_id, r.continues_id)
            )
        ]
        if not ready:
            ready = [
                r.model_copy(update={"parent_id": None, "continues_id": None}) for r in pending
            ]
        for r in ready:
            region_rows.insert(project.db, r)
            event_log.append(
                project.db,
                NewEvent(
                    kind=EventKind.region_create.value,
                    user=lead,
                    change_type=ChangeType.additive.value,
                    region_id=r.id,
                    document_id=r.document_id,
                    page=r.page,
                    new=r.snapshot(),
                    reason=reason,
                    schema_version=r.schema_version,
                    batch=JOIN_BATCH,
                ),
            )
            done += 1
        ids = {r.id for r in ready}
        pending = [r for r in pending if r.id not in ids]
    return done


def _decision(project: Project, data: dict[str, Any], lead: str) -> None:
    dump = data.get("region")
    if not dump:
        return
    target = Region.model_validate(dump)
    if document_rows.get(project.db, target.document_id) is None:
        return
    by = str(data.get("by") or lead)
    why = f"{data['decision']} by {by}" + (f": {data['reason']}" if data.get("reason") else "")
    if region_rows.get(project.db, target.id) is None:
        _insert_regions(project, [dump], by, why)
        return
    with acting_as(project, by):
        regions.revert_to(project, [(target.id, target.snapshot())], reason=why)


def _apply_record(project: Project, r: FeedRecord, member: str, lead: str, seq: int) -> bool:
    d = r.data
    if r.kind == "member":
        _member(project, d, lead)
    elif r.kind == "schema":
        _schema(project, d, lead)
    elif r.kind == "document":
        team_rows.put_document_record(project.db, str(d["sha256"]), d)
        return False
    elif d.get("member") != member:
        return False
    elif r.kind == "assignment":
        _assignment(project, d, lead)
    elif r.kind == "regions":
        _insert_regions(
            project, list(d["regions"]), lead, f"starting state from the team (lead file {seq})"
        )
    elif r.kind == "decision":
        _decision(project, d, lead)
    return True


def apply_feeds(project: Project, store: Storage, feeds: list[Feed]) -> int:
    """Apply verified lead files in order; each in one transaction with its seq recorded."""
    cfg = team_setup.config(project)
    _download(project, store, feeds, cfg.member)
    applied = 0
    for feed in feeds:
        with undo_history.unrecorded(project), transaction(project.db):  # the lead's, not hers
            for r in feed.records:
                applied += _apply_record(project, r, cfg.member, cfg.lead, feed.header.seq)
            team_rows.set_lead_state(project.db, feed.header.seq, feed.digest)
    if feeds:
        project.cache.pop("schema_ready", None)
        project.notify(
            Change(ChangeKind.team, (cfg.member,), detail={"lead_seq": feeds[-1].header.seq})
        )
    return applied


def pull(project: Project, store: Storage) -> tuple[int, int]:
    """(files pulled, records applied) from the lead since the last pull."""
    cfg = team_setup.config(project)
    feeds = read_new_feeds(store, cfg.team_id, cfg.lead_key, cfg.lead_seq, cfg.lead_hash)
    return len(feeds), apply_feeds(project, store, feeds)
