"""People and their roles: annotators label; leads review, publish, approve and cut versions."""

from __future__ import annotations

from ..core.errors import ValidationFailed
from ..core.records import Role, User
from ..store import users as user_rows
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, ChangeKind, Project


def list_users(project: Project) -> list[User]:
    return user_rows.list_users(project.db)


def add_user(project: Project, name: str, role: Role | str) -> User:
    """Add a person, or change the role of one already known (leads only)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("a user name cannot be empty")
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(f"role must be 'annotator' or 'lead', not '{role}'") from None
    project.require_lead("add users or change roles")
    with transaction(project.db):
        user_rows.upsert(project.db, name, role, now_iso(), project.user)
    project.notify(Change(ChangeKind.user, (name,)))
    return next(u for u in list_users(project) if u.name == name)
