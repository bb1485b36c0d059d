"""Shared storage on an object store through fsspec (s3:// with s3fs; gs://, az:// extras).

Object stores have no rename, but an object appears only when its PUT (or its multipart
upload) completes, so a streamed upload goes straight to its final name; create-only writes
are conditional PUTs (If-None-Match: *), which the server refuses when the name is taken.
Credentials and endpoint come from the usual environment (for S3: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_PROFILE ...), read by botocore itself.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from .base import Storage, StoredFile, check_key, is_temporary
from .errors import (
    AlreadyExists,
    BucketMissing,
    NoCredentials,
    StorageDenied,
    StorageError,
    StorageNotFound,
    StorageUnreachable,
)

# A create-only write must stay one PUT: multipart uploads do not honour the condition on
# every server (moto ignores it). S3 accepts up to 5 GiB in one PUT.
_SINGLE_PUT_LIMIT = 5 * 2**30


class RemoteStorage(Storage):
    """Files under `protocol://bucket/prefix`; `fs` is an fsspec filesystem for `protocol`."""

    def __init__(self, url: str, fs: Any, protocol: str, root: str) -> None:
        self.url = url.rstrip("/")
        self.fs = fs
        self.protocol = protocol
        self.root = root.strip("/")
        self.bucket = self.root.split("/", 1)[0]

    def _path(self, key: str) -> str:
        return f"{self.root}/{check_key(key)}"

    def child(self, prefix: str) -> RemoteStorage:
        return RemoteStorage(self.url_of(prefix), self.fs, self.protocol, self._path(prefix))

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        where = self.url_of(key) if key else self.url
        try:
            yield
        except StorageError:
            raise
        except Exception as exc:
            raise self._translate(exc, where) from None

    def _translate(self, exc: BaseException, where: str) -> StorageError:
        code = _error_code(exc)
        name = type(exc).__name__
        message = str(exc).splitlines()[0] if str(exc) else name
        if name == "NoCredentialsError" or code in {"NoCredentialsError"}:
            return NoCredentials(
                f"no credentials for {where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE)"
            )
        if isinstance(exc, FileExistsError) or code == "PreconditionFailed":
            return AlreadyExists(f"{where} already exists: nothing was overwritten")
        if code == "NoSuchBucket" or (
            isinstance(exc, FileNotFoundError) and "bucket" in message.lower()
        ):
            return BucketMissing(
                f"the bucket '{self.bucket}' of {where} does not exist: create it or check the URL"
            )
        if isinstance(exc, FileNotFoundError):
            return StorageNotFound(f"{where} does not exist")
        if isinstance(exc, PermissionError) or code in {
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "Forbidden",
        }:
            return StorageDenied(
                f"access to {where} was refused ({message}): check the credentials and the "
                "bucket's permissions"
            )
        if name in {
            "EndpointConnectionError",
            "ConnectTimeoutError",
            "ClientConnectorError",
            "ServerTimeoutError",
        } or isinstance(exc, ConnectionError | TimeoutError):
            return StorageUnreachable(
                f"cannot reach the storage server for {where} ({message}): check "
                "AWS_ENDPOINT_URL and the network"
            )
        return StorageError(f"{where}: {message}")

    def write_new(self, key: str, data: bytes) -> None:
        if len(data) >= _SINGLE_PUT_LIMIT:
            raise StorageError(f"{self.url_of(key)}: a create-only file must be under 5 GiB")
        path = self._path(key)
        # A block larger than the data keeps it one conditional PUT at close.
        block = max(len(data) + 1, 5 * 2**20)
        with self._errors(key), self.fs.open(path, "xb", block_size=block) as f:
            f.write(data)

    @contextmanager
    def open_upload(self, key: str) -> Iterator[BinaryIO]:
        path = self._path(key)
        with self._errors(key):
            f = self.fs.open(path, "wb")
        try:
            yield f
        except BaseException:
            _discard(f)
            raise
        with self._errors(key):
            f.close()  # completes the PUT or the multipart upload: only now is it visible

    @contextmanager
    def open_read(self, key: str) -> Iterator[BinaryIO]:
        with self._errors(key):
            f = self.fs.open(self._path(key), "rb")
        with f:
            yield f

    def exists(self, key: str) -> bool:
        with self._errors(key):
            return bool(self.fs.isfile(self._path(key)))

    def size(self, key: str) -> int:
        with self._errors(key):
            return int(self.fs.size(self._path(key)))

    def _find(self, prefix: str) -> builtins.list[StoredFile]:
        top = self._path(prefix) if prefix else self.root
        with self._errors(prefix):
            found = self.fs.find(top, detail=True)
        out = []
        for path, info in found.items():
            if info.get("type", "file") != "file":
                continue
            rel = path.strip("/")[len(self.root) + 1 :]
            if rel and (not prefix or rel.startswith(prefix.rstrip("/") + "/")):
                out.append(StoredFile(rel, int(info.get("size") or 0), _epoch(info)))
        return sorted(out, key=lambda f: f.key)

    def list(self, prefix: str = "") -> builtins.list[StoredFile]:
        return [f for f in self._find(prefix) if not is_temporary(f.key)]

    def list_temporaries(self, prefix: str = "") -> builtins.list[StoredFile]:
        return [f for f in self._find(prefix) if is_temporary(f.key)]

    def sweep(self, prefix: str = "", older_than: float = 3600.0) -> builtins.list[str]:
        """Temporaries, and on S3 the unfinished multipart uploads a killed writer left
        (invisible to readers, but kept and billed until aborted)."""
        removed = super().sweep(prefix, older_than)
        if self.protocol not in ("s3", "s3a"):
            return removed
        top = self._path(prefix) if prefix else self.root
        key_prefix = (top.split("/", 1) + [""])[1]
        cutoff = time.time() - older_than
        with self._errors(prefix):
            answer = self.fs.call_s3(
                "list_multipart_uploads", Bucket=self.bucket, Prefix=key_prefix
            )
            for up in answer.get("Uploads", []) or []:
                started = up.get("Initiated")
                if started is not None and started.timestamp() > cutoff:
                    continue
                self.fs.abort_mpu(self.bucket, up["Key"], up["UploadId"])
                removed.append(f"{self.bucket}/{up['Key']}"[len(self.root) + 1 :])
        return removed

    def delete(self, key: str) -> None:
        path = self._path(key)
        with self._errors(key):
            try:
                self.fs.rm_file(path)
            except FileNotFoundError:
                pass


def _epoch(info: dict[str, Any]) -> float | None:
    stamp = info.get("LastModified") or info.get("mtime") or info.get("last_modified")
    if stamp is None:
        return None
    return stamp.timestamp() if hasattr(stamp, "timestamp") else float(stamp)


def _discard(f: Any) -> None:
    """Abandon an upload so nothing appears under its name (aborts a multipart upload)."""
    try:
        f.discard()
    finally:
        f.closed = True  # close() would otherwise complete the upload


def _error_code(exc: BaseException) -> str | None:
    """The server's error code (botocore ClientError), looking through wrapped causes."""
    seen: BaseException | None = exc
    while seen is not None:
        response = getattr(seen, "response", None)
        if isinstance(response, dict):
            code = response.get("Error", {}).get("Code")
            if code:
                return str(code)
        if type(seen).__name__ == "NoCredentialsError":
            return "NoCredentialsError"
        seen = seen.__cause__ or seen.__context__
    return None
