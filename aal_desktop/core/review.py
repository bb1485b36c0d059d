"""Review records: a lead's decision about one event, and what review made of a person's work."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewDecision:
    """One row of `reviews`: who decided what about which event, and the revert it wrote."""

    id: int
    event_id: int
    decision: str  # accepted / reverted
    user: str
    at: str
    reason: str | None = None
    revert_event_id: int | None = None
    already: bool = False  # True when accept found the event already accepted (no new row)


@dataclass(frozen=True)
class AnnotatorSummary:
    """What one person did, and what review made of it."""

    user: str
    role: str | None
    regions_made: int  # region.create events
    corrections_made: int  # corrective events, not counting review reverts
    accepted: int  # their events accepted in review
    reverted: int  # their events reverted in review
    pending: int  # their reviewable events still waiting
