"""The event log's hash chain: the fields a row's hash covers, in order, and the hash.

One definition for the store, which writes and verifies the log, and for team bundles
(core/bundle.py), which carry a member's events and re-check their chain; core cannot
import the store, so the definition lives here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first event
HASHED_FIELDS = (
    "id",
    "at",
    "user",
    "kind",
    "change_type",
    "region_id",
    "document_id",
    "page",
    "original",
    "new",
    "reason",
    "schema_version",
    "guideline_version",
    "batch",
    "reverts",
)
# an event row as the log stores it and a bundle carries it (`source_hash`, the provenance
# of a replayed event, stays on the lead's side)
EVENT_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")

_PAYLOAD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, values: list[Any]) -> str:
    """The hash over the HASHED_FIELDS values in that order (then any `source_hash`)."""
    payload = _PAYLOAD.encode(values)
    return hashlib.sha256((prev_hash + "\n" + payload).encode("utf-8")).hexdigest()
