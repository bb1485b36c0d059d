"""The one parser of times a person types (`--since`, `--until`, `--at`, `--on`).

Stored times are UTC ISO with microseconds, so text order is time order. What a person
types is parsed strictly: "yesterday", "2026-13-45" or "notadate" are refused with one line
saying what is expected, never taken as "no filter" or as a text to compare.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from .errors import ValidationFailed


def to_iso(
    value: datetime | date | str | None, end_of_day: bool = False, what: str | None = None
) -> str:
    """One spelling for every stored time (UTC, microseconds).

    A bare date means its start, or its end with `end_of_day` ("in production on D" asks
    about the state at the end of that day). Times without a zone are taken as UTC. None
    is now. `what` names the option in the error ("--since").
    """
    if value is None:
        return datetime.now(UTC).isoformat(timespec="microseconds")
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            label = f"{what} " if what else ""
            raise ValidationFailed(
                f"{label}'{value}' is not an ISO date or time "
                "(e.g. 2025-03-01 or 2025-03-01T12:00:00Z)"
            ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    assert isinstance(value, datetime)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def optional_iso(value: str | None, what: str, end_of_day: bool = False) -> str | None:
    """`to_iso` for an optional filter: None stays None (no bound)."""
    return None if value is None else to_iso(value, end_of_day, what)
