"""Shared storage by URL (team sync, releases): create-only writes, whole files or none."""

from .base import TEMP_PREFIX, Storage, StoredFile
from .errors import (
    AlreadyExists,
    BucketMissing,
    NoCredentials,
    StorageDenied,
    StorageError,
    StorageNotFound,
    StorageUnreachable,
)
from .location import is_url, open_storage

__all__ = [
    "TEMP_PREFIX",
    "AlreadyExists",
    "BucketMissing",
    "NoCredentials",
    "Storage",
    "StorageDenied",
    "StorageError",
    "StorageNotFound",
    "StorageUnreachable",
    "StoredFile",
    "is_url",
    "open_storage",
]
