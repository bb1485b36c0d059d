"""Croissant: `mlcroissant validate` accepts it and its records load from the release."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.export.manifest import hash_file

pytest.importorskip("mlcroissant")
MLCROISSANT = Path(sys.executable).parent / "mlcroissant"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("croissant")
    from aal_desktop.export.release import write_files
    from tests.export import NOW, make_snapshot

    snapshot = make_snapshot(root, name="v2", parent="v1")
    out = root / "release"
    out.mkdir()
    write_files(
        snapshot,
        out,
        formats=("coco", "parquet"),
        dpi=72,
        final_root=out,
        released_by="lead1",
        released_at=NOW,
        workers=2,
    )
    return snapshot, out


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_mlcroissant_validate_passes(release) -> None:
    _, root = release
    result = validate(root / "croissant.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_validation_can_fail(release, tmp_path: Path) -> None:
    """The control: a file set whose record source is missing is rejected."""
    _, root = release
    data = json.loads((root / "croissant.json").read_text())
    data["distribution"] = [d for d in data["distribution"] if d["@id"] != "regions-parquet"]
    bad = tmp_path / "croissant.json"
    bad.write_text(json.dumps(data))
    assert validate(bad).returncode != 0


def test_every_file_object_has_the_files_sha256_and_version_is_semver(release) -> None:
    _, root = release
    data = json.loads((root / "croissant.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["version"])
    objects = [d for d in data["distribution"] if d["@type"] == "cr:FileObject"]
    assert {"schema.json", "CHANGELOG.md", "annotations/instances_train.json"} <= {
        o["contentUrl"] for o in objects
    }
    for obj in objects:
        assert obj["sha256"] == hash_file(root / obj["contentUrl"])[1]


def test_classes_are_a_label_field_splits_are_declared_and_provenance_is_named(release) -> None:
    snapshot, root = release
    data = json.loads((root / "croissant.json").read_text())
    sets = {r["@id"]: r for r in data["recordSet"]}
    assert sets["splits"]["dataType"] == "cr:Split"
    assert [d["splits/name"] for d in sets["splits"]["data"]] == ["train", "val", "test"]
    assert [d["classes/key"] for d in sets["classes"]["data"]] == [c.key for c in snapshot.classes]
    fields = {f["@id"]: f for f in sets["regions"]["field"]}
    assert "cr:Label" in fields["regions/class_key"]["dataType"]
    assert fields["regions/class_key"]["references"] == {"field": {"@id": "classes/key"}}
    assert fields["regions/split"]["references"] == {"field": {"@id": "splits/name"}}
    assert data["prov:wasDerivedFrom"]["@id"] == f"urn:sha256:{'ab' * 32}"
    assert data["rai:machineAnnotationTools"] == ["layout-model@1.0"]  # BRIEF: name@version
    assert "g1" in data["rai:dataAnnotationProtocol"]


def test_records_load_with_mlcroissant(release, tmp_path: Path) -> None:
    import mlcroissant as mlc

    snapshot, root = release
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    dataset = mlc.Dataset(jsonld=str(copy / "croissant.json"))
    records = list(dataset.records(record_set="regions"))
    assert len(records) == snapshot.region_count()
    keys = {r["regions/class_key"].decode() for r in records}
    assert keys == {"title", "text"}
