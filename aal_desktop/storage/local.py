"""Shared storage in a folder (a local disk or a mount): temp file, then link or rename.

A file is written under a temporary name in its final folder and only then given its final
name, so a reader never sees it half-written. Create-only writes use a hard link, which
fails if the name is taken (atomic on POSIX and SMB/NFS mounts); where the filesystem has no
hard links, Windows' rename (which refuses an existing name) is used instead.
"""

from __future__ import annotations

import builtins
import errno
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .base import TEMP_PREFIX, Storage, StoredFile, check_key, is_temporary
from .errors import AlreadyExists, BucketMissing, StorageDenied, StorageError, StorageNotFound

_NO_LINK = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


class LocalStorage(Storage):
    """Files under a folder; `url` is what the user gave (a path or file:// URL)."""

    def __init__(
        self, root: Path, url: str | None = None, create: bool = False, must_exist: bool = True
    ) -> None:
        self.root = root
        self.url = url or str(root)
        if create:
            with self._errors(""):
                root.mkdir(parents=True, exist_ok=True)
        elif must_exist and not root.is_dir():
            raise BucketMissing(f"the folder {root} does not exist: create it or check the path")

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def child(self, prefix: str) -> LocalStorage:
        # Like a prefix on an object store: made by the first write, not by looking.
        return LocalStorage(self._path(prefix), self.url_of(prefix), must_exist=False)

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        where = self.url_of(key) if key else self.url
        try:
            yield
        except StorageError:
            raise
        except FileExistsError:
            raise AlreadyExists(f"{where} already exists: nothing was overwritten") from None
        except FileNotFoundError:
            raise StorageNotFound(f"{where} does not exist") from None
        except PermissionError:
            raise StorageDenied(f"permission denied writing or reading {where}") from None
        except OSError as exc:
            raise StorageError(f"{where}: {exc.strerror or exc}") from None

    def _temp_beside(self, path: Path) -> Path:
        return path.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}-{path.name}")

    def write_new(self, key: str, data: bytes) -> None:
        path = self._path(key)
        with self._errors(key):
            if path.exists():
                raise FileExistsError(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._temp_beside(path)
            try:
                _write_synced(tmp, data)
                _link_new(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            _sync_folder(path.parent)

    @contextmanager
    def open_upload(self, key: str) -> Iterator[BinaryIO]:
        path = self._path(key)
        with self._errors(key):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._temp_beside(path)
            f = tmp.open("xb")
        try:
            yield f  # type: ignore[misc]
            with self._errors(key):
                f.flush()
                os.fsync(f.fileno())
                f.close()
                os.replace(tmp, path)
                _sync_folder(path.parent)
        finally:
            f.close()
            tmp.unlink(missing_ok=True)

    @contextmanager
    def open_read(self, key: str) -> Iterator[BinaryIO]:
        with self._errors(key):
            f = self._path(key).open("rb")
        with f:
            yield f

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        with self._errors(key):
            return self._path(key).stat().st_size

    def _walk(self, prefix: str) -> builtins.list[StoredFile]:
        top = self._path(prefix) if prefix else self.root
        out: builtins.list[StoredFile] = []
        with self._errors(prefix):
            for folder, _dirs, files in os.walk(top):
                for name in files:
                    p = Path(folder) / name
                    key = p.relative_to(self.root).as_posix()
                    st = p.stat()
                    out.append(StoredFile(key, st.st_size, st.st_mtime))
        return sorted(out, key=lambda f: f.key)

    def list(self, prefix: str = "") -> builtins.list[StoredFile]:
        return [f for f in self._walk(prefix) if not is_temporary(f.key)]

    def list_temporaries(self, prefix: str = "") -> builtins.list[StoredFile]:
        return [f for f in self._walk(prefix) if is_temporary(f.key)]

    def delete(self, key: str) -> None:
        with self._errors(key):
            self._path(key).unlink(missing_ok=True)


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_new(tmp: Path, path: Path) -> None:
    """Give the complete temporary file its final name, refusing a name that is taken."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINK and not isinstance(exc, NotImplementedError):
            raise
    if os.name == "nt":
        os.rename(tmp, path)  # Windows' rename refuses an existing target
        return
    # No hard links on this POSIX filesystem (some FAT/SMB mounts): check, then rename.
    # The window between the two is what remains racy there.
    if path.exists():
        raise FileExistsError(path)
    os.rename(tmp, path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX); a no-op where folders cannot be opened."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
