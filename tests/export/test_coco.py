"""COCO export: pycocotools loads it, and every box lies on ink in its page image."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.export import ink_in, png_size, write_demo

pycocotools_coco = pytest.importorskip("pycocotools.coco")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory):
    return write_demo(tmp_path_factory.mktemp("coco"), formats=("coco",))


def load(root: Path, split: str):
    return pycocotools_coco.COCO(str(root / "annotations" / f"instances_{split}.json"))


def test_pycocotools_loads_every_split_with_schema_categories(release) -> None:
    snapshot, root = release
    for split in ("train", "val", "test"):
        coco = load(root, split)
        cats = coco.loadCats(coco.getCatIds())
        assert [c["name"] for c in cats] == [c.name for c in snapshot.classes]
        assert [c["id"] for c in cats] == list(range(1, len(snapshot.classes) + 1))
        assert len(coco.getImgIds()) == snapshot.page_count(split)
        assert len(coco.getAnnIds()) == snapshot.region_count(split)


def test_every_box_lies_on_ink_including_rotated_and_cropbox_pages(release) -> None:
    snapshot, root = release
    seen_rotations, seen_cropped = set(), False
    for split in ("train", "val", "test"):
        coco = load(root, split)
        for img in coco.loadImgs(coco.getImgIds()):
            png = root / "images" / split / img["file_name"]
            assert png_size(png) == (img["width"], img["height"])
            seen_rotations.add(img["rotation"])
            seen_cropped |= img["page_width_pt"] == 350.0
            anns = coco.loadAnns(coco.getAnnIds(imgIds=[img["id"]]))
            assert anns
            for ann in anns:
                x, y, w, h = ann["bbox"]
                assert w > 0 and h > 0 and ann["area"] == pytest.approx(w * h, abs=0.1)
                assert x >= 0 and x + w <= img["width"] and y + h <= img["height"]
                assert ink_in(png, (x, y, x + w, y + h)) > 0, (img["file_name"], ann["bbox"])
    assert 90 in seen_rotations and seen_cropped


def test_ink_check_can_fail_on_a_blank_area(release) -> None:
    """The negative control: a box in the empty lower half of a page finds no ink."""
    _, root = release
    coco = load(root, "val")
    img = coco.loadImgs(coco.getImgIds())[0]
    png = root / "images" / "val" / img["file_name"]
    assert ink_in(png, (10, img["height"] - 100, 200, img["height"] - 10)) == 0


def test_boxes_are_scaled_from_points_and_carry_region_metadata(release) -> None:
    snapshot, root = release
    data = json.loads((root / "annotations" / "instances_train.json").read_text())
    by_id = {r.id: r for rs in snapshot.regions.values() for r in rs}
    for ann in data["annotations"]:
        region = by_id[ann["region_id"]]
        x, y, w, h = ann["bbox"]
        assert x == pytest.approx(region.box.x0 * 2, abs=0.02)
        assert y + h == pytest.approx(region.box.y1 * 2, abs=0.02)
        assert ann["iscrowd"] == 0 and ann["origin"] == region.origin
        assert ann["text"] == region.text and ann["attributes"] == region.attrs
    names = {img["file_name"] for img in data["images"]}
    sha = snapshot.documents[0].document.sha256
    assert f"{sha[:16]}_p0001.png" in names and f"{sha[:16]}_p0002.png" in names


def test_pycocotools_evaluates_ground_truth_against_itself_as_perfect(release) -> None:
    from pycocotools.cocoeval import COCOeval

    _, root = release
    gt = load(root, "train")
    dets = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "bbox": a["bbox"],
            "score": 1.0,
        }
        for a in gt.loadAnns(gt.getAnnIds())
    ]
    ev = COCOeval(gt, gt.loadRes(dets), "bbox")
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)
