"""`manifest.json` and `SHA256SUMS`: what a release contains, so anyone can check it anywhere.

The manifest is written last: a folder without one is not a finished release. It names
the SHA-256 of the previous release's manifest, so releases form a hash chain an auditor
can walk. `SHA256SUMS` lets `sha256sum -c SHA256SUMS` check the files with no AAL installed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..core.errors import AalError

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FORMAT = "aal-release/1"
CHUNK = 1 << 20


@dataclass(frozen=True)
class LogHead:
    """The event log's last event when the version was cut: a published release vouches
    for the history up to it (`aal audit verify --against RELEASE`)."""

    event_id: int
    hash: str


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class Problem:
    """One way a release folder differs from its manifest."""

    kind: str  # "missing" | "changed" | "extra" | "manifest"
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}: {self.detail}"


def hash_file(path: Path, fsync: bool = False) -> tuple[int, str]:
    """(size, sha256) of a file; with `fsync`, also flush it to disk in the same pass."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
        if fsync:
            os.fsync(f.fileno())
    return size, h.hexdigest()


def list_files(root: Path) -> list[str]:
    """Every regular file under `root`, relative, sorted, with forward slashes."""
    out: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            out.append((Path(folder) / name).relative_to(root).as_posix())
    return sorted(out)


def fsync_dir(path: Path) -> None:
    """Persist a folder's entries (new names) as well as the files in it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_manifest(root: Path, meta: dict[str, Any]) -> str:
    """Hash (and fsync) every file, write `SHA256SUMS`, then `manifest.json` last.

    Returns the SHA-256 of the manifest, which the next release will name.
    """
    entries: list[FileEntry] = []
    for rel in list_files(root):
        if rel in (MANIFEST, SUMS):
            continue
        size, digest = hash_file(root / rel, fsync=True)
        entries.append(FileEntry(rel, size, digest))
    sums = "".join(f"{e.sha256}  {e.path}\n" for e in entries)
    _write_synced(root / SUMS, sums.encode("utf-8"))
    size, digest = hash_file(root / SUMS)
    entries.append(FileEntry(SUMS, size, digest))
    entries.sort(key=lambda e: e.path)
    manifest = {
        "format": FORMAT,
        **meta,
        "file_count": len(entries),
        "total_bytes": sum(e.size for e in entries),
        "files": [asdict(e) for e in entries],
    }
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    for folder in sorted({(root / e.path).parent for e in entries}, reverse=True):
        fsync_dir(folder)
    _write_synced(root / MANIFEST, data)
    fsync_dir(root)
    return hashlib.sha256(data).hexdigest()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise AalError(
            f"{folder} has no {MANIFEST}: it is not a release folder, or its writing never finished"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AalError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise AalError(f"{path} has no file list; it is not an AAL release manifest")
    return data


def manifest_sha256(folder: Path) -> str:
    return hash_file(Path(folder) / MANIFEST)[1]


def verify_release(folder: Path | str) -> list[Problem]:
    """Re-hash every file against the manifest: missing, changed and extra files."""
    root = Path(folder)
    manifest = read_manifest(root)
    problems: list[Problem] = []
    listed: set[str] = set()
    for item in manifest["files"]:
        rel = str(item.get("path", ""))
        listed.add(rel)
        path = root / rel
        if rel.startswith("/") or ".." in Path(rel).parts:
            problems.append(Problem("manifest", rel, "path leaves the release folder"))
            continue
        if not path.is_file():
            problems.append(Problem("missing", rel, "listed in the manifest but not present"))
            continue
        size, digest = hash_file(path)
        if digest != item.get("sha256"):
            problems.append(
                Problem(
                    "changed",
                    rel,
                    f"SHA-256 {digest[:16]}… differs from the manifest's "
                    f"{str(item.get('sha256'))[:16]}… (size {size}, "
                    f"manifest {item.get('size')})",
                )
            )
        elif size != item.get("size"):
            problems.append(Problem("changed", rel, f"size {size} != manifest {item.get('size')}"))
    for rel in list_files(root):
        if rel != MANIFEST and rel not in listed:
            problems.append(Problem("extra", rel, "present but not in the manifest"))
    return problems
