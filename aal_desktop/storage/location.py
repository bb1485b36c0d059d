"""Open shared storage by URL: a plain path, file://…, or an fsspec URL (s3://bucket/prefix)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .base import Storage
from .errors import StorageError
from .local import LocalStorage

# Which package brings a protocol, for the one-line message when it is missing.
_EXTRAS = {
    "s3": "s3fs",
    "s3a": "s3fs",
    "gs": "gcsfs (aal-desktop[gcs])",
    "gcs": "gcsfs (aal-desktop[gcs])",
    "az": "adlfs (aal-desktop[azure])",
    "abfs": "adlfs (aal-desktop[azure])",
    "abfss": "adlfs (aal-desktop[azure])",
}


def is_url(target: str) -> bool:
    """True for `scheme://…` (not for a Windows drive letter like C:\\data)."""
    scheme = urlsplit(target).scheme
    return len(scheme) > 1 and "://" in target


def open_storage(target: str | Path, create: bool = False) -> Storage:
    """The storage named by `target`.

    A folder must exist unless `create` (a mistyped mount point should not silently become a
    local folder); a bucket must exist always (buckets are made by whoever owns the account).
    """
    if isinstance(target, Path):
        return LocalStorage(target, str(target), create)
    text = str(target).strip()
    if not text:
        raise StorageError("no storage given: pass a folder or a URL like s3://bucket/prefix")
    if not is_url(text):
        return LocalStorage(Path(text).expanduser(), text, create)
    parts = urlsplit(text)
    protocol = parts.scheme.lower()
    if protocol == "file":
        if parts.netloc not in ("", "localhost"):
            raise StorageError(f"{text}: only local file:// URLs are supported")
        from urllib.request import url2pathname  # here: it imports http, email and ssl

        return LocalStorage(Path(url2pathname(unquote(parts.path))), text, create)
    root = (parts.netloc + parts.path).strip("/")
    if not parts.netloc:
        raise StorageError(f"{text} names no bucket: use {protocol}://BUCKET/prefix")
    return _remote(text, protocol, root)


def _remote(url: str, protocol: str, root: str) -> Storage:
    import fsspec

    from .remote import RemoteStorage

    try:
        cls = fsspec.get_filesystem_class(protocol)
    except ValueError:
        raise StorageError(f"{url}: '{protocol}://' is not a storage this app knows") from None
    except ImportError:
        package = _EXTRAS.get(protocol, f"the fsspec driver for {protocol}://")
        raise StorageError(f"{url} needs {package}: install it with pip") from None
    # No instance or listing caches: several writers share the store, and a cached listing
    # would hide what another member wrote a moment ago.
    fs = cls(skip_instance_cache=True, use_listings_cache=False)
    return RemoteStorage(url, fs, protocol, root)
