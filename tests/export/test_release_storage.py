"""Releases to a folder and to an S3 server on 127.0.0.1: the manifest last and create-only,
killed releases resumed, unrecorded complete releases adopted, verify anchored."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.export import publish as publish_module
from aal_desktop.services import releases
from aal_desktop.storage import AlreadyExists, open_storage
from aal_desktop.store import releases as release_rows
from tests.export import make_project
from tests.s3server import s3_bucket, s3_env, s3_server  # noqa: F401


@pytest.fixture(params=["folder", "s3"])
def dest(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "folder":
        return str(tmp_path / "shared")
    return f"s3://{request.getfixturevalue('s3_bucket')}/datasets"


@pytest.fixture
def project(tmp_path: Path):
    from aal_desktop.services import versions

    project, _ = make_project(tmp_path, pages=2)
    versions.create_version(project, "v1")
    yield project
    project.close()


def stored(location: str):
    return open_storage(location)


def test_a_release_goes_to_the_destination_and_verifies_there(project, dest: str) -> None:
    record = releases.release(project, "v1", dest, formats="coco,jsonl,parquet", dpi=36)
    store = stored(record.path)
    keys = {f.key for f in store.list()}
    assert "manifest.json" in keys and "SHA256SUMS" in keys
    # the one document's split depends on its SHA-256, which PyMuPDF's random /ID varies
    assert any(k.startswith("parquet/images/split=") and "/part-" in k for k in keys), keys
    manifest = json.loads(store.read("manifest.json"))
    assert hashlib.sha256(store.read("manifest.json")).hexdigest() == record.manifest_sha256
    assert {f["path"] for f in manifest["files"]} == keys - {"manifest.json"}
    assert manifest["log_head"]["event_id"] > 0 and len(manifest["log_head"]["hash"]) == 64
    from aal_desktop.services.anchoring import verify_release

    check = verify_release(record.path, project)
    assert check.ok and check.anchored_by == "project", check.problems
    with pytest.raises(AlreadyExists):
        releases.release(project, "v1", dest, formats="jsonl")


def test_a_release_killed_before_its_manifest_leaves_none_and_the_next_run_completes(
    project, dest: str, monkeypatch
) -> None:
    real = publish_module.LocalStorage.write_new

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt("killed before the manifest")

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr("aal_desktop.storage.local.LocalStorage.write_new", killed)
        m.setattr("aal_desktop.storage.remote.RemoteStorage.write_new", killed)
        releases.release(project, "v1", dest, formats="jsonl,parquet", images=False)
    root = open_storage(dest)
    left = [f.key for f in root.list()]
    assert left and not any(k.endswith("manifest.json") for k in left)  # data, no manifest
    assert releases.list_releases(project) == []
    assert publish_module.LocalStorage.write_new is real
    record = releases.release(project, "v1", dest, formats="jsonl")
    store = stored(record.path)
    from aal_desktop.services.anchoring import verify_release

    assert verify_release(record.path, project).problems == []
    assert not any(f.key.startswith("parquet/") for f in store.list())  # leftovers removed
    assert [r.manifest_sha256 for r in releases.list_releases(project)] == [record.manifest_sha256]


def test_a_release_killed_between_manifest_and_record_is_adopted(
    project, dest: str, monkeypatch
) -> None:
    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt("killed before the record")

    with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
        m.setattr(release_rows, "insert", killed)
        releases.release(project, "v1", dest, formats="jsonl")
    assert releases.list_releases(project) == []
    adopted = releases.release(project, "v1", dest, formats="jsonl")
    store = stored(adopted.path)
    assert hashlib.sha256(store.read("manifest.json")).hexdigest() == adopted.manifest_sha256
    assert releases.list_releases(project) == [adopted]
    # chained: the next release names the adopted one's manifest
    from aal_desktop.services import versions

    versions.create_version(project, "v2", parent="v1")
    second = releases.release(project, "v2", dest, formats="jsonl")
    manifest = json.loads(stored(second.path).read("manifest.json"))
    assert manifest["previous_manifest_sha256"] == adopted.manifest_sha256
    assert manifest["previous_release"] == adopted.path


def _rewrite_consistently(folder: Path, rel: str) -> None:
    """An attacker's edit: change one file, then recompute every hash it appears in."""
    (folder / rel).write_bytes((folder / rel).read_bytes() + b"\n")
    manifest = json.loads((folder / "manifest.json").read_text())
    sums = []
    for item in manifest["files"]:
        if item["path"] == "SHA256SUMS":
            continue
        data = (folder / item["path"]).read_bytes()
        item["sha256"], item["size"] = hashlib.sha256(data).hexdigest(), len(data)
        sums.append(f"{item['sha256']}  {item['path']}\n")
    (folder / "SHA256SUMS").write_text("".join(sums))
    for item in manifest["files"]:
        if item["path"] == "SHA256SUMS":
            data = (folder / "SHA256SUMS").read_bytes()
            item["sha256"], item["size"] = hashlib.sha256(data).hexdigest(), len(data)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))


def test_a_file_changed_with_every_hash_recomputed_fails_verify(
    project, tmp_path: Path, capsys
) -> None:
    from aal_desktop.services import versions

    first = releases.release(project, "v1", tmp_path / "shared", formats="jsonl")
    versions.create_version(project, "v2", parent="v1")
    second = releases.release(project, "v2", tmp_path / "shared", formats="jsonl")
    assert main(["release", "verify", first.path]) == 0
    _rewrite_consistently(Path(first.path), "jsonl/train.jsonl")
    # the manifest agrees with itself, so without an anchor it still looks whole ...
    assert main(["release", "verify", first.path]) == 0
    assert "not anchored" in capsys.readouterr().out
    # ... but the project recorded another manifest hash
    assert main(["--db", str(project.path), "release", "verify", first.path]) == 1
    assert "manifest was rewritten" in capsys.readouterr().err
    # and the next release names the old manifest: its chain check fails with no project
    assert main(["release", "verify", second.path]) == 1
    assert "chain: manifest.json" in capsys.readouterr().err


def test_verify_of_an_s3_release_rehashes_remotely(project, s3_bucket: str, capsys) -> None:  # noqa: F811
    record = releases.release(project, "v1", f"s3://{s3_bucket}/d", formats="jsonl")
    assert main(["--db", str(project.path), "release", "verify", record.path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["anchored_by"] == "project" and out["folder"] == record.path
    store = stored(record.path)
    with store.open_upload("jsonl/train.jsonl") as f:
        f.write(b"{}\n")
    assert main(["release", "verify", record.path]) == 1
    assert "changed: jsonl/train.jsonl" in capsys.readouterr().err
    with pytest.raises(Exception, match="no manifest.json"):
        from aal_desktop.services.anchoring import verify_release

        verify_release(f"s3://{s3_bucket}/nothing-here")
