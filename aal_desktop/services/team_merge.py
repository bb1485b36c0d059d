"""The lead merges members' bundles: verify whole, then replay each event as its author.

Per member, every bundle after the last accepted one, in order. A bundle is refused whole
(one line naming it and the member) when it does not verify (core/bundle.py: signature,
registered key, chain), or when an event in it claims an author who is neither she nor a
lead, or is a kind her role may not make. Events by the lead in her bundle are what her
pulls wrote: skipped, the lead's project already holds them.

Each accepted bundle is replayed in ONE transaction together with the record of its seq
and hash, so a kill mid-merge leaves nothing half-applied and the next sync redoes it.
Replay goes through the region services acting as the author, at the event's own time,
with the author's event hash kept as `source_hash`. An event whose original value is not
the lead's current state of the region (or that the services refuse) becomes a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.bundle import BundleEvent, BundleRefused, BundleReplayed, open_bundle
from ..core.errors import AalError
from ..core.migration import Label, rewrite_region, steps
from ..core.migration_plan import MigrationPlan
from ..core.records import Role
from ..core.team import SyncResult
from ..storage import Storage
from ..store import events as event_log
from ..store import regions as region_rows
from ..store import team as team_rows
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import now_iso, replaying
from . import history as undo_history
from . import migrations, regions, schemas, team_setup
from .project import Project
from .team_pull import acting_as

MEMBER_KINDS = frozenset(
    {
        "region.create",
        "region.relabel",
        "region.move",
        "region.set",
        "region.delete",
        "region.restore",
        "region.link",
        "region.accept",
    }
)
# Hers, but not replayed: a pre-labelling run's record (the regions it made arrive as her
# region.create events, origin "model").
NOTED_KINDS = frozenset({"prelabel.run"})
# Bookkeeping that follows from who/when, and text that follows from the box and the PDF.
IGNORED = frozenset({"updated_by", "updated_at", "text"})
_BUNDLE_NAME = re.compile(r"^members/([^/]+)/(\d{6})\.bundle$")


@dataclass
class _Outcome:
    applied: int = 0
    conflicts: int = 0
    conflict_ids: list[int] = field(default_factory=list)
    mapped: dict[int, int] = field(default_factory=dict)  # her event id -> the lead's


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    keys = (set(a) | set(b)) - IGNORED
    for k in keys:
        x, y = a.get(k), b.get(k)
        if k == "box" and x is not None and y is not None:
            x, y = [round(float(v), 2) for v in x], [round(float(v), 2) for v in y]
        if k == "attrs":
            x, y = dict(x or {}), dict(y or {})
        if x != y:
            return False
    return True


def _migrated(project: Project, snap: dict[str, Any] | None, upto: int) -> dict[str, Any] | None:
    """A member's region value made under an older schema, as the lead's migrations since
    then would have rewritten it (she worked while the lead published a migration)."""
    if snap is None or int(snap.get("schema_version") or upto) >= upto:
        return snap
    label = Label(snap["class_key"], dict(snap.get("attrs") or {}), snap.get("attention"))
    version = int(snap["schema_version"])
    changed = False
    for rec in migrations.list_records(project):
        if version < rec.version <= upto:
            plan: MigrationPlan = rec.plan
            for st in steps(schemas.get(project, rec.from_version), plan):
                new = rewrite_region(st, label)
                if new is not label and new != label:
                    label, changed = new, True
            version = rec.version
    if not changed:  # the lead's migrations left such a region alone, version and all
        return snap
    return {
        **snap,
        "class_key": label.class_key,
        "attrs": label.attrs,
        "attention": label.attention,
        "schema_version": upto,
    }


def _conflict(
    project: Project,
    member: str,
    seq: int,
    ev: BundleEvent,
    current: dict[str, Any] | None,
    problem: str,
    out: _Outcome,
) -> None:
    event = ev.model_dump()
    event["original"], event["new"] = ev.value("original"), ev.value("new")
    cid = team_rows.insert_conflict(project.db, member, seq, event, current, problem, now_iso())
    out.conflicts += 1
    out.conflict_ids.append(cid)


def apply_value(
    project: Project,
    ev_kind: str,
    region_id: str,
    new: dict[str, Any],
    reason: str | None,
    batch: str | None,
    reverts: int | None,
    exists: bool | None = None,
) -> int | None:
    """Bring a region to a member's new value through the region services (as project.user);
    returns the id of the last event written (None: it already had that value).
    `exists`: whether the region is there, when the caller just looked."""
    if exists is None:
        exists = region_rows.get(project.db, region_id) is not None
    if not exists:
        regions.add_region(
            project,
            int(new["document_id"]),
            int(new["page"]),
            new["box"],
            new["class_key"],
            dict(new.get("attrs") or {}),
            reason,
            region_id=region_id,
            parent_id=new.get("parent_id"),
            reading_order=new.get("reading_order"),
            origin=new.get("origin") or "human",
            model_name=new.get("model_name"),
            model_version=new.get("model_version"),
            confidence=new.get("confidence"),
            annotator=new.get("annotator"),
            batch=batch,
        )
        if new.get("deleted"):
            regions.delete_many(project, [region_id], reason)
        return event_log.last_hash(project.db)[0]
    if ev_kind == "region.accept":
        edits = regions.accept_prelabels(project, [region_id], reason)
    else:
        edits = regions.revert_to(project, [(region_id, new)], reason=reason, reverts=reverts)
    return edits[-1].event_id if edits else None


def _replay(
    project: Project, member: str, seq: int, ev: BundleEvent, version: int, out: _Outcome
) -> None:
    """Replay one of her events (inside the bundle's transaction); `version` is the lead's
    current schema version. The services check everything before they write, so an event
    they refuse leaves nothing behind and becomes a conflict."""
    rid = ev.region_id
    if rid is None:
        return
    original = _migrated(project, ev.value("original"), version)
    new = _migrated(project, ev.value("new"), version)
    region = region_rows.get(project.db, rid)
    current = region.snapshot() if region is not None else None
    if new is None:  # every region event carries the new state; one without is not ours
        _conflict(project, member, seq, ev, current, f"event for {rid} has no new value", out)
        return
    if original is None:  # a create
        if current is not None:
            if _same({**new, "schema_version": None}, {**current, "schema_version": None}):
                return  # already here, identical: a replay
            _conflict(
                project,
                member,
                seq,
                ev,
                current,
                f"region {rid} already exists on the lead with other values",
                out,
            )
            return
    elif current is None:
        _conflict(project, member, seq, ev, None, f"region {rid} does not exist on the lead", out)
        return
    elif not _same(original, current):
        _conflict(
            project,
            member,
            seq,
            ev,
            current,
            "the lead's region is no longer the value this change started from",
            out,
        )
        return
    reverts = None
    if ev.reverts:
        reverts = out.mapped.get(ev.reverts) or team_rows.mapped_event(
            project.db, member, ev.reverts
        )
    try:
        with replaying(ev.at, ev.hash), acting_as(project, member):
            event_id = apply_value(
                project, ev.kind, rid, new, ev.reason, ev.batch, reverts, exists=current is not None
            )
    except AalError as exc:
        _conflict(project, member, seq, ev, current, f"not applicable here: {exc}", out)
        return
    if event_id is not None:
        out.mapped[ev.id] = event_id
        out.applied += 1


def _check_authors(
    bundle_events: tuple[BundleEvent, ...], member: str, leads: set[str], source: str
) -> list[BundleEvent]:
    own = []
    for e in bundle_events:
        if e.user == member:
            if e.kind in NOTED_KINDS:
                continue
            if e.kind not in MEMBER_KINDS:
                raise BundleRefused(
                    source,
                    member,
                    f"event {e.id} is a {e.kind} event, which an annotator may not make",
                )
            own.append(e)
        elif e.user not in leads:
            raise BundleRefused(source, member, f"event {e.id} claims to be by {e.user}")
    return own


def _bundles(store: Storage) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for f in store.list("members"):
        m = _BUNDLE_NAME.match(f.key)
        if m:
            found.setdefault(m.group(1), []).append((int(m.group(2)), f.key))
    return {k: sorted(v) for k, v in found.items()}


def merge(project: Project, store: Storage, result: SyncResult) -> None:
    """Merge every member's new bundles into the lead's project, counting into `result`."""
    cfg = team_setup.config(project)
    keys = user_rows.public_keys(project.db)
    users = {u.name: u for u in user_rows.list_users(project.db)}
    leads = {n for n, u in users.items() if u.role == Role.lead}
    for member, files in _bundles(store).items():
        key = keys.get(member)
        if key is None or member == cfg.lead:
            result.refused += 1
            result.refusals.append(
                f"refused {files[0][1]} from {member}: {member} is not a "
                "member with a registered key (aal user add … --key)"
            )
            continue
        for seq, name in files:
            link = team_rows.member_link(project.db, member)
            if link is not None and seq <= link.seq:
                continue
            try:
                bundle = open_bundle(store.read(name), name, key, link, member, cfg.team_id)
                own = _check_authors(bundle.events, member, leads, name)
            except BundleReplayed as exc:  # an old bundle under a new name
                result.refused += 1
                result.refusals.append(
                    f"refused {name} from {member}: {exc.reason} (replayed under another name)"
                )
                break
            except BundleRefused as exc:
                result.refused += 1
                result.refusals.append(f"refused {name} from {member}: {exc.reason}")
                break
            if bundle.header.seq != seq:
                result.refused += 1
                result.refusals.append(
                    f"refused {name} from {member}: it is bundle "
                    f"{bundle.header.seq} under the name of bundle {seq}"
                )
                break
            result.pulled += 1
            out = _Outcome()
            with undo_history.unrecorded(project), transaction(project.db):
                version = schemas.current_version(project)
                for ev in own:
                    _replay(project, member, seq, ev, version, out)
                team_rows.map_events(project.db, member, out.mapped)
                team_rows.set_member_link(project.db, bundle.link(), now_iso())
            result.applied += out.applied
            result.conflicts += out.conflicts
