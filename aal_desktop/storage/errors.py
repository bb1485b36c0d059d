"""Storage errors: one line naming the URL, what went wrong and what to do."""

from __future__ import annotations

from ..core.errors import AalError, NotFound


class StorageError(AalError):
    """Shared storage could not do what was asked (network, server or permission trouble)."""


class BucketMissing(StorageError):
    """The bucket (or the local folder) named by the URL does not exist."""


class NoCredentials(StorageError):
    """The object store asked for credentials and none were found in the environment."""


class StorageDenied(StorageError):
    """The credentials were refused, or the folder is not writable."""


class AlreadyExists(StorageError):
    """A create-only write found the name taken: nothing was overwritten."""


class StorageNotFound(StorageError, NotFound):
    """The file asked for is not there."""


class StorageUnreachable(StorageError):
    """The storage server did not answer."""
