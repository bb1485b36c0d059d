"""The conversion from a foreign frame to displayed points, checked against PyMuPDF's own
rotation matrix; an image of the page as stored (a renderer that ignored /Rotate) still
lands on the words; the label map's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.importers import labels
from aal_desktop.importers.frames import (
    DISPLAYED,
    UNROTATED,
    PageGeometry,
    choose_frame,
    place_on_page,
    to_page_points,
)
from aal_desktop.services import annotation_import, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.conftest import make_pdf
from tests.importers import PAGES, Word, assert_on_words, close, render
from tests.importers.conftest import import_pdf


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_unrotated_frame_matches_pymupdf_rotation_matrix(tmp_path: Path, rotation: int) -> None:
    import pymupdf

    pdf = make_pdf(tmp_path / "r.pdf", rotation=rotation, cropbox=(20, 30, 420, 630))
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        geo = PageGeometry(page.rect.width, page.rect.height, page.rotation)
        for w in page.get_text("words"):
            want = pymupdf.Rect(w[:4]) * page.rotation_matrix
            want.normalize()
            uw, uh = geo.unrotated_size()
            got = to_page_points(tuple(w[:4]), uw, uh, geo, UNROTATED)
            assert close(got, tuple(want), 0.01), (rotation, w[4], got, want)


def test_frame_choice_by_shape() -> None:
    turned = PageGeometry(792, 612, 90)
    assert choose_frame(1100, 850, turned) == DISPLAYED
    assert choose_frame(850, 1100, turned) == UNROTATED
    assert choose_frame(850, 1100, PageGeometry(612, 792, 0)) == DISPLAYED
    assert choose_frame(1025, 1025, turned) == DISPLAYED  # squashed: neither, keep it


def test_place_on_page_clips_skips_and_tolerates_rounding() -> None:
    page = PageGeometry(100, 100)
    assert place_on_page((10, 10, 20, 20), page) == ((10, 10, 20, 20), None, False)
    assert place_on_page((-0.3, 10, 20, 20), page)[2] is False  # rounding, not a crossing
    assert place_on_page((90, 10, 130, 20), page) == ((90, 10, 100, 20), None, True)
    assert place_on_page((120, 10, 130, 20), page)[1] == "outside the page"
    assert place_on_page((10, 10, 10.2, 20), page)[1] == "empty"


@pytest.mark.corpus
def test_an_image_of_the_stored_page_lands_on_the_displayed_words(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    """A tool that ignored /Rotate 90 drew its boxes on the page as stored."""
    import pymupdf

    name, page_no = PAGES[1]
    shown = render(corpus / name, page_no)
    doc_id = import_pdf(lead, corpus / name)
    with pymupdf.open(corpus / name) as doc:
        page = doc[page_no]
        assert page.rotation == 90
        page.set_rotation(0)
        pix = page.get_pixmap(dpi=100)
        s = pix.width / page.rect.width
        anns = [
            {
                "id": i + 1,
                "image_id": 1,
                "category_id": 1,
                "bbox": [w[0] * s, w[1] * s, (w[2] - w[0]) * s, (w[3] - w[1]) * s],
            }
            for i, w in enumerate(page.get_text("words"))
            if w[4] in {x.text for x in shown.words}
        ]
    body = {
        "images": [{"id": 1, "file_name": "p_1.png", "width": pix.width, "height": pix.height}],
        "annotations": anns,
        "categories": [{"id": 1, "name": "text"}],
    }
    path = tmp_path / "stored.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="coco", path=path, doc=str(doc_id))
    )
    assert report.imported == len(shown.words)
    assert_on_words(
        regions.list_regions(lead, doc_id, page_no), [Word(w.text, w.box) for w in shown.words]
    )


def test_label_map_rules() -> None:
    classes = [("text", "Text"), ("page_header", "Page-header"), ("picture", "Picture")]
    got = labels.choose(
        [("Page-header", 3), ("TEXT", 1), ("figure", 2), ("noise", 1)],
        classes,
        {"figure": "picture", "noise": None},
    )
    assert [(c.label, c.class_key, c.how) for c in got] == [
        ("Page-header", "page_header", "key"),
        ("TEXT", "text", "key"),
        ("figure", "picture", "map"),
        ("noise", None, "left out"),
    ]
    assert labels.unmapped(labels.choose([("x", 1)], classes)) == ["x"]
    with pytest.raises(ValidationFailed, match="mapped twice"):
        labels.parse_map("a: text\na: picture\n")
    with pytest.raises(ValidationFailed, match="classes the schema does not have"):
        labels.choose([("a", 1)], classes, {"a": "figure"})
