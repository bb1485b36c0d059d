"""Storage failures end in one line that names the URL and says what to do."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from aal_desktop.storage import (
    BucketMissing,
    NoCredentials,
    StorageDenied,
    StorageError,
    StorageUnreachable,
    is_url,
    open_storage,
)
from aal_desktop.storage.local import LocalStorage
from aal_desktop.storage.remote import RemoteStorage
from tests.s3server import S3Server


def test_plain_paths_and_file_urls_are_folders(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    by_path = open_storage(str(tmp_path / "shared"))
    by_url = open_storage((tmp_path / "shared").as_uri())
    assert isinstance(by_path, LocalStorage) and isinstance(by_url, LocalStorage)
    by_path.write_new("a.txt", b"1")
    assert by_url.read("a.txt") == b"1"
    assert not is_url("C:\\data") and is_url("s3://b/p") and not is_url(str(tmp_path))


def test_a_missing_folder_is_refused_unless_created(tmp_path: Path) -> None:
    with pytest.raises(BucketMissing, match=r"the folder .*shraed does not exist"):
        open_storage(str(tmp_path / "shraed"))
    made = open_storage(str(tmp_path / "new" / "team"), create=True)
    made.write_new("x", b"1")
    assert (tmp_path / "new" / "team" / "x").read_bytes() == b"1"


def test_urls_without_a_bucket_or_with_an_unknown_scheme_are_refused() -> None:
    with pytest.raises(StorageError, match="names no bucket"):
        open_storage("s3:///prefix")
    with pytest.raises(StorageError, match="not a storage this app knows"):
        open_storage("nosuchproto://bucket/p")
    with pytest.raises(StorageError, match="only local file:// URLs"):
        open_storage("file://otherhost/share")


def test_a_missing_bucket_is_named(s3_env: S3Server) -> None:
    store = open_storage("s3://no-such-bucket-here/team")
    for call in (
        lambda: store.write_new("m.json", b"{}"),
        lambda: store.list(),
        lambda: store.read("m.json"),
    ):
        with pytest.raises(BucketMissing) as err:
            call()
        assert "the bucket 'no-such-bucket-here'" in str(err.value)
        assert "\n" not in str(err.value)


def test_no_credentials_says_which_variables(
    s3_env: S3Server, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = open_storage(f"s3://{s3_bucket}/team")
    with pytest.raises(NoCredentials, match="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        store.write_new("m.json", b"{}")


def test_an_unreachable_server_is_named(s3_env: S3Server, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port on loopback that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    store = open_storage("s3://bucket-x/team")
    started = time.perf_counter()
    with pytest.raises(StorageUnreachable, match="cannot reach the storage server"):
        store.read("m.json")
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("AccessDenied", StorageDenied),
        ("InvalidAccessKeyId", StorageDenied),
        ("SignatureDoesNotMatch", StorageDenied),
        ("NoSuchBucket", BucketMissing),
    ],
)
def test_server_refusals_map_to_typed_errors(code: str, expected: type) -> None:
    """moto does not check credentials, so the server's answers are made here."""
    store = RemoteStorage("s3://bkt/team", fs=None, protocol="s3", root="bkt/team")
    exc = ClientError({"Error": {"Code": code, "Message": "Access Denied\nmore"}}, "PutObject")
    wrapped = PermissionError("Access Denied")
    wrapped.__cause__ = exc
    for raised in (exc, wrapped):
        err = store._translate(raised, "s3://bkt/team/m.json")
        assert type(err) is expected
        assert "s3://bkt/team/m.json" in str(err) and "\n" not in str(err)
