"""What a local check can prove about the history in one project file (issue 19, item 5).

Beyond the hash chain (store/events.verify_chain): the append-only triggers exist; ids run
without a gap up to `sqlite_sequence`; nothing refers to an event the log no longer holds;
each region's row is the state its last event recorded (so deleting events, or the whole
log, shows); and the log head recorded with each release (an anchor) is still in the log
with the same hash. What no check inside the file can catch -- a consistent rewrite of the
log, the rows and the anchors together -- is in docs/audit.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import json_text
from .db import Database, _split_sql, transaction, upgrades
from .events import GENESIS, canonical_json, last_hash, verify_chain
from .regions import SELECT as REGION_SELECT
from .regions import from_row as region_from_row

_CREATE = re.compile(r"^CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_DROP = re.compile(r"^DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)", re.I)
# Tables whose rows point at events: (table, column).
EVENT_REFERENCES = (
    ("reviews", "event_id"),
    ("reviews", "revert_event_id"),
    ("models", "event_id"),
    ("deployments", "event_id"),
    ("retirements", "event_id"),
    ("dataset_versions", "last_event_id"),
    ("log_anchors", "event_id"),
)


@dataclass(frozen=True)
class AuditReport:
    """The chain check and every other local check; `problem` is the first problem."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    problems: tuple[str, ...] = ()
    anchors: int = 0
    triggers: int = 0
    regions: int = 0
    restored: tuple[str, ...] = field(default=())


def expected_triggers() -> dict[str, str]:
    """Every trigger the upgrade steps leave behind, by name, with the SQL that made it."""
    found: dict[str, str] = {}
    for step in upgrades():
        for statement in _split_sql(step.sql):
            body = "\n".join(
                line for line in statement.splitlines() if not line.lstrip().startswith("--")
            ).strip()
            if m := _CREATE.match(body):
                found[m.group(1)] = body
            elif m := _DROP.match(body):
                found.pop(m.group(1), None)
    return found


def missing_triggers(db: Database) -> list[str]:
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return sorted(set(expected_triggers()) - present)


def restore_triggers(db: Database) -> list[str]:
    """Create the expected triggers that are missing; their names (none: nothing written)."""
    missing = missing_triggers(db)
    if missing:
        sql = expected_triggers()
        with transaction(db):
            for name in missing:
                db.execute(sql[name])
    return missing


def _has_table(db: Database, table: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
        is not None
    )


def _anchor_problems(db: Database) -> tuple[int, list[str]]:
    if not _has_table(db, "log_anchors"):
        return 0, []
    problems = []
    rows = db.execute(
        "SELECT a.id, a.kind, a.ref, a.manifest_sha256, a.event_id, a.event_hash, "
        "e.hash FROM log_anchors a LEFT JOIN events e ON e.id = a.event_id "
        "ORDER BY a.id"
    ).fetchall()
    for aid, kind, ref, manifest, event_id, event_hash, found in rows:
        if event_id == 0:
            if event_hash != GENESIS:
                problems.append(f"anchor {aid} ({kind} {ref}) records an empty log wrongly")
        elif found is None:
            problems.append(
                f"event {event_id}, the log head recorded with {kind} {ref}, is "
                "no longer in the log (events were removed)"
            )
        elif found != event_hash:
            problems.append(
                f"event {event_id} differs from the log head recorded with {kind} "
                f"{ref} (the log was rewritten)"
            )
        if kind == "release" and manifest is not None:
            rel = db.execute(
                "SELECT manifest_sha256 FROM releases WHERE id = ?", [int(ref)]
            ).fetchone()
            if rel is None or rel[0] != manifest:
                problems.append(f"release {ref} no longer has the manifest hash recorded with it")
    return len(rows), problems


def _sequence_problems(db: Database) -> list[str]:
    head_id, _ = last_hash(db)
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    problems = []
    if head_id and (seq is None or int(seq[0]) < head_id):
        problems.append(
            f"sqlite_sequence says {seq[0] if seq else 'nothing'} for the events "
            f"table, below the last event {head_id} (it was edited)"
        )
    for table, column in EVENT_REFERENCES:
        if not _has_table(db, table):
            continue
        row = db.execute(f"SELECT MAX({column}) FROM {table}").fetchone()
        if row[0] is not None and int(row[0]) > head_id:
            problems.append(
                f"{table}.{column} refers to event {row[0]}, after the last event "
                f"{head_id} (events were removed)"
            )
    return problems


def _last_region_events(db: Database) -> Iterator[tuple[str, str | None]]:
    yield from db.execute(
        "SELECT region_id, new FROM events WHERE id IN (SELECT MAX(id) FROM events "
        "WHERE region_id IS NOT NULL AND kind LIKE 'region.%' GROUP BY region_id)"
    )


def _region_problems(db: Database, limit: int = 5) -> tuple[int, list[str]]:
    """Each region's row against the `new` state of its last event (the replay's result)."""
    last = {rid: new for rid, new in _last_region_events(db)}
    problems: list[str] = []
    n = 0
    for values in db.execute(REGION_SELECT):
        region = region_from_row(values)
        n += 1
        if region.id not in last:
            problems.append(f"region {region.id} has no event in the log (events were removed)")
        else:
            text = last[region.id]
            recorded = json_text.loads(text) if text else None
            if recorded is None or (
                canonical_json(_comparable(recorded))
                != canonical_json(_comparable(region.snapshot()))
            ):
                problems.append(
                    f"region {region.id} differs from the state its last event "
                    "recorded (the row or the log was changed outside the app)"
                )
        if len(problems) >= limit:
            problems.append("(further regions not listed)")
            break
    return n, problems


def _comparable(snapshot: dict) -> dict:  # type: ignore[type-arg]
    """A snapshot with its numbers spelled one way (3 and 3.0 are one box coordinate)."""
    out = dict(snapshot)
    if isinstance(out.get("box"), list):
        out["box"] = [round(float(v), 2) for v in out["box"]]
    return out


def full_check(db: Database) -> AuditReport:
    """The chain, then triggers, sequence and references, anchors and region states."""
    chain = verify_chain(db)
    problems: list[str] = [] if chain.ok or chain.problem is None else [chain.problem]
    missing = missing_triggers(db)
    if missing:
        problems.append(
            f"append-only triggers missing: {', '.join(missing)} (rows of those "
            "tables could be changed; `aal init` restores them)"
        )
    problems += _sequence_problems(db)
    anchors, anchor_problems = _anchor_problems(db)
    problems += anchor_problems
    regions, region_problems = _region_problems(db)
    problems += region_problems
    return AuditReport(
        ok=not problems,
        checked=chain.checked,
        first_bad_id=chain.first_bad_id,
        problem=problems[0] if problems else None,
        problems=tuple(problems),
        anchors=anchors,
        triggers=len(expected_triggers()) - len(missing),
        regions=regions,
    )
