"""User-facing errors: one clear line saying what went wrong and what to do."""

from __future__ import annotations


class AalError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits 1."""


class NotFound(AalError):
    """A document, region, event, version or model that does not exist."""


class ValidationFailed(AalError):
    """Input that breaks the schema or the invariants; nothing was written."""


class PermissionDenied(AalError):
    """The acting user's role does not allow the action."""


class Frozen(AalError):
    """An attempt to change something published or released (invariant 5)."""
