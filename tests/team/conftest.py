"""Fixtures of the team tests: people with their own project folder and key folder."""

from __future__ import annotations

from tests.s3server import s3_bucket, s3_env, s3_server  # noqa: F401
