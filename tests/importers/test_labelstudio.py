"""Label Studio import: percent of the image, rotation around the top-left corner,
polygons, predictions, the upload prefix on image names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.services import annotation_import, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.importers import PAGES, RenderedPage, assert_on_words, render
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus


def results(rp: RenderedPage) -> list[dict]:
    ow, oh = rp.width_px, rp.height_px
    out = []
    for i, w in enumerate(rp.words):
        x0, y0, x1, y1 = rp.pixel_box(w.box)
        if i % 3 == 1:
            # turned 90° clockwise around its top-left corner, it covers the word: its
            # corner sits at the word's top-right, its width runs down the word's height
            value = {
                "x": 100 * x1 / ow,
                "y": 100 * y0 / oh,
                "width": 100 * (y1 - y0) / ow,
                "height": 100 * (x1 - x0) / oh,
                "rotation": 90,
                "rectanglelabels": ["Text"],
            }
            kind = "rectanglelabels"
        elif i % 3 == 2:
            value = {
                "points": [
                    [100 * x / ow, 100 * y / oh]
                    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
                ],
                "polygonlabels": ["Text"],
            }
            kind = "polygonlabels"
        else:
            value = {
                "x": 100 * x0 / ow,
                "y": 100 * y0 / oh,
                "width": 100 * (x1 - x0) / ow,
                "height": 100 * (y1 - y0) / oh,
                "rotation": 0,
                "rectanglelabels": ["Text"],
            }
            kind = "rectanglelabels"
        out.append(
            {
                "id": f"r{i}",
                "type": kind,
                "from_name": "label",
                "to_name": "image",
                "original_width": ow,
                "original_height": oh,
                "image_rotation": 0,
                "value": value,
            }
        )
    return out


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_label_studio_boxes_land_on_the_words(
    lead: Project, corpus: Path, tmp_path: Path, name: str, page: int
) -> None:
    rp = render(corpus / name, page, dpi=90)
    doc_id = import_pdf(lead, corpus / name)
    tasks = [
        {
            "id": 7,
            "data": {"image": f"/data/upload/1/1a2b3c4d-page_{page + 1}.png"},
            "annotations": [
                {
                    "id": 11,
                    "completed_by": {"email": "ann@example.com"},
                    "was_cancelled": False,
                    "result": results(rp),
                }
            ],
            "predictions": [],
        }
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="labelstudio", path=path, doc=str(doc_id))
    )
    assert report.imported == len(rp.words)
    rotated = len([i for i in range(len(rp.words)) if i % 3 == 1])
    assert report.reduced == ({"rotated box → bounding box": rotated} if rotated else {})
    assert_on_words(regions.list_regions(lead, doc_id, page), rp.words)
    prov = annotation_import.provenance(lead, report.region_ids[0])
    assert prov is not None and prov.foreign_id == "7/11/r0"
    assert prov.foreign_annotator == "ann@example.com"


def test_label_studio_images_are_found_without_their_upload_prefix(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    rp = render(corpus / PAGES[0][0], 0, dpi=72)
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "page.png").write_bytes(rp.png)
    tasks = [
        {
            "id": 1,
            "data": {"image": "/data/upload/3/0badcafe-page.png"},
            "annotations": [],
            "predictions": [{"id": 2, "score": 0.8, "result": results(rp)[:1]}],
        }
    ]
    path = tmp_path / "e.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead,
        ImportOptions(format="labelstudio", path=path, images=tmp_path / "imgs", as_prelabels=True),
    )
    assert report.imported == 1 and len(report.documents_created) == 1
    (r,) = regions.list_regions(lead)
    assert r.prelabel_state == "pending" and r.confidence == 0.8
