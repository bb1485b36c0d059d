"""People and their roles: annotators label; leads review, publish, approve and cut versions."""

from __future__ import annotations

from ..core.errors import ValidationFailed
from ..core.records import Role, User
from ..store.db import transaction
from ..store.events import now_iso
from .project import Change, Project


def list_users(project: Project) -> list[User]:
    rows = project.db.execute(
        "SELECT name, role, created_at, created_by FROM users ORDER BY name"
    ).fetchall()
    return [User(name=n, role=Role(r), created_at=c, created_by=b) for n, r, c, b in rows]


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
        project.db.execute(
            "INSERT INTO users (name, role, created_at, created_by) VALUES (?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET role = excluded.role",
            [name, role.value, now_iso(), project.user],
        )
    project.notify(Change("user", (name,)))
    return next(u for u in list_users(project) if u.name == name)
