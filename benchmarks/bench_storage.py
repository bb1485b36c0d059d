"""Shared storage and team bundles: what a create-only commit and a bundle check cost.

Baselines: a plain overwrite of the same bytes on the same store (a create-only write adds
a temporary file and a link locally, a condition on S3), and `json.loads` of every line of a
bundle (verifying adds the pydantic models, the hash chain and the Ed25519 signature).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

from common import BenchResult, timeit_best


def _per_write(write, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        write(i)
    return (time.perf_counter() - started) / n


def storage_create_only_local(quick: bool) -> BenchResult:
    """write_new (temp + fsync + link) vs open/write/close of the same 200-byte manifests."""
    from aal_desktop.storage import open_storage

    n = 50 if quick else 300
    data = b"x" * 200
    with tempfile.TemporaryDirectory() as tmp:
        store = open_storage(Path(tmp) / "s", create=True)
        ours = _per_write(lambda i: store.write_new(f"a/{i}.json", data), n)
        plain_dir = Path(tmp) / "plain"
        plain_dir.mkdir()
        plain = _per_write(lambda i: (plain_dir / f"{i}.json").write_bytes(data), n)
    return BenchResult(
        "storage_create_only_local",
        ours * 1e3,
        plain * 1e3,
        "ms",
        f"{n} writes of 200 B, baseline unsynced write_bytes",
    )


def storage_create_only_s3(quick: bool) -> BenchResult:
    """write_new (conditional PUT) vs a plain PUT on moto's server on 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    saved = dict(os.environ)
    try:
        host, port = server.get_host_and_port()
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_ENDPOINT_URL=f"http://{host}:{port}",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_EC2_METADATA_DISABLED="true",
        )
        from aal_desktop.storage import open_storage

        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        store = open_storage(f"s3://{bucket}/p")
        store.fs.mkdir(bucket)
        n = 30 if quick else 200
        data = b"x" * 200
        store.write_new("warm", data)
        ours = _per_write(lambda i: store.write_new(f"a/{i}.json", data), n)
        plain = _per_write(lambda i: store.fs.pipe_file(f"{bucket}/p/b/{i}.json", data), n)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()
    return BenchResult(
        "storage_create_only_s3",
        ours * 1e3,
        plain * 1e3,
        "ms",
        f"{n} writes of 200 B to moto on 127.0.0.1, baseline plain PUT",
    )


def _synthetic_events(n: int) -> list:
    from aal_desktop.core.bundle import GENESIS, BundleEvent, canonical, event_hash

    prev = GENESIS
    out = []
    for i in range(1, n + 1):
        row = {
            "id": i,
            "at": f"2026-12-01T09:00:{i % 60:02d}.000000+00:00",
            "user": "ana",
            "kind": "region.relabel",
            "change_type": "corrective",
            "region_id": str(uuid.UUID(int=i)),
            "document_id": 1 + i % 50,
            "page": i % 10,
            "original": canonical({"class_key": "text", "box": [1.5, 2, 300, 40]}),
            "new": canonical({"class_key": "table", "box": [1.5, 2, 300, 40]}),
            "reason": "was a table",
            "schema_version": 1,
            "guideline_version": "1.0",
            "batch": None,
            "reverts": None,
        }
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(prev, row)
        out.append(BundleEvent(**row))
    return out


def bundle_verify_10k_events(quick: bool) -> BenchResult:
    """parse + verify of one member's bundle vs json.loads of its lines."""
    from aal_desktop.core.bundle import build, open_bundle
    from aal_desktop.core.signing import SigningKey

    n = 2_000 if quick else 10_000
    key = SigningKey.generate()
    bundle = build(
        team="t",
        member="ana",
        key=key,
        events=_synthetic_events(n),
        previous=None,
        created_at="2026-12-01T09:00:00+00:00",
    )
    data = bundle.serialize()
    repeat = 2 if quick else 3
    ours = timeit_best(lambda: open_bundle(data, "bench", key.public, None), repeat)
    plain = timeit_best(lambda: [json.loads(line) for line in data.splitlines()], repeat)
    return BenchResult(
        "bundle_verify_10k_events",
        ours * 1e3,
        plain * 1e3,
        "ms",
        f"{n} events, {len(data) / 2**20:.1f} MiB bundle",
    )


BENCHMARKS = {
    "storage_create_only_local": storage_create_only_local,
    "storage_create_only_s3": storage_create_only_s3,
    "bundle_verify_10k_events": bundle_verify_10k_events,
}
