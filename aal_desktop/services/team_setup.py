"""Team set-up: a lead makes her project the team's (`init`), a member joins it (`join`);
the settings every sync reads; `status`.

The team meets only through shared storage (a folder or s3://…, storage/): `team.json`
(written once), `documents/<sha256>.pdf`, `lead/<seq>.bundle` (the lead's signed
publications) and `members/<NAME>/<seq>.bundle` (each member's signed pushes).
"""

from __future__ import annotations

import json
import uuid

from ..core.bundle import GENESIS
from ..core.errors import AalError, ValidationFailed
from ..core.records import Role
from ..core.signing import SigningKey, parse_public_key
from ..core.team import TeamConfig, TeamStatus
from ..storage import AlreadyExists, Storage, StorageNotFound, open_storage
from ..store import events as event_log
from ..store import team as team_rows
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, ChangeKind, Project

TEAM_FILE = "team.json"
TEAM_FORMAT = "aal-team/1"


def signing_key() -> SigningKey:
    """This person's key (identity/keys: the user's config folder, made on first use)."""
    from ..identity import keys

    return keys.load_or_create()


def config(project: Project) -> TeamConfig:
    cfg = team_rows.get_config(project.db)
    if cfg is None:
        raise ValidationFailed(
            "this project is in no team: `aal team init URL` (lead) or "
            "`aal team join URL --as NAME` (member)"
        )
    return cfg


def storage_of(cfg: TeamConfig | str) -> Storage:
    return open_storage(cfg.url if isinstance(cfg, TeamConfig) else cfg)


def normalized_url(url: str) -> str:
    """A folder as an absolute path (the project is used from any working directory)."""
    from pathlib import Path

    from ..storage import is_url

    text = url.strip()
    return text if is_url(text) else str(Path(text).expanduser().resolve())


def register_key(project: Project, name: str, public_key: str) -> None:
    """Record a member's public key (leads only; `aal user add NAME --key`)."""
    parse_public_key(public_key)
    project.require_lead("register signing keys")
    with transaction(project.db):
        user_rows.set_public_key(project.db, name, public_key.strip())
    project.notify(Change(ChangeKind.user, (name,)))


def init(project: Project, url: str) -> TeamConfig:
    """Make this project the team's at `url`: write team.json, then publish everything.

    A second init on the same storage is refused (team.json is create-only).
    """
    project.require_lead("start a team")
    if team_rows.get_config(project.db) is not None:
        raise ValidationFailed(f"this project is already the team's at {config(project).url}")
    key = signing_key()
    url = normalized_url(url)
    store = open_storage(url)  # a mistyped mount point must not become a new local folder
    now = now_iso()
    team_id = str(uuid.uuid4())
    doc = {
        "format": TEAM_FORMAT,
        "team": team_id,
        "lead": project.user,
        "lead_key": key.public,
        "created_at": now,
    }
    try:
        store.write_new(TEAM_FILE, (json.dumps(doc, sort_keys=True, indent=1) + "\n").encode())
    except AlreadyExists:
        raise ValidationFailed(
            f"{store.url_of(TEAM_FILE)} exists: a team was already started "
            "there (join it with `aal team join`)"
        ) from None
    cfg = TeamConfig(
        url=url,
        team_id=team_id,
        role="lead",
        member=project.user,
        lead=project.user,
        lead_key=key.public,
        created_at=now,
        last_sync_at=None,
        lead_seq=0,
        lead_hash=GENESIS,
        push_seq=0,
        push_hash=GENESIS,
        push_head_id=0,
        push_head_hash=GENESIS,
    )
    with transaction(project.db):
        team_rows.create_config(project.db, cfg)
        user_rows.set_public_key(project.db, project.user, key.public)
    from . import team_publish

    team_publish.publish(project, store)
    return config(project)


def read_team_file(store: Storage) -> dict[str, str]:
    try:
        doc = json.loads(store.read(TEAM_FILE))
    except StorageNotFound:
        raise ValidationFailed(
            f"{store.url_of(TEAM_FILE)} is missing: no team was started "
            "there (the lead runs `aal team init URL`)"
        ) from None
    except ValueError:
        raise AalError(f"{store.url_of(TEAM_FILE)} is not valid JSON (damaged)") from None
    if not isinstance(doc, dict) or doc.get("format") != TEAM_FORMAT:
        raise AalError(f"{store.url_of(TEAM_FILE)} is not an AAL team file")
    parse_public_key(str(doc.get("lead_key", "")))
    return {k: str(v) for k, v in doc.items()}


def join(project: Project, url: str, name: str) -> TeamConfig:
    """Make this (fresh) project a member's copy: schema, her documents and their regions."""
    if team_rows.get_config(project.db) is not None:
        raise ValidationFailed(f"this project is already in the team at {config(project).url}")
    regions, documents = team_rows.count_regions_and_documents(project.db)
    if regions or documents:
        raise ValidationFailed(
            "join a team from a fresh project (this one has documents); use a new --db"
        )
    url = normalized_url(url)
    store = storage_of(url)
    team = read_team_file(store)
    key = signing_key()
    from . import team_pull

    feeds = team_pull.read_new_feeds(store, team["team"], team["lead_key"], 0, GENESIS)
    registered = team_pull.member_key_in(feeds, name)
    if registered is None:
        raise ValidationFailed(
            f"{name} is not a member of the team at {url}: the lead adds "
            f"you with `aal user add {name} --role annotator --key "
            f"{key.public}` and syncs"
        )
    if registered != key.public:
        raise ValidationFailed(
            f"the lead registered another key for {name}; send the lead "
            f"your key ({key.public}) to register"
        )
    if project.user != name:
        project.switch_user(name)
    cfg = TeamConfig(
        url=url,
        team_id=team["team"],
        role="member",
        member=name,
        lead=team["lead"],
        lead_key=team["lead_key"],
        created_at=now_iso(),
        last_sync_at=None,
        lead_seq=0,
        lead_hash=GENESIS,
        push_seq=0,
        push_hash=GENESIS,
        push_head_id=0,
        push_head_hash=GENESIS,
    )
    with transaction(project.db):
        team_rows.create_config(project.db, cfg)
        user_rows.upsert(project.db, name, Role.annotator, now_iso(), team["lead"])
    team_pull.apply_feeds(project, store, feeds)
    with transaction(project.db):
        head_id, head_hash = event_log.last_hash(project.db)
        team_rows.set_push_start(project.db, head_id, head_hash)
        team_rows.set_last_sync(project.db, now_iso())
    project.notify(Change(ChangeKind.team, (name,)))
    return config(project)


def status(project: Project) -> TeamStatus:
    cfg = config(project)
    return TeamStatus(
        url=cfg.url,
        role=cfg.role,
        member=cfg.member,
        lead=cfg.lead,
        last_sync_at=cfg.last_sync_at,
        unpushed=(
            team_rows.count_events_after(project.db, cfg.push_head_id)
            if cfg.role == "member"
            else 0
        ),
        lead_seq=cfg.lead_seq,
        push_seq=cfg.push_seq,
        open_conflicts=team_rows.count_conflicts(project.db, "open"),
        members=team_rows.member_progress(project.db) if cfg.role == "lead" else [],
    )
