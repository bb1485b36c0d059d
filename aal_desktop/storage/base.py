"""What every shared storage offers, whatever its URL: keys relative to a root.

A key is a '/'-separated path under the storage's root ("members/ana/000001.bundle").
Writers never leave a half-written file under a final name: readers of shared storage see a
file whole or not at all, which is what lets a manifest (or a bundle) written last commit
everything before it.
"""

from __future__ import annotations

import builtins
import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import StorageError

# Temporaries carry this prefix so listings hide them and a sweep can find what a killed
# writer left behind.
TEMP_PREFIX = ".aal-tmp-"
CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    """One complete file under the storage root."""

    key: str
    size: int
    modified: float | None = None  # seconds since the epoch, where the store says


def check_key(key: str) -> str:
    """Refuse keys that could escape the root or mean different files on different stores."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"'{key}' is not a storage key (use a relative path like a/b.json)")
    return key


def is_temporary(key: str) -> bool:
    return key.rsplit("/", 1)[-1].startswith(TEMP_PREFIX)


class Storage(ABC):
    """Shared storage under one root URL; every method takes keys relative to that root."""

    url: str

    def url_of(self, key: str) -> str:
        """The full URL of a key, for messages and manifests."""
        return self.url.rstrip("/") + "/" + check_key(key)

    @abstractmethod
    def child(self, prefix: str) -> Storage:
        """The same storage rooted one or more folders further down."""

    @abstractmethod
    def write_new(self, key: str, data: bytes) -> None:
        """Create-only write of a small file: AlreadyExists if the key is taken.

        The file appears whole or not at all. Keep it small (one PUT on object stores:
        conditional writes of multipart uploads are not honoured by every server).
        """

    @abstractmethod
    def open_upload(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A writer for a large file, streamed, that appears under `key` only when the
        `with` block ends without an error; an error leaves nothing under `key`.

        Replaces a file already there (a resumed release rewrites its shards); the
        create-only commit is the manifest's job (`write_new`).
        """

    def upload(self, key: str, source: Path, progress: Callable[[int], None] | None = None) -> int:
        """Stream a local file to `key` (see `open_upload`); returns its size.

        `progress(bytes_sent)` is called after each MiB, for a progress bar off the GUI thread.
        """
        size = 0
        with self.open_upload(key) as out, source.open("rb") as src:
            while block := src.read(CHUNK):
                out.write(block)
                size += len(block)
                if progress is not None:
                    progress(size)
        return size

    @abstractmethod
    def open_read(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A binary reader of a file (StorageNotFound if absent)."""

    def read(self, key: str) -> bytes:
        with self.open_read(key) as f:
            return f.read()

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def list(self, prefix: str = "") -> builtins.list[StoredFile]:
        """Every complete file under `prefix` (recursive, temporaries hidden), sorted by key."""

    @abstractmethod
    def list_temporaries(self, prefix: str = "") -> builtins.list[StoredFile]:
        """What killed writers left under `prefix`, for `sweep`."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove one file (for sweeping temporaries and abandoned releases); absent is fine."""

    def sha256(self, key: str) -> str:
        """SHA-256 of a stored file, streamed: never the whole file in memory."""
        digest = hashlib.sha256()
        with self.open_read(key) as f:
            while block := f.read(CHUNK):
                digest.update(block)
        return digest.hexdigest()

    def sweep(self, prefix: str = "", older_than: float = 3600.0) -> builtins.list[str]:
        """Delete what killed writers left under `prefix` at least `older_than` seconds ago
        (a writer still at work keeps its temporaries); returns the keys removed."""
        cutoff = time.time() - older_than
        removed = [
            t.key
            for t in self.list_temporaries(prefix)
            if t.modified is None or t.modified <= cutoff
        ]
        for key in removed:
            self.delete(key)
        return removed

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        return (f.key for f in self.list(prefix))
