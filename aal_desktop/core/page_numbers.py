"""Pages are stored 0-based and shown 1-based (CLI.md "1-based pages"): every JSON a person
or script reads (events, region history, a release's changes.jsonl) goes through here, so
page 1 is `"page": 1` in each of them, including inside the recorded original and new value.
"""

from __future__ import annotations

from typing import Any

from .records import Event


def shown(page: int | None) -> int | None:
    """The page number a person reads (None stays None)."""
    return None if page is None else page + 1


def _value(v: Any) -> Any:
    if isinstance(v, dict) and isinstance(v.get("page"), int):
        return {**v, "page": v["page"] + 1}
    return v


def change_json(change: dict[str, Any]) -> dict[str, Any]:
    """An event as a JSON dict (stored 0-based) with its pages counted from 1."""
    out = dict(change)
    if isinstance(out.get("page"), int):
        out["page"] = out["page"] + 1
    for key in ("original", "new"):
        if key in out:
            out[key] = _value(out[key])
    return out


def event_json(event: Event) -> dict[str, Any]:
    return change_json(event.model_dump(mode="json"))
