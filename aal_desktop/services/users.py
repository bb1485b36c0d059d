"""People and their roles: annotators label; leads review, publish, approve and cut versions.

A name is an identity (core/names.py): " lead" and "LEAD" are the user "lead", a name that
mixes scripts to look like another is refused. Every role given other than the default
(a newcomer is an annotator, as their first write would make them) is a `user.role` event
in the hash-chained log, so who made whom a lead, and who took it back, is on record.
"""

from __future__ import annotations

from ..core.errors import ValidationFailed
from ..core.names import name_key, normalize_name
from ..core.records import Role, User
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import NewEvent, append, now_iso
from .project import Change, ChangeKind, Project

ROLE_EVENT = "user.role"


def list_users(project: Project) -> list[User]:
    return user_rows.list_users(project.db)


def add_user(project: Project, name: str, role: Role | str) -> User:
    """Add a person, or change the role of one already known (leads only)."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"role must be 'annotator' or 'lead', not '{role}'") from None
    project.require_lead("add users or change roles")
    with transaction(project.db):
        known = user_rows.find_by_key(project.db, name_key(name))
        stored = known if known is not None else normalize_name(name)
        old = user_rows.role_of(project.db, stored)
        if old != role:
            user_rows.upsert(project.db, stored, role, now_iso(), project.user)
        if (old or Role.annotator) != role:
            append(
                project.db,
                NewEvent(
                    kind=ROLE_EVENT,
                    user=project.user,
                    original={"name": stored, "role": old.value if old else None},
                    new={"name": stored, "role": role.value},
                ),
            )
    project.notify(Change(ChangeKind.user, (stored,)))
    return next(u for u in list_users(project) if u.name == stored)
