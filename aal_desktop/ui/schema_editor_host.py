"""The small typed interface the schema editor's tabs use to talk to the editor.

Each tab (Classes, Migration, Diff) is its own widget; none reaches into another. What one
tab needs from the rest goes through this protocol, which SchemaEditorDialog implements.
"""

from __future__ import annotations

from typing import Protocol

from ..services.project import Project


class SchemaEditorHost(Protocol):
    """What a tab may ask of the schema editor."""

    project: Project
    lead: bool

    def refresh(self) -> None:
        """Re-read the versions (after an apply, a publish or a saved draft)."""

    def show_version(self, version: int) -> None:
        """Show this schema version in the Classes tab."""

    def plan_text(self) -> str:
        """The migration plan as typed in the Migration tab."""

    def set_plan_text(self, text: str) -> None:
        """Replace the migration plan (the Migration tab previews it)."""

    def set_staging_enabled(self, on: bool) -> None:
        """Allow or stop staging from the Classes tab (not while a plan is being applied)."""
