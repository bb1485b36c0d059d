"""Queries on the team tables (team, team_members, team_published, team_documents,
team_event_map, conflicts), and the reads of the event log that sync needs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..core.bundle import BundleLink
from ..core.team import Conflict, MemberProgress, TeamConfig
from .db import Database
from .events import EVENT_COLUMNS

CONFIG_COLUMNS = (
    "url",
    "team_id",
    "role",
    "member",
    "lead",
    "lead_key",
    "created_at",
    "last_sync_at",
    "lead_seq",
    "lead_hash",
    "push_seq",
    "push_hash",
    "push_head_id",
    "push_head_hash",
)
CONFLICT_COLUMNS = (
    "id",
    "member",
    "bundle_seq",
    "event",
    "lead_state",
    "problem",
    "status",
    "decided_by",
    "decided_at",
    "reason",
    "result_event_id",
    "created_at",
)


# --- the team row ---------------------------------------------------------------------------


def get_config(db: Database) -> TeamConfig | None:
    row = db.conn.execute(f"SELECT {', '.join(CONFIG_COLUMNS)} FROM team WHERE id = 1").fetchone()
    return None if row is None else TeamConfig(*row)


def create_config(db: Database, cfg: TeamConfig) -> None:
    db.conn.execute(
        f"INSERT INTO team (id, {', '.join(CONFIG_COLUMNS)}) VALUES "
        f"(1, {', '.join('?' for _ in CONFIG_COLUMNS)})",
        [getattr(cfg, c) for c in CONFIG_COLUMNS],
    )


def set_lead_state(db: Database, seq: int, digest: str) -> None:
    db.conn.execute("UPDATE team SET lead_seq = ?, lead_hash = ? WHERE id = 1", [seq, digest])


def set_push_state(db: Database, link: BundleLink) -> None:
    db.conn.execute(
        "UPDATE team SET push_seq = ?, push_hash = ?, push_head_id = ?, push_head_hash = ? "
        "WHERE id = 1",
        [link.seq, link.bundle_hash, link.log_head_id, link.log_head_hash],
    )


def set_push_start(db: Database, head_id: int, head_hash: str) -> None:
    """Where her first bundle starts: her log's head when she joined."""
    db.conn.execute(
        "UPDATE team SET push_head_id = ?, push_head_hash = ? WHERE id = 1", [head_id, head_hash]
    )


def set_last_sync(db: Database, at: str) -> None:
    db.conn.execute("UPDATE team SET last_sync_at = ? WHERE id = 1", [at])


# --- members' bundles received (lead) -------------------------------------------------------


def member_link(db: Database, member: str) -> BundleLink | None:
    row = db.conn.execute(
        "SELECT member, seq, bundle_hash, log_head_id, log_head_hash FROM team_members "
        "WHERE member = ?",
        [member],
    ).fetchone()
    return None if row is None else BundleLink(*row)


def set_member_link(db: Database, link: BundleLink, at: str) -> None:
    db.conn.execute(
        "INSERT INTO team_members (member, seq, bundle_hash, log_head_id, log_head_hash, "
        "accepted_at) VALUES (?,?,?,?,?,?) ON CONFLICT(member) DO UPDATE SET seq = "
        "excluded.seq, bundle_hash = excluded.bundle_hash, log_head_id = excluded.log_head_id, "
        "log_head_hash = excluded.log_head_hash, accepted_at = excluded.accepted_at",
        [link.member, link.seq, link.bundle_hash, link.log_head_id, link.log_head_hash, at],
    )


def member_progress(db: Database) -> list[MemberProgress]:
    rows = db.conn.execute(
        "SELECT member, seq, bundle_hash, accepted_at FROM team_members ORDER BY member"
    ).fetchall()
    return [MemberProgress(*r) for r in rows]


# --- what the lead has published ------------------------------------------------------------


def published_keys(db: Database, kind: str) -> set[str]:
    rows = db.conn.execute("SELECT key FROM team_published WHERE kind = ?", [kind]).fetchall()
    return {str(r[0]) for r in rows}


def mark_published(db: Database, items: Sequence[tuple[str, str]], seq: int) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO team_published (kind, key, seq) VALUES (?,?,?)",
        [(k, key, seq) for k, key in items],
    )


# --- documents announced by the lead (member) -----------------------------------------------


def put_document_record(db: Database, sha256: str, record: dict[str, Any]) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO team_documents (sha256, record) VALUES (?, ?)",
        [sha256, json.dumps(record, sort_keys=True)],
    )


def document_record(db: Database, sha256: str) -> dict[str, Any] | None:
    row = db.conn.execute("SELECT record FROM team_documents WHERE sha256 = ?", [sha256]).fetchone()
    return None if row is None else dict(json.loads(row[0]))


