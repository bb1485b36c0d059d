"""Content-addressed copies of imported PDFs, beside the database, named by SHA-256."""

from __future__ import annotations

import os
import time
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    import hashlib  # here: opening a project (every `aal` command) hashes nothing

    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class BlobStore:
    """`<root>/ab/abcdef….pdf`: a project folder can be backed up or moved as it is."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.pdf"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_bytes(self, sha256: str, data: bytes) -> Path:
        """Write atomically: a killed import never leaves a half-written blob under its name."""
        target = self.path(sha256)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: opening a project (every `aal` command) writes no blob

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pdf", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        return target

    def put_file(self, sha256: str, source: Path) -> Path:
        """Copy in the kernel (copy_file_range/sendfile), fsync, then rename into place."""
        staged = self.stage_file(source, sha256)
        return self.path(sha256) if staged is None else self.adopt(sha256, staged)

    def stage_file(self, source: Path, sha256: str | None = None) -> Path | None:
        """The first half of `put_file`: a durable copy under a temporary name (swept at the
        next open if never adopted), beside the blob's when its SHA-256 is given (None when
        that blob exists), else in the root: import copies while the file is hashed and
        checked, and adopts or discards the copy after."""
        if sha256 is None:
            folder = self.root
        else:
            target = self.path(sha256)
            if target.is_file():
                return None
            folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        import shutil  # here: opening a project (every `aal` command) writes no blob
        import tempfile

        # the writer's process id in the name: a sweep leaves a live import's copy alone
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", suffix=".pdf", dir=folder)
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)

    def adopt(self, sha256: str, staged: Path) -> Path:
        """Rename a `stage_file` copy of these bytes into place (atomic: the blob is whole
        or absent)."""
        target = self.path(sha256)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return target

    def sweep_temporaries(self) -> int:
        """Remove leftovers of killed imports (never visible under a real name); the copy
        a running import (the GUI's, while `aal` opens the same project) is writing stays."""
        n = 0
        if self.root.is_dir():
            for p in [*self.root.glob(".tmp-*"), *self.root.glob("*/.tmp-*")]:
                if _writer_alive(p):
                    continue
                p.unlink(missing_ok=True)
                n += 1
        return n


STALE_SECONDS = 3600  # where a process id cannot be asked after (Windows): an hour


def _writer_alive(path: Path) -> bool:
    """Whether the process that named this temporary copy (`.tmp-<pid>-…`) still runs."""
    parts = path.name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False  # written before copies carried their writer's id
    if os.name != "posix":  # os.kill would end the process there, not ask after it
        try:
            return time.time() - path.stat().st_mtime < STALE_SECONDS
        except OSError:
            return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True
