"""An S3 server on 127.0.0.1 for tests (moto's ThreadedMotoServer), and a fresh bucket each.

Import the fixtures into a conftest.py to use them (`from tests.s3server import s3_server,
s3_bucket  # noqa: F401`). The AWS environment is pointed at the server and away from any
real account (no config files, no instance metadata), so nothing leaves this machine.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:PORT


def aws_env_for(endpoint: str, nowhere: Path) -> dict[str, str]:
    """The environment botocore reads, aimed at the test server only."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(nowhere / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(nowhere / "aws-credentials"),
    }


AWS_CLEARED = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    assert host == "127.0.0.1"
    try:
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_env(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[S3Server]:
    """The AWS environment of this test points at the server (and only at it)."""
    for name in AWS_CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_env_for(s3_server.endpoint, tmp_path).items():
        monkeypatch.setenv(name, value)
    yield s3_server


@pytest.fixture
def s3_bucket(s3_env: S3Server) -> Iterator[str]:
    """A new, empty bucket's name; removed with its objects afterwards."""
    import boto3

    name = f"aal-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_env.endpoint)
    client.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            for obj in page.get("Contents", []):
                client.delete_object(Bucket=name, Key=obj["Key"])
        uploads = client.list_multipart_uploads(Bucket=name).get("Uploads", [])
        for up in uploads:
            client.abort_multipart_upload(Bucket=name, Key=up["Key"], UploadId=up["UploadId"])
        client.delete_bucket(Bucket=name)
