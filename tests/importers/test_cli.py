"""`aal annotations import` (CLI.md "Annotations made elsewhere"): report, --json, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from tests.importers import PAGES, render
from tests.importers.test_coco import coco_file

pytestmark = pytest.mark.corpus


@pytest.fixture(autouse=True)
def projects(tmp_path: Path) -> None:
    """The project databases these tests name with --db, made as a user would (`aal init`):
    an explicit --db that does not exist is refused (CLI.md)."""
    for db in (tmp_path / "aal.sqlite3", tmp_path / "p" / "aal.sqlite3"):
        db.parent.mkdir(parents=True, exist_ok=True)
        assert main(["--db", str(db), "init"]) == 0


@pytest.fixture
def dataset(corpus: Path, tmp_path: Path) -> tuple[Path, Path, int]:
    images = tmp_path / "images"
    images.mkdir()
    pages, n = [], 0
    for i, (name, page) in enumerate(PAGES[:2]):
        rp = render(corpus / name, page, dpi=72)
        (images / f"{i}.png").write_bytes(rp.png)
        pages.append(({"file_name": f"{i}.png"}, rp))
        n += len(rp.words)
    return coco_file(tmp_path / "train.json", pages, category=5), images, n


def test_import_prints_json_and_a_second_run_adds_nothing(dataset, tmp_path: Path, capsys) -> None:
    ann, images, n = dataset
    db = str(tmp_path / "p" / "aal.sqlite3")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("figure: picture\n", encoding="utf-8")
    args = [
        "--db",
        db,
        "--user",
        "lead1",
        "annotations",
        "import",
        "coco",
        str(ann),
        "--images",
        str(images),
        "--map",
        str(mapping),
        "--json",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == n and len(out["documents_created"]) == 2
    assert out["reduced"] == {} and out["skipped"] == {} and out["mapping"] == {"figure": "picture"}
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 0 and again["already_present"] == n
    assert main(args[:-1]) == 0  # the report for people
    text = capsys.readouterr().out
    assert text.startswith(f"0 regions imported, {n} already imported")


def test_an_unmapped_label_is_one_line_and_exit_1(dataset, tmp_path: Path, capsys) -> None:
    ann, images, _ = dataset
    db = str(tmp_path / "p" / "aal.sqlite3")
    assert (
        main(["--db", db, "annotations", "import", "coco", str(ann), "--images", str(images)]) == 1
    )
    cap = capsys.readouterr()
    assert cap.out == "" and len(cap.err.strip().splitlines()) == 1
    assert "'figure'" in cap.err and "--map" in cap.err


def test_a_label_map_with_aliases_is_refused(dataset, tmp_path: Path, capsys) -> None:
    ann, images, _ = dataset
    mapping = tmp_path / "bomb.yaml"
    mapping.write_text("a: &x text\nfigure: *x\n", encoding="utf-8")
    assert (
        main(
            [
                "--db",
                str(tmp_path / "aal.sqlite3"),
                "annotations",
                "import",
                "coco",
                str(ann),
                "--map",
                str(mapping),
            ]
        )
        == 1
    )
    assert "aliases" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(tmp_path / "aal.sqlite3"), "annotations", "import", "voc", "x"])
    assert exc.value.code == 2


def test_forgetting_the_images_is_exit_1_with_the_fix(dataset, tmp_path: Path, capsys) -> None:
    ann, _, n = dataset
    alone = tmp_path / "alone"  # the images beside the file would be found: move it away
    alone.mkdir()
    ann = ann.rename(alone / ann.name)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("figure: picture\n", encoding="utf-8")
    assert (
        main(
            [
                "--db",
                str(tmp_path / "aal.sqlite3"),
                "annotations",
                "import",
                "coco",
                str(ann),
                "--map",
                str(mapping),
                "--json",
            ]
        )
        == 1
    )
    cap = capsys.readouterr()
    assert json.loads(cap.out)["skipped"] == {"unknown image": n}
    assert len(cap.err.strip().splitlines()) == 1 and "--images DIR" in cap.err


def test_a_missing_images_folder_is_one_line(dataset, tmp_path: Path, capsys) -> None:
    ann, _, _ = dataset
    mapping = tmp_path / "map.yaml"
    mapping.write_text("figure: picture\n", encoding="utf-8")
    assert (
        main(
            [
                "--db",
                str(tmp_path / "aal.sqlite3"),
                "annotations",
                "import",
                "coco",
                str(ann),
                "--map",
                str(mapping),
                "--images",
                str(tmp_path / "nope"),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no such folder" in err
