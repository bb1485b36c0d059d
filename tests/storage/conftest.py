"""Every storage test runs on a folder and on an S3 server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.storage import Storage, open_storage
from tests.s3server import s3_bucket, s3_env, s3_server  # noqa: F401


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """The same tests over both kinds of shared storage."""
    if request.param == "folder":
        return open_storage(str(tmp_path / "shared"), create=True)
    bucket = request.getfixturevalue("s3_bucket")
    return open_storage(f"s3://{bucket}/team/one")
