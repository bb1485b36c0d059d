"""The bundle: one member's events for team sync, signed and chained (pure: no I/O).

A bundle is a slice of a member's own event log, exactly as her log stores it (so the lead
can keep each event's hash as provenance), in canonical JSON lines:

    line 1        header: team, member, public key, sequence number, the previous
                  bundle's SHA-256 (her bundles form a chain), where her log stood
                  before and after the slice, the number of events, created_at
    lines 2..n+1  the events, oldest first, with their original id, prev_hash and hash
    last line     {"signature": base64url Ed25519 over every byte of the lines above}

The file's SHA-256 is the bundle's hash, which the next bundle names. Verification is
all-or-nothing: a bundle that fails any check is refused whole, with one line naming the
member, the bundle and what failed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import AalError, ValidationFailed
from .event_chain import EVENT_FIELDS, GENESIS, HASHED_FIELDS, chain_hash
from .signing import SigningKey, signature_text
from .signing import verify as verify_signature

FORMAT: Final = "aal-bundle/1"
HEX64 = r"^[0-9a-f]{64}$"


class BundleRefused(AalError):
    """A bundle that does not check; nothing of it may be applied."""

    def __init__(self, source: str, member: str | None, reason: str) -> None:
        self.source, self.member, self.reason = source, member, reason
        who = f" of {member}" if member else ""
        super().__init__(f"bundle {source}{who} refused: {reason}".replace("\n", " "))


class BundleReplayed(BundleRefused):
    """A bundle whose sequence number was already applied: a replay or a duplicate upload.

    Sync treats it as "nothing new" rather than an attack when its hash is the one applied.
    """

    def __init__(self, source: str, member: str | None, reason: str, identical: bool) -> None:
        self.identical = identical
        super().__init__(source, member, reason)


def canonical(value: Any) -> str:
    """The one JSON spelling (the event log's): sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The event log's row hash (core/event_chain.py, the store's own definition)."""
    return chain_hash(prev_hash, [row.get(f) for f in HASHED_FIELDS])


class BundleEvent(BaseModel):
    """One event as the member's log stores it; `original`/`new` are its canonical JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    id: int = Field(ge=1)
    at: str
    user: str
    kind: str
    change_type: str | None
    region_id: str | None
    document_id: int | None
    page: int | None
    original: str | None
    new: str | None
    reason: str | None
    schema_version: int | None
    guideline_version: str | None
    batch: str | None
    reverts: int | None
    prev_hash: str = Field(pattern=HEX64)
    hash: str = Field(pattern=HEX64)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BundleEvent:
        """From an events row as stored (original/new still JSON text)."""
        return cls(**{f: row[f] for f in EVENT_FIELDS})

    @classmethod
    def from_record(cls, event: Any) -> BundleEvent:
        """From a core.records.Event (original/new decoded): re-encoded canonically, which
        gives back the stored text, so the hash still checks."""
        values = {f: getattr(event, f) for f in EVENT_FIELDS}
        for f in ("original", "new"):
            values[f] = None if values[f] is None else canonical(values[f])
        if values["change_type"] is not None:
            values["change_type"] = str(
                getattr(values["change_type"], "value", values["change_type"])
            )
        return cls(**values)

    def value(self, which: Literal["original", "new"]) -> Any:
        text = getattr(self, which)
        return None if text is None else json.loads(text)


class BundleHeader(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    format: Literal["aal-bundle/1"]
    team: str = Field(min_length=1)
    member: str = Field(min_length=1)
    public_key: str
    seq: int = Field(ge=1)
    prev_bundle_hash: str = Field(pattern=HEX64)
    created_at: str
    event_count: int = Field(ge=0)
    log_prev_hash: str = Field(pattern=HEX64)  # the member's log head before these events
    log_head_id: int = Field(ge=0)  # ... and after them (id and hash of the last event)
    log_head_hash: str = Field(pattern=HEX64)


@dataclass(frozen=True)
class BundleLink:
    """What the receiver keeps of the last bundle it applied from a member: enough to check
    that the next one continues her chain, without keeping the bundle."""

    member: str
    seq: int
    bundle_hash: str
    log_head_id: int
    log_head_hash: str


@dataclass(frozen=True)
class Bundle:
    header: BundleHeader
    events: tuple[BundleEvent, ...]
    signature: str  # base64url of the 64-byte Ed25519 signature
    # The file's bytes, made once (a bundle of 10,000 events is ~5 MiB of JSON).
    raw: bytes = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "raw", _body(self.header, self.events) + _signature_line(self.signature)
        )

    def body(self) -> bytes:
        """The signed bytes: the header line and the event lines."""
        return self.raw[: len(self.raw) - len(_signature_line(self.signature))]

    def serialize(self) -> bytes:
        return self.raw

    @property
    def digest(self) -> str:
        """The bundle's hash: SHA-256 of its file, named by the member's next bundle."""
        return hashlib.sha256(self.raw).hexdigest()

    def link(self) -> BundleLink:
        h = self.header
        return BundleLink(h.member, h.seq, self.digest, h.log_head_id, h.log_head_hash)


def _signature_line(signature: str) -> bytes:
    return (canonical({"signature": signature}) + "\n").encode("utf-8")


def _body(header: BundleHeader, events: Iterable[BundleEvent]) -> bytes:
    lines = [canonical(header.model_dump())]
    lines.extend(canonical(e.model_dump()) for e in events)
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(
    *,
    team: str,
    member: str,
    key: SigningKey,
    events: Sequence[BundleEvent],
    previous: BundleLink | None,
    created_at: str,
    start: tuple[int, str] | None = None,
) -> Bundle:
    """Sign the member's next bundle: `events` continue her log from `previous`, or for her
    first bundle from `start` (id and hash of her log's last event when she joined; by
    default where the first event says it follows)."""
    events = tuple(events)
    if previous is not None:
        start_id, start_hash = previous.log_head_id, previous.log_head_hash
    elif start is not None:
        start_id, start_hash = start
    elif events:
        start_id, start_hash = events[0].id - 1, events[0].prev_hash
    else:
        start_id, start_hash = 0, GENESIS
    problem = _chain_problem(events, start_hash, start_id)
    if problem:
        raise ValidationFailed(f"cannot bundle {member}'s events: {problem}")
    header = BundleHeader(
        format=FORMAT,
        team=team,
        member=member,
        public_key=key.public,
        seq=previous.seq + 1 if previous else 1,
        prev_bundle_hash=previous.bundle_hash if previous else GENESIS,
        created_at=created_at,
        event_count=len(events),
        log_prev_hash=start_hash,
        log_head_id=events[-1].id if events else start_id,
        log_head_hash=events[-1].hash if events else start_hash,
    )
    signature = signature_text(key.sign(_body(header, events)))
    return Bundle(header, events, signature)


def serialize(bundle: Bundle) -> bytes:
    return bundle.serialize()


def bundle_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes, source: str) -> Bundle:
    """Read a bundle's bytes; BundleRefused if it is damaged, cut short or not canonical.

    Parsing proves only the form; `verify` proves who wrote it and that it continues.
    """
    member: str | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BundleRefused(source, None, "it is not UTF-8 text (damaged)") from None
    if not text.endswith("\n"):
        raise BundleRefused(source, None, "it ends mid-line (cut short)")
    lines = text[:-1].split("\n")
    objects: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        try:
            obj = json.loads(line)
        except ValueError:
            raise BundleRefused(source, member, f"line {n} is not JSON (damaged)") from None
        if not isinstance(obj, dict):
            raise BundleRefused(source, member, f"line {n} is not a JSON object (damaged)")
        if n == 1 and isinstance(obj.get("member"), str):
            member = obj["member"]
        objects.append(obj)
    try:
        header = BundleHeader(**objects[0])
    except (ValidationError, TypeError) as exc:
        raise BundleRefused(source, member, f"its header is not valid ({_first(exc)})") from None
    last = objects[-1] if len(objects) > 1 else {}
    if set(last) != {"signature"} or not isinstance(last["signature"], str):
        raise BundleRefused(source, member, "it has no signature line (cut short)")
    body = objects[1:-1]
    if len(body) != header.event_count:
        raise BundleRefused(
            source, member, f"it holds {len(body)} of its {header.event_count} events (cut short)"
        )
    events: list[BundleEvent] = []
    for n, obj in enumerate(body, start=2):
        try:
            events.append(BundleEvent(**obj))
        except (ValidationError, TypeError) as exc:
            raise BundleRefused(
                source, member, f"line {n} is not a valid event ({_first(exc)})"
            ) from None
    bundle = Bundle(header, tuple(events), last["signature"])
    if bundle.serialize() != data:
        raise BundleRefused(source, member, "it is not in canonical form (altered)")
    return bundle


def verify(
    bundle: Bundle,
    public_key: str,
    previous: BundleLink | None,
    source: str,
    member: str | None = None,
    team: str | None = None,
) -> None:
    """Refuse (BundleRefused, one line) unless all of these hold:

    signed by `public_key` (the member's registered key) over exactly these bytes; from
    `member` and `team` when given; its events a hash chain that recomputes; and it is the
    next link of the member's chain after `previous` (None: her first bundle).
    A sequence number already applied raises BundleReplayed.
    """
    h = bundle.header
    who = h.member
    if member is not None and h.member != member:
        raise BundleRefused(source, member, f"it claims to be from {h.member!r}")
    if team is not None and h.team != team:
        raise BundleRefused(source, who, f"it belongs to team {h.team!r}, not {team!r}")
    if h.public_key != public_key:
        raise BundleRefused(
            source, who, f"it is signed with a key that is not {who}'s registered key"
        )
    if not verify_signature(public_key, bundle.body(), bundle.signature):
        raise BundleRefused(
            source, who, f"its signature does not match {who}'s key (altered or forged)"
        )
    problem = _chain_problem(bundle.events, h.log_prev_hash, h.log_head_id - h.event_count)
    if problem:
        raise BundleRefused(source, who, problem)
    if bundle.events and (
        bundle.events[-1].hash != h.log_head_hash or bundle.events[-1].id != h.log_head_id
    ):
        raise BundleRefused(source, who, "its header does not name its last event")
    if not bundle.events and h.log_head_hash != h.log_prev_hash:
        raise BundleRefused(source, who, "an empty bundle must not move the log head")
    _check_continues(bundle, previous, source)


def open_bundle(
    data: bytes,
    source: str,
    public_key: str,
    previous: BundleLink | None,
    member: str | None = None,
    team: str | None = None,
) -> Bundle:
    """parse + verify: the only way a receiver should get at a bundle's events."""
    bundle = parse(data, source)
    verify(bundle, public_key, previous, source, member, team)
    return bundle


def _check_continues(bundle: Bundle, previous: BundleLink | None, source: str) -> None:
    h = bundle.header
    who = h.member
    if previous is None:
        if h.seq != 1 or h.prev_bundle_hash != GENESIS:
            raise BundleRefused(
                source,
                who,
                f"it is bundle {h.seq} but none of {who}'s earlier bundles was received",
            )
        return
    if h.seq <= previous.seq:
        identical = h.seq == previous.seq and bundle.digest == previous.bundle_hash
        what = "a copy of" if identical else "a replay of, or a fork from,"
        raise BundleReplayed(
            source,
            who,
            f"it is {what} bundle {h.seq}, already applied (last applied: {previous.seq})",
            identical,
        )
    if h.seq > previous.seq + 1:
        raise BundleRefused(
            source, who, f"bundles {previous.seq + 1}..{h.seq - 1} of {who} are missing"
        )
    if h.prev_bundle_hash != previous.bundle_hash:
        raise BundleRefused(
            source,
            who,
            f"it does not continue {who}'s chain (another bundle {previous.seq} was applied)",
        )
    if h.log_prev_hash != previous.log_head_hash or (
        h.log_head_id - h.event_count != previous.log_head_id
    ):
        raise BundleRefused(
            source, who, f"its events do not follow event {previous.log_head_id} of {who}'s log"
        )


def _chain_problem(events: Sequence[BundleEvent], start_hash: str, start_id: int) -> str | None:
    """None if the events continue a log from (start_id, start_hash) and each hash checks."""
    prev_hash, prev_id = start_hash, start_id
    for e in events:
        if e.id != prev_id + 1:
            return f"event {prev_id + 1} is missing (next is {e.id})"
        if e.prev_hash != prev_hash:
            return f"event {e.id} does not follow event {prev_id} (chain broken)"
        if chain_hash(prev_hash, [getattr(e, f) for f in HASHED_FIELDS]) != e.hash:
            return f"event {e.id} was altered (hash mismatch)"
        prev_hash, prev_id = e.hash, e.id
    return None


def _first(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        return f"{where}: {err.get('msg', '')}".strip(": ")
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
