"""The storage layer over a folder and over S3 (moto on 127.0.0.1): every operation."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from aal_desktop.storage import TEMP_PREFIX, AlreadyExists, Storage, StorageError, StorageNotFound
from aal_desktop.storage.local import LocalStorage
from aal_desktop.storage.remote import RemoteStorage

BIG = 6 * 2**20 + 123  # past s3fs's 5 MiB block: a multipart upload on S3


def test_write_new_then_read_back(store: Storage) -> None:
    store.write_new("manifest.json", b'{"v": 1}\n')
    assert store.read("manifest.json") == b'{"v": 1}\n'
    assert store.exists("manifest.json")
    assert store.size("manifest.json") == 9


def test_write_new_refuses_an_overwrite_and_keeps_the_first(store: Storage) -> None:
    store.write_new("releases/v1/manifest.json", b"first")
    with pytest.raises(AlreadyExists) as err:
        store.write_new("releases/v1/manifest.json", b"second")
    assert "releases/v1/manifest.json already exists" in str(err.value)
    assert "\n" not in str(err.value)
    assert store.read("releases/v1/manifest.json") == b"first"
    assert [f.key for f in store.list()] == ["releases/v1/manifest.json"]


@pytest.mark.parametrize("size", [100, BIG])
def test_concurrent_create_only_writes_have_one_winner(store: Storage, size: int) -> None:
    """Past 5 MiB too (a bundle of 10,000 events): still one conditional PUT on S3, where a
    multipart upload would have let moto accept both."""
    results: list[str] = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        try:
            store.write_new("members/ana/000001.bundle", f"writer {i}".encode().ljust(size))
            outcome = f"won {i}"
        except AlreadyExists:
            outcome = "refused"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    # moto checks If-None-Match and stores the body in two steps, so two large bodies
    # arriving together can both pass (S3 itself decides atomically): on the test server the
    # large case goes one writer at a time, which still proves one conditional PUT (a
    # multipart upload would let every writer win).
    one_at_a_time = isinstance(store, RemoteStorage) and size == BIG
    for t in threads:
        t.start()
        if one_at_a_time:
            t.join()
    for t in threads:
        t.join()
    winners = [r for r in results if r.startswith("won")]
    assert len(winners) == 1 and results.count("refused") == 5
    assert store.read("members/ana/000001.bundle") == f"writer {winners[0][4:]}".encode().ljust(
        size
    )


def test_upload_is_visible_only_when_complete(store: Storage) -> None:
    data = os.urandom(BIG)
    with store.open_upload("shards/images-00000.parquet") as out:
        out.write(data[: 5 * 2**20 + 1])
        out.flush()  # on S3 this sends the first part of a multipart upload
        assert not store.exists("shards/images-00000.parquet")
        assert store.list("shards") == []
        out.write(data[5 * 2**20 + 1 :])
    assert store.exists("shards/images-00000.parquet")
    assert store.size("shards/images-00000.parquet") == BIG
    assert store.sha256("shards/images-00000.parquet") == hashlib.sha256(data).hexdigest()
    assert [f.key for f in store.list("shards")] == ["shards/images-00000.parquet"]


def test_a_failed_upload_leaves_nothing_behind(store: Storage) -> None:
    with pytest.raises(RuntimeError), store.open_upload("shards/part.parquet") as out:
        out.write(os.urandom(BIG))
        out.flush()
        raise RuntimeError("killed mid-way")
    assert not store.exists("shards/part.parquet")
    assert store.list() == [] and store.list_temporaries() == []
    if isinstance(store, RemoteStorage):
        answer = store.fs.call_s3("list_multipart_uploads", Bucket=store.bucket)
        assert answer.get("Uploads", []) == []  # the multipart upload was aborted


def test_upload_replaces_and_streams_a_local_file(store: Storage, tmp_path: Path) -> None:
    source = tmp_path / "pages.parquet"
    source.write_bytes(os.urandom(BIG))
    store.write_new("pages.parquet", b"old")
    sent: list[int] = []
    assert store.upload("pages.parquet", source, progress=sent.append) == BIG
    assert sent[-1] == BIG and sent == sorted(sent) and len(sent) == 7
    assert store.sha256("pages.parquet") == hashlib.sha256(source.read_bytes()).hexdigest()


def test_list_a_prefix_is_recursive_sorted_and_stops_at_folder_names(store: Storage) -> None:
    for key, body in [("a/2", b"22"), ("a/1", b"1"), ("a/b/3", b"333"), ("ab/4", b"4444")]:
        store.write_new(key, body)
    assert [(f.key, f.size) for f in store.list("a")] == [("a/1", 1), ("a/2", 2), ("a/b/3", 3)]
    assert [f.key for f in store.list()] == ["a/1", "a/2", "a/b/3", "ab/4"]
    assert [f.key for f in store.list("a/b")] == ["a/b/3"]
    assert store.list("missing") == []


def test_sha256_is_streamed_and_matches(store: Storage) -> None:
    data = os.urandom(3 * 2**20 + 7)
    with store.open_upload("blob") as out:
        out.write(data)
    assert store.sha256("blob") == hashlib.sha256(data).hexdigest()


def test_delete_removes_and_tolerates_absence(store: Storage) -> None:
    store.write_new("x/tmp.bin", b"1")
    store.delete("x/tmp.bin")
    assert not store.exists("x/tmp.bin")
    store.delete("x/tmp.bin")  # already gone: fine
    store.write_new("x/tmp.bin", b"2")  # and the name is free again
    assert store.read("x/tmp.bin") == b"2"


def test_missing_files_are_not_found_in_one_line(store: Storage) -> None:
    for call in (
        lambda: store.read("nope.json"),
        lambda: store.size("nope.json"),
        lambda: store.sha256("nope.json"),
    ):
        with pytest.raises(StorageNotFound) as err:
            call()
        assert str(err.value) == f"{store.url_of('nope.json')} does not exist"
    assert not store.exists("nope.json")


def test_child_storage_is_rooted_further_down(store: Storage) -> None:
    member = store.child("members/ana")
    assert member.list() == [] and not member.exists("000001.bundle")
    assert store.list() == []  # looking made nothing
    member.write_new("000001.bundle", b"b1")
    assert [f.key for f in member.list()] == ["000001.bundle"]
    assert [f.key for f in store.list("members")] == ["members/ana/000001.bundle"]
    assert member.url == store.url_of("members/ana")
    assert member.url_of("000001.bundle").endswith("/members/ana/000001.bundle")


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "./a", "a\\b", "a/"])
def test_keys_that_could_escape_the_root_are_refused(store: Storage, key: str) -> None:
    with pytest.raises(StorageError, match="is not a storage key"):
        store.write_new(key, b"x")


def test_sweep_removes_what_a_killed_writer_left(store: Storage) -> None:
    store.write_new("rel/v1/data.parquet", b"complete")
    if isinstance(store, LocalStorage):
        # A writer killed between writing its temporary file and naming it.
        stale = store.root / "rel" / "v1" / f"{TEMP_PREFIX}dead-manifest.json"
        stale.write_bytes(b"half")
        expected = [f"rel/v1/{TEMP_PREFIX}dead-manifest.json"]
    else:
        assert isinstance(store, RemoteStorage)
        # A writer killed during a multipart upload: parts sent, never completed.
        key = store.root.split("/", 1)[1] + "/rel/v1/images.parquet"
        up = store.fs.call_s3("create_multipart_upload", Bucket=store.bucket, Key=key)
        store.fs.call_s3(
            "upload_part",
            Bucket=store.bucket,
            Key=key,
            PartNumber=1,
            UploadId=up["UploadId"],
            Body=b"x" * (5 * 2**20),
        )
        expected = ["rel/v1/images.parquet"]
    assert [f.key for f in store.list()] == ["rel/v1/data.parquet"]  # readers never see it
    if isinstance(store, LocalStorage):  # moto dates every multipart upload 2010-11-10
        assert store.sweep("rel", older_than=3600) == []  # too fresh: a writer may be at work
    assert store.sweep("rel", older_than=0) == expected
    assert store.sweep("rel", older_than=0) == []
    assert [f.key for f in store.list()] == ["rel/v1/data.parquet"]
    if isinstance(store, RemoteStorage):
        answer = store.fs.call_s3("list_multipart_uploads", Bucket=store.bucket)
        assert answer.get("Uploads", []) == []
    else:
        assert store.list_temporaries() == []


def test_a_bucket_itself_can_be_the_root(s3_bucket: str) -> None:
    from aal_desktop.storage import open_storage

    store = open_storage(f"s3://{s3_bucket}")
    store.write_new("members/ana/000001.bundle", b"1")
    assert [(f.key, f.size) for f in store.list()] == [("members/ana/000001.bundle", 1)]
    assert store.url_of("x") == f"s3://{s3_bucket}/x"


def test_a_large_create_only_write_is_still_refused_on_a_second_try(store: Storage) -> None:
    """A 10,000-event bundle is ~5 MiB: past s3fs's multipart threshold, where moto would
    ignore the condition. write_new keeps it one conditional PUT."""
    data = os.urandom(BIG)
    store.write_new("members/ana/000001.bundle", data)
    with pytest.raises(AlreadyExists):
        store.write_new("members/ana/000001.bundle", os.urandom(BIG))
    assert store.sha256("members/ana/000001.bundle") == hashlib.sha256(data).hexdigest()
