"""The lead's publications to members (pure): signed, hash-chained files of records.

Same discipline as a member's bundle (core/bundle.py): canonical JSON lines, a header, one
line per record, a signature line over every byte above; each file names the previous
one's SHA-256 and its sequence number, so a member applies them in order, once, and
refuses a file that is damaged, forged or out of order. Record kinds: member, schema,
document, assignment, regions, decision.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .bundle import GENESIS, HEX64, BundleRefused, canonical
from .signing import SigningKey, signature_text
from .signing import verify as verify_signature

FORMAT: Final = "aal-lead/1"
RecordKind = Literal["member", "schema", "document", "assignment", "regions", "decision"]


class FeedHeader(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    format: Literal["aal-lead/1"]
    team: str = Field(min_length=1)
    lead: str = Field(min_length=1)
    public_key: str
    seq: int = Field(ge=1)
    prev_hash: str = Field(pattern=HEX64)
    created_at: str
    record_count: int = Field(ge=0)


class FeedRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    kind: RecordKind
    key: str  # what the lead marks as published ("ann", "3", "<sha>", "<sha>:ann", "r12")
    data: dict[str, Any]


@dataclass(frozen=True)
class Feed:
    header: FeedHeader
    records: tuple[FeedRecord, ...]
    raw: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def _body(header: FeedHeader, records: tuple[FeedRecord, ...]) -> bytes:
    lines = [canonical(header.model_dump())] + [canonical(r.model_dump()) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(
    *,
    team: str,
    lead: str,
    key: SigningKey,
    seq: int,
    prev_hash: str,
    created_at: str,
    records: list[FeedRecord],
) -> Feed:
    header = FeedHeader(
        format=FORMAT,
        team=team,
        lead=lead,
        public_key=key.public,
        seq=seq,
        prev_hash=prev_hash,
        created_at=created_at,
        record_count=len(records),
    )
    recs = tuple(records)
    body = _body(header, recs)
    sig = signature_text(key.sign(body))
    return Feed(header, recs, body + (canonical({"signature": sig}) + "\n").encode("utf-8"))


def open_feed(data: bytes, source: str, lead_key: str, team: str, seq: int, prev_hash: str) -> Feed:
    """Parse and verify the lead's file number `seq`, which must follow `prev_hash`.

    BundleRefused (one line naming it) for anything damaged, forged or out of order.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleRefused(source, "the lead", "it is not UTF-8 text (damaged)") from None
    if not text.endswith("\n"):
        raise BundleRefused(source, "the lead", "it ends mid-line (cut short)")
    try:
        objs = [json.loads(line) for line in text[:-1].split("\n")]
        header = FeedHeader(**objs[0])
        records = tuple(FeedRecord(**o) for o in objs[1:-1])
        signature = objs[-1]["signature"] if len(objs) > 1 else None
    except (ValueError, ValidationError, TypeError, KeyError, IndexError):
        raise BundleRefused(source, "the lead", "it is not a valid lead file (damaged)") from None
    if not isinstance(signature, str) or len(records) != header.record_count:
        raise BundleRefused(source, "the lead", "it is cut short")
    body = _body(header, records)
    if body + (canonical({"signature": signature}) + "\n").encode("utf-8") != data:
        raise BundleRefused(source, "the lead", "it is not in canonical form (altered)")
    if header.team != team:
        raise BundleRefused(source, "the lead", f"it belongs to team {header.team!r}")
    if header.public_key != lead_key or not verify_signature(lead_key, body, signature):
        raise BundleRefused(
            source,
            "the lead",
            "its signature does not match the lead's key in team.json (altered or forged)",
        )
    if header.seq != seq or header.prev_hash != prev_hash:
        raise BundleRefused(source, "the lead", f"it does not follow lead file {seq - 1}")
    return Feed(header, records, data)


def feed_key(seq: int) -> str:
    return f"lead/{seq:06d}.bundle"


def member_key(member: str, seq: int) -> str:
    return f"members/{member}/{seq:06d}.bundle"


__all__ = [
    "FORMAT",
    "GENESIS",
    "Feed",
    "FeedHeader",
    "FeedRecord",
    "build",
    "feed_key",
    "member_key",
    "open_feed",
]
