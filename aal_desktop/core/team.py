"""Typed values of team sync (pure): the project's team settings, conflicts, sync counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

TeamRole = Literal["lead", "member"]


@dataclass(frozen=True)
class TeamConfig:
    """What a project knows of its team: where it meets, who it is, how far it synced."""

    url: str
    team_id: str
    role: TeamRole
    member: str  # this project's person (the lead's own name on the lead)
    lead: str
    lead_key: str
    created_at: str
    last_sync_at: str | None
    lead_seq: int  # lead: last published lead bundle; member: last applied
    lead_hash: str
    push_seq: int  # member: her last pushed bundle and where her log stood
    push_hash: str
    push_head_id: int
    push_head_hash: str


@dataclass(frozen=True)
class Conflict:
    """A member's event the lead's project could not take as it is: kept for review."""

    id: int
    member: str
    bundle_seq: int
    event: dict[str, Any]  # the member's event as her log stores it (original/new decoded)
    lead_state: dict[str, Any] | None  # the lead's region when the event arrived
    problem: str
    status: Literal["open", "accepted", "reverted"]
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    result_event_id: int | None
    created_at: str

    @property
    def ref(self) -> str:
        return f"c{self.id}"


@dataclass
class SyncResult:
    """Counts of one `aal team sync` (its --json), and the refusals, one line each."""

    role: TeamRole
    pushed: int = 0  # events pushed (member)
    pulled: int = 0  # bundles read: lead bundles (member), member bundles (lead)
    applied: int = 0  # events or records applied
    conflicts: int = 0
    refused: int = 0
    published: int = 0  # lead: records published to members
    refusals: list[str] = field(default_factory=list)
    at: str = ""

    def summary(self) -> str:
        parts = [f"{self.applied} applied"]
        if self.role == "member":
            parts.insert(0, f"{self.pushed} pushed")
        else:
            parts.append(f"{self.published} published")
        parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        if self.refused:
            parts.append(f"{self.refused} refused")
        return " · ".join(parts)


@dataclass(frozen=True)
class MemberProgress:
    member: str
    seq: int
    bundle_hash: str | None
    accepted_at: str | None


@dataclass(frozen=True)
class TeamStatus:
    url: str
    role: TeamRole
    member: str
    lead: str
    last_sync_at: str | None
    unpushed: int  # member: local events after her last push
    lead_seq: int
    push_seq: int
    open_conflicts: int
    members: list[MemberProgress]
