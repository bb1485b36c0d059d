"""What reading the audit log asks and answers: which events (EventFilter) and whether the
hash chain holds (ChainReport).

Pure values, so ui and cli can hold them without reaching store/, which alone turns a filter
into SQL (store/events.py, `where_clause`) and recomputes the chain.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventFilter:
    """Filters of `aal events list` and the review table; None means any."""

    user: str | None = None
    kind: str | None = None  # exact kind, or a prefix ending in "." (e.g. "region.")
    change_type: str | None = None
    document_id: int | None = None
    region_id: str | None = None
    since: str | None = None  # ISO time, inclusive
    until: str | None = None  # ISO time, exclusive
    class_before: str | None = None
    class_after: str | None = None
    review: str | None = None  # pending / accepted / reverted
    batch: str | None = None


@dataclass(frozen=True)
class ChainReport:
    """The hash chain's check: how many events held, and the first one that did not."""

    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
