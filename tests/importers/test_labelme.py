"""labelme import: rectangles dragged from any corner, polygons reduced, lines skipped, the
image embedded in the file (imageData) wrapped as a document; or a PDF page given."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from aal_desktop.services import annotation_import, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.importers import PAGES, RenderedPage, Word, assert_on_words, render
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus


def labelme_file(path: Path, rp: RenderedPage, image_path: str, embed: bool) -> Path:
    shapes = []
    for i, w in enumerate(rp.words):
        x0, y0, x1, y1 = rp.pixel_box(w.box)
        if i % 2:  # dragged from the bottom-right corner up to the top-left (labelme#507)
            shapes.append(
                {
                    "label": "Text",
                    "points": [[x1, y1], [x0, y0]],
                    "group_id": None,
                    "shape_type": "rectangle",
                    "flags": {},
                }
            )
        else:
            shapes.append(
                {
                    "label": "Text",
                    "points": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
                    "group_id": 1,
                    "shape_type": "polygon",
                    "flags": {},
                }
            )
    shapes.append({"label": "Text", "points": [[10, 10], [50, 50]], "shape_type": "line"})
    body = {
        "version": "5.4.1",
        "flags": {},
        "shapes": shapes,
        "imagePath": image_path,
        "imageData": base64.b64encode(rp.png).decode() if embed else None,
        "imageHeight": rp.height_px,
        "imageWidth": rp.width_px,
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "page"), PAGES[1:])
def test_labelme_boxes_over_a_pdf_page_land_on_its_words(
    lead: Project, corpus: Path, tmp_path: Path, name: str, page: int
) -> None:
    rp = render(corpus / name, page, dpi=120)
    doc_id = import_pdf(lead, corpus / name)
    path = labelme_file(tmp_path / "page.json", rp, f"..\\scans\\page_{page + 1}.png", False)
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="labelme", path=path, doc=str(doc_id))
    )
    assert report.imported == len(rp.words)
    assert report.skipped == {"not an area (line or point)": 1}
    assert report.reduced == {}  # rectangles written as 4-corner polygons are not reduced
    assert_on_words(regions.list_regions(lead, doc_id, page), rp.words)


def test_labelme_image_data_becomes_a_document(lead: Project, corpus: Path, tmp_path: Path) -> None:
    rp = render(corpus / PAGES[0][0], 0, dpi=72)
    path = labelme_file(tmp_path / "scan.json", rp, "nowhere/scan.png", True)
    report = annotation_import.import_annotations(lead, ImportOptions(format="labelme", path=path))
    (doc_id,) = report.documents_created
    expected = [Word(w.text, rp.pixel_box(w.box)) for w in rp.words]
    assert_on_words(regions.list_regions(lead, doc_id), expected, check_text=False)


def test_a_labelme_polygon_is_reduced_to_its_box(lead: Project, tmp_path: Path) -> None:
    from tests.conftest import make_pdf

    doc_id = import_pdf(lead, make_pdf(tmp_path / "d.pdf"))
    body = {
        "shapes": [
            {
                "label": "Text",
                "shape_type": "polygon",
                "points": [[100, 100], [300, 150], [200, 300]],
            },
            {"label": "Text", "shape_type": "circle", "points": [[400, 400], [400, 450]]},
        ],
        "imagePath": "d.png",
        "imageWidth": 612,
        "imageHeight": 792,
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="labelme", path=path, doc=str(doc_id))
    )
    assert report.reduced == {"polygon → box": 1, "circle → box": 1}
    boxes = sorted(tuple(r.box) for r in regions.list_regions(lead, doc_id))
    assert boxes == [(100, 100, 300, 300), (350, 350, 450, 450)]


def test_a_folder_of_labelme_files_over_a_folder_of_images(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    """PATH may be a folder: one file per image, each its own batch; images found by name."""
    from aal_desktop.store import events as event_log

    (tmp_path / "ann").mkdir()
    (tmp_path / "img").mkdir()
    expected = 0
    for i, (name, page) in enumerate(PAGES):
        rp = render(corpus / name, page, dpi=72)
        (tmp_path / "img" / f"s{i}.jpg").write_bytes(_jpeg(rp.png))
        labelme_file(tmp_path / "ann" / f"s{i}.json", rp, f"../img/s{i}.jpg", False)
        expected += len(rp.words)
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="labelme", path=tmp_path / "ann", images=tmp_path / "img")
    )
    assert report.imported == expected and len(report.documents_created) == len(PAGES)
    assert len(report.files) == len(PAGES)
    batches = {
        e.batch for e in event_log.list_events(lead.db, event_log.EventFilter(kind="region.create"))
    }
    assert batches == {f.batch for f in report.files} and len(batches) == len(PAGES)


def _jpeg(png: bytes) -> bytes:
    import pymupdf

    return pymupdf.Pixmap(png).tobytes("jpg")
