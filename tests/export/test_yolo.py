"""YOLO export: the Ultralytics layout, normalised labels on ink, a data.yaml that parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.export import ink_in, png_size, write_demo

yaml = pytest.importorskip("yaml")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory):
    return write_demo(tmp_path_factory.mktemp("yolo"), formats=("yolo",))


def test_every_image_has_a_label_file_beside_it_per_split(release) -> None:
    snapshot, root = release
    for split in ("train", "val", "test"):
        images = sorted(p.stem for p in (root / "images" / split).glob("*.png"))
        labels = sorted(p.stem for p in (root / "labels" / split).glob("*.txt"))
        assert images == labels
        assert len(images) == snapshot.page_count(split)
    assert not (root / "annotations").exists()  # COCO was not asked for


def test_data_yaml_names_the_splits_and_classes_in_schema_order(release) -> None:
    snapshot, root = release
    data = yaml.safe_load((root / "data.yaml").read_text(encoding="utf-8"))
    assert data["path"] == str(root)
    assert (data["train"], data["val"], data["test"]) == (
        "images/train",
        "images/val",
        "images/test",
    )
    assert data["nc"] == len(snapshot.classes)
    assert data["names"] == {i: c.name for i, c in enumerate(snapshot.classes)}
    for split in ("train", "val", "test"):
        assert (Path(data["path"]) / data[split]).is_dir()


def test_labels_are_normalised_and_lie_on_ink(release) -> None:
    snapshot, root = release
    index = snapshot.class_index()
    checked = 0
    for split in ("train", "val", "test"):
        for label in (root / "labels" / split).glob("*.txt"):
            png = root / "images" / split / f"{label.stem}.png"
            w, h = png_size(png)
            lines = label.read_text().splitlines()
            assert len(lines) == 2
            classes = sorted(int(line.split()[0]) for line in lines)
            assert classes == sorted([index["title"], index["text"]])
            for line in lines:
                cx, cy, bw, bh = map(float, line.split()[1:])
                assert all(0 < v <= 1 for v in (cx, cy, bw, bh))
                box = ((cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h)
                assert ink_in(png, box) > 0, (label.name, line)
                checked += 1
    assert checked == snapshot.region_count()


def test_a_page_without_regions_gets_an_empty_label_file(tmp_path: Path) -> None:
    from aal_desktop.export.yolo import write_yolo
    from tests.export import make_snapshot

    snapshot = make_snapshot(tmp_path)
    doc = snapshot.documents_in("test")[0]
    snapshot.regions.pop((doc.document.id, 0))
    write_yolo(snapshot, tmp_path / "out", 72)
    (label,) = (tmp_path / "out" / "labels" / "test").glob("*.txt")
    assert label.read_text() == ""
