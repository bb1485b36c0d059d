"""A staged release goes to its destination (folder or object store): every file, then the
manifest, create-only, last (docs/STORAGE.md, "The commit protocol").

Object stores have no rename, so a release cannot appear whole the way a renamed folder
does; instead it exists for a reader only once `manifest.json` exists, and the manifest is
written with `write_new`, so a second release never replaces one. A killed release leaves
files without a manifest: the next run of the same version writes the same files again
(uploads replace), removes what it no longer writes, and commits. This module also finds
committed releases of a version at the destination, so one killed between its manifest and
its database record is adopted instead of refused, and re-checks a stored release.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import AalError
from ..storage import AlreadyExists, Storage, StorageError
from ..storage.commit import remove_tree
from ..storage.local import LocalStorage
from .manifest import MANIFEST, SUMS, Problem, fsync_dir, list_files

RELEASE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_(.+)$")


@dataclass(frozen=True)
class StoredRelease:
    """A committed release found at a destination: its prefix, manifest and manifest hash."""

    prefix: str  # relative to the destination root: "<dataset>/<date>_<version>"
    url: str
    manifest: dict[str, Any]
    manifest_sha256: str


@dataclass(frozen=True)
class Verification:
    """What `verify_stored` found: the manifest, its hash and every problem."""

    url: str
    manifest: dict[str, Any]
    manifest_sha256: str
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_manifest(data: bytes, where: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AalError(f"{where}/{MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise AalError(f"{where}/{MANIFEST} has no file list; it is not an AAL release manifest")
    return manifest


def read_stored(store: Storage) -> tuple[dict[str, Any], str]:
    """(manifest, SHA-256 of its bytes) of the release rooted at `store`."""
    if not store.exists(MANIFEST):
        raise AalError(
            f"{store.url} has no {MANIFEST}: it is not a release, or its writing never finished"
        )
    data = store.read(MANIFEST)
    return parse_manifest(data, store.url), hashlib.sha256(data).hexdigest()


def committed_releases(
    store: Storage, dataset_folder: str, version_folder: str
) -> tuple[list[StoredRelease], list[str]]:
    """Committed releases of one version under `<dataset>/`, any date, and the prefixes of
    uncommitted ones (files, no manifest)."""
    folders: dict[str, bool] = {}
    for f in store.list(dataset_folder) + store.list_temporaries(dataset_folder):
        rest = f.key[len(dataset_folder) + 1 :]
        if "/" not in rest:
            continue
        name = rest.split("/", 1)[0]
        m = RELEASE_NAME.match(name)
        if m is None or m.group(2) != version_folder:
            continue
        prefix = f"{dataset_folder}/{name}"
        folders[prefix] = folders.get(prefix, False) or rest == f"{name}/{MANIFEST}"
    found = []
    for prefix, committed in sorted(folders.items()):
        if committed:
            manifest, digest = read_stored(store.child(prefix))
            found.append(StoredRelease(prefix, store.url_of(prefix), manifest, digest))
    return found, sorted(p for p, c in folders.items() if not c)


def publish(staged: Path, store: Storage, prefix: str) -> str:
    """Move or upload every staged file under `prefix`, then commit with the manifest.

    Returns the SHA-256 of the manifest written. A prefix that already holds a manifest is
    refused before anything is written (AlreadyExists), and again by the create-only write
    if another writer commits first.
    """
    target = store.child(prefix)
    if target.exists(MANIFEST):
        raise AlreadyExists(f"{target.url} already holds a release; releases are never overwritten")
    files = [rel for rel in list_files(staged) if rel != MANIFEST]
    manifest = (staged / MANIFEST).read_bytes()
    keep = set(files)
    for rel in files:
        _place(target, rel, staged / rel)
    for leftover in target.list():
        if leftover.key not in keep:  # a killed run of another format set left it
            target.delete(leftover.key)
    target.write_new(MANIFEST, manifest)
    return hashlib.sha256(manifest).hexdigest()


def _place(store: Storage, key: str, source: Path) -> None:
    """Put one finished file under `key`: a rename on the same disk, else a streamed upload."""
    if isinstance(store, LocalStorage):
        path = store.root.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, path)
            fsync_dir(path.parent)
            return
        except OSError:
            pass  # another filesystem: copy through the store
    store.upload(key, source)


def discard(store: Storage, prefix: str) -> int:
    """Remove an uncommitted release's files (never one with a manifest)."""
    target = store.child(prefix)
    if target.exists(MANIFEST):
        raise StorageError(f"{target.url} is a committed release: it is never removed")
    return remove_tree(store, prefix)


def verify_stored(store: Storage) -> Verification:
    """Re-hash every listed file where it is stored (streamed back from an object store),
    check `SHA256SUMS` against the manifest, and list missing, changed and extra files."""
    manifest, digest = read_stored(store)
    problems: list[Problem] = []
    listed: dict[str, str] = {}
    for item in manifest["files"]:
        rel = str(item.get("path", ""))
        parts = rel.split("/")
        if (
            not rel
            or rel.startswith("/")
            or "\\" in rel
            or any(p in ("", ".", "..") for p in parts)
        ):
            problems.append(Problem("manifest", rel, "path leaves the release folder"))
            continue
        listed[rel] = str(item.get("sha256"))
        if not store.exists(rel):
            problems.append(Problem("missing", rel, "listed in the manifest but not present"))
            continue
        size, actual = store.size(rel), store.sha256(rel)
        if actual != item.get("sha256"):
            problems.append(
                Problem(
                    "changed",
                    rel,
                    f"SHA-256 {actual[:16]}… differs from the manifest's "
                    f"{str(item.get('sha256'))[:16]}… (size {size}, "
                    f"manifest {item.get('size')})",
                )
            )
        elif size != item.get("size"):
            problems.append(Problem("changed", rel, f"size {size} != manifest {item.get('size')}"))
    for f in store.list():
        if f.key != MANIFEST and f.key not in listed:
            problems.append(Problem("extra", f.key, "present but not in the manifest"))
    if SUMS in listed and store.exists(SUMS):
        sums = _parse_sums(store.read(SUMS).decode("utf-8", "replace"))
        wanted = {k: v for k, v in listed.items() if k != SUMS}
        if sums != wanted:
            differ = sorted(set(sums.items()) ^ set(wanted.items()))
            problems.append(
                Problem(
                    "manifest",
                    SUMS,
                    f"does not agree with the manifest ({len(differ)} line(s), "
                    f"first {differ[0][0]})",
                )
            )
    return Verification(store.url, manifest, digest, problems)


def _parse_sums(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        digest, _, rel = line.partition("  ")
        if rel:
            out[rel] = digest
    return out
