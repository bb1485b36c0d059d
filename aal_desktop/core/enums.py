"""The closed sets of words records use: roles, document statuses, change and event kinds.

Why apart from core/records.py: importing the records builds every pydantic model (a
quarter of a second), and a command such as `aal doc list` needs only these words.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    annotator = "annotator"
    lead = "lead"


class DocStatus(StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class ChangeType(StrEnum):
    additive = "additive"
    corrective = "corrective"
    schema = "schema"


class EventKind(StrEnum):
    region_create = "region.create"
    region_relabel = "region.relabel"
    region_move = "region.move"
    region_resize = "region.resize"  # a box's size changed by its handles (not just moved)
    region_set = "region.set"
    region_delete = "region.delete"
    region_restore = "region.restore"
    region_link = "region.link"
    region_accept = "region.accept"
    region_schema = "region.schema"
