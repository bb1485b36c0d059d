"""Every file first, the manifest last: a killed release is found, and swept or resumed."""

from __future__ import annotations

import pytest

from aal_desktop.storage import AlreadyExists, Storage
from aal_desktop.storage.commit import is_committed, remove_tree, uncommitted


def publish(store: Storage, prefix: str, files: dict[str, bytes], killed: bool = False) -> None:
    for name, body in files.items():
        with store.open_upload(f"{prefix}/{name}") as out:
            out.write(body)
    if not killed:
        store.write_new(f"{prefix}/manifest.json", b'{"files": %d}' % len(files))


def test_a_release_exists_only_once_its_manifest_does(store: Storage) -> None:
    files = {"data/train-00000.parquet": b"t" * 1000, "SHA256SUMS": b"sums"}
    publish(store, "docs/2026-12-01_v1", files)
    publish(store, "docs/2026-12-01_v2", files, killed=True)
    assert is_committed(store, "docs/2026-12-01_v1")
    assert not is_committed(store, "docs/2026-12-01_v2")
    assert uncommitted(store, "docs") == ["docs/2026-12-01_v2"]
    # A second release under a published name stops at the manifest.
    with pytest.raises(AlreadyExists):
        publish(store, "docs/2026-12-01_v1", {"data/train-00000.parquet": b"other"})
    assert store.read("docs/2026-12-01_v1/manifest.json") == b'{"files": 2}'


def test_a_killed_release_is_resumed_or_swept(store: Storage) -> None:
    files = {"a.parquet": b"a", "b/c.parquet": b"c"}
    publish(store, "rel/v2", files, killed=True)
    publish(store, "rel/v2", files)  # resumed: the same files again, then the manifest
    assert uncommitted(store, "rel") == []
    publish(store, "rel/v3", files, killed=True)
    assert remove_tree(store, "rel/v3") == 2
    assert store.list("rel/v3") == [] and uncommitted(store, "rel") == []
    assert [f.key for f in store.list("rel")] == [
        "rel/v2/a.parquet",
        "rel/v2/b/c.parquet",
        "rel/v2/manifest.json",
    ]