# --- member events replayed on the lead -----------------------------------------------------


def map_event(db: Database, member: str, member_event_id: int, event_id: int) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO team_event_map (member, member_event_id, event_id) VALUES (?,?,?)",
        [member, member_event_id, event_id],
    )


def map_events(db: Database, member: str, mapped: dict[int, int]) -> None:
    """Remember which lead event replayed each of her events (her reverts name hers)."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO team_event_map (member, member_event_id, event_id) VALUES (?,?,?)",
        [(member, k, v) for k, v in mapped.items()],
    )


def mapped_event(db: Database, member: str, member_event_id: int) -> int | None:
    row = db.conn.execute(
        "SELECT event_id FROM team_event_map WHERE member = ? AND member_event_id = ?",
        [member, member_event_id],
    ).fetchone()
    return None if row is None else int(row[0])


def replayed_reverts_after(
    db: Database, review_id: int
) -> list[tuple[int, int, str, str, str | None]]:
    """(review id, event id, region id, member, reason) of every revert decision after
    `review_id` on an event replayed from a member: what the lead must tell her."""
    rows = db.conn.execute(
        "SELECT r.id, e.id, e.region_id, m.member, r.reason FROM reviews r "
        "JOIN events e ON e.id = r.event_id JOIN team_event_map m ON m.event_id = e.id "
        "WHERE r.id > ? AND r.decision = 'reverted' ORDER BY r.id",
        [review_id],
    ).fetchall()
    return [(int(a), int(b), str(c), str(d), e) for a, b, c, d, e in rows]


# --- conflicts ------------------------------------------------------------------------------


def _conflict(row: Sequence[Any]) -> Conflict:
    r = dict(zip(CONFLICT_COLUMNS, row, strict=True))
    r["event"] = json.loads(r["event"])
    r["lead_state"] = json.loads(r["lead_state"]) if r["lead_state"] else None
    return Conflict(**r)


def insert_conflict(
    db: Database,
    member: str,
    bundle_seq: int,
    event: dict[str, Any],
    lead_state: dict[str, Any] | None,
    problem: str,
    at: str,
) -> int:
    cur = db.conn.execute(
        "INSERT INTO conflicts (member, bundle_seq, event, lead_state, problem, created_at) "
        "VALUES (?,?,?,?,?,?)",
        [
            member,
            bundle_seq,
            json.dumps(event, sort_keys=True),
            json.dumps(lead_state, sort_keys=True) if lead_state is not None else None,
            problem,
            at,
        ],
    )
    return int(cur.lastrowid or 0)


def get_conflict(db: Database, conflict_id: int) -> Conflict | None:
    row = db.conn.execute(
        f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM conflicts WHERE id = ?", [conflict_id]
    ).fetchone()
    return None if row is None else _conflict(row)


def list_conflicts(db: Database, status: str | None = None) -> list[Conflict]:
    sql = f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM conflicts"
    params: list[Any] = []
    if status:
        sql += " WHERE status = ?"
        params.append(status)
    return [_conflict(r) for r in db.conn.execute(sql + " ORDER BY id", params).fetchall()]


def count_conflicts(db: Database, status: str = "open") -> int:
    return int(
        db.conn.execute("SELECT COUNT(*) FROM conflicts WHERE status = ?", [status]).fetchone()[0]
    )


def decide_conflict(
    db: Database,
    conflict_id: int,
    status: str,
    by: str,
    at: str,
    reason: str | None,
    result_event_id: int | None,
) -> None:
    db.conn.execute(
        "UPDATE conflicts SET status = ?, decided_by = ?, decided_at = ?, reason = ?, "
        "result_event_id = ? WHERE id = ?",
        [status, by, at, reason, result_event_id, conflict_id],
    )


# --- the event log, as bundles carry it -----------------------------------------------------


def event_rows_after(db: Database, after_id: int) -> list[dict[str, Any]]:
    """Every event after `after_id` as the log stores it (original/new as JSON text)."""
    rows = db.conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id > ? ORDER BY id", [after_id]
    ).fetchall()
    return [dict(zip(EVENT_COLUMNS, r, strict=True)) for r in rows]


def count_events_after(db: Database, after_id: int) -> int:
    return int(
        db.conn.execute("SELECT COUNT(*) FROM events WHERE id > ?", [after_id]).fetchone()[0]
    )


def count_regions_and_documents(db: Database) -> tuple[int, int]:
    r = db.conn.execute(
        "SELECT (SELECT COUNT(*) FROM regions), (SELECT COUNT(*) FROM documents)"
    ).fetchone()
    return int(r[0]), int(r[1])
