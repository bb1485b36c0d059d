"""The commit protocol for stores without rename: every file first, a marker file last.

A set of files (a release, a snapshot) exists for readers only once its marker
(`manifest.json`) is written, create-only, after everything it lists. These helpers find
and remove what a killed writer left without a marker; see docs/STORAGE.md.
"""

from __future__ import annotations

from .base import Storage, check_key

MANIFEST = "manifest.json"


def is_committed(store: Storage, prefix: str, marker: str = MANIFEST) -> bool:
    return store.exists(f"{check_key(prefix)}/{marker}")


def uncommitted(store: Storage, parent: str = "", marker: str = MANIFEST) -> list[str]:
    """The folders directly under `parent` that hold files but no marker: killed writers'
    leftovers (or a writer still at work: check its age before removing it)."""
    folders: dict[str, bool] = {}
    cut = len(parent.rstrip("/")) + 1 if parent else 0
    for f in store.list(parent) + store.list_temporaries(parent):
        rest = f.key[cut:]
        if "/" not in rest:
            continue
        folder = f.key[:cut] + rest.split("/", 1)[0]
        folders[folder] = folders.get(folder, False) or f.key == f"{folder}/{marker}"
    return sorted(k for k, committed in folders.items() if not committed)


def remove_tree(store: Storage, prefix: str, marker: str = MANIFEST) -> int:
    """Delete every file under `prefix`, the marker first so readers stop seeing it at once;
    returns how many files were removed. Refuses nothing: callers decide what to remove."""
    files = store.list(prefix) + store.list_temporaries(prefix)
    files.sort(key=lambda f: (f.key != f"{prefix}/{marker}", f.key))
    for f in files:
        store.delete(f.key)
    return len(files)
