"""`aal release VERSION --to DIR` and `aal release verify FOLDER` (CLI.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from tests.export import make_project, write_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return write_demo(tmp_path_factory.mktemp("cli"), formats=("jsonl",))


@pytest.fixture
def db(tmp_path: Path) -> str:
    versions = pytest.importorskip("aal_desktop.services.versions")
    project, _ = make_project(tmp_path)
    # all in train: a drawn split would leave train empty in one run of ~125 (random PDF /ID)
    versions.create_version(project, "v1", split=(1.0, 0.0, 0.0))
    path = str(project.path)
    project.close()
    return path


def test_verify_passes_on_an_intact_release(demo, capsys) -> None:
    _, root = demo
    assert main(["release", "verify", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "manifest.json" in out


def test_verify_exits_1_and_names_the_changed_file(demo, tmp_path, capsys) -> None:
    import shutil

    _, root = demo
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    target = copy / "jsonl" / "train.jsonl"
    data = bytearray(target.read_bytes())
    data[0] ^= 0x20
    target.write_bytes(bytes(data))
    assert main(["release", "verify", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "changed: jsonl/train.jsonl" in err
    assert main(["release", "verify", str(copy), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["kind"], p["path"]) for p in report["problems"]] == [
        ("changed", "jsonl/train.jsonl")
    ]


def test_verify_of_a_folder_without_manifest_is_an_error(tmp_path, capsys) -> None:
    assert main(["release", "verify", str(tmp_path)]) == 1
    assert "no manifest.json" in capsys.readouterr().err


def test_release_prints_the_final_folder(db, tmp_path, capsys) -> None:
    dest = tmp_path / "shared"
    code = main(
        [
            "--db",
            db,
            "--user",
            "lead1",
            "release",
            "v1",
            "--to",
            str(dest),
            "--format",
            "jsonl,coco",
            "--dpi",
            "72",
        ]
    )
    assert code == 0
    (line,) = capsys.readouterr().out.splitlines()
    folder = Path(line)
    assert folder.parent.parent == dest and folder.name.endswith("_v1")
    assert (folder / "annotations" / "instances_train.json").is_file()
    assert not (folder / "parquet").exists() and not (folder / "labels").exists()
    assert main(["release", "verify", line]) == 0


def test_release_json_and_pdfs(db, tmp_path, capsys) -> None:
    dest = tmp_path / "shared"
    assert (
        main(
            [
                "--db",
                db,
                "--user",
                "lead1",
                "release",
                "v1",
                "--to",
                str(dest),
                "--format",
                "jsonl",
                "--pdfs",
                "--json",
            ]
        )
        == 0
    )
    record = json.loads(capsys.readouterr().out)
    folder = Path(record["path"])
    assert record["version"] == "v1" and record["formats"] == ["jsonl"]
    pdfs = sorted(p.stem for p in (folder / "pdfs").glob("*.pdf"))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(pdfs) == 3 and all(len(s) == 64 for s in pdfs)
    assert manifest["include_pdfs"] is True


def test_release_usage_errors(db, tmp_path, capsys) -> None:
    assert main(["--db", db, "--user", "lead1", "release", "v1"]) == 1
    assert "--to" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                db,
                "--user",
                "lead1",
                "release",
                "v1",
                "--to",
                str(tmp_path),
                "--format",
                "coco,tiff",
            ]
        )
        == 1
    )
    assert "unknown format(s) tiff" in capsys.readouterr().err
    assert (
        main(["--db", db, "--user", "lead1", "release", "v1", "--to", str(tmp_path), "--dpi", "5"])
        == 1
    )
    assert "--dpi" in capsys.readouterr().err


def test_an_annotator_cannot_release(db, tmp_path, capsys) -> None:
    assert main(["--db", db, "--user", "ann9", "release", "v1", "--to", str(tmp_path)]) == 1
    assert "only a lead" in capsys.readouterr().err
