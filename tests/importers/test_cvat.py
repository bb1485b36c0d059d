"""CVAT for images 1.1 import: pixel boxes, rotation around the centre, polygons, polylines
skipped, video tracks refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.services import annotation_import, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.importers import PAGES, RenderedPage, assert_on_words, render
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus


def cvat_xml(rp: RenderedPage, name: str) -> str:
    items = []
    for i, w in enumerate(rp.words):
        x0, y0, x1, y1 = rp.pixel_box(w.box)
        if i % 3 == 1:  # the word's box, turned 90° around its centre, drawn as rotated
            cx, cy, bw, bh = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
            items.append(
                f'<box label="Text" source="manual" occluded="0" '
                f'xtl="{cx - bh / 2}" ytl="{cy - bw / 2}" xbr="{cx + bh / 2}" '
                f'ybr="{cy + bw / 2}" rotation="90.0" z_order="0"></box>'
            )
        elif i % 3 == 2:
            items.append(
                f'<polygon label="Text" source="manual" occluded="0" '
                f'points="{x0},{y0};{x1},{y0};{x1},{y1};{x0},{y1}" z_order="0"/>'
            )
        else:
            items.append(
                f'<box label="Text" source="manual" occluded="0" xtl="{x0}" '
                f'ytl="{y0}" xbr="{x1}" ybr="{y1}" z_order="0">'
                '<attribute name="lang">en</attribute></box>'
            )
    items.append('<polyline label="Text" points="1,1;20,20" z_order="0"/>')
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<annotations><version>1.1</version>'
        f"<meta><task><name>t</name></task></meta>"
        f'<image id="0" name="{name}" width="{rp.width_px}" height="{rp.height_px}">'
        + "".join(items)
        + "</image></annotations>"
    )


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_cvat_boxes_land_on_the_words(
    lead: Project, corpus: Path, tmp_path: Path, name: str, page: int
) -> None:
    rp = render(corpus / name, page, dpi=110)
    doc_id = import_pdf(lead, corpus / name)
    path = tmp_path / "annotations.xml"
    path.write_text(cvat_xml(rp, f"frames/page-{page + 1}.png"), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="cvat", path=path, doc=str(doc_id))
    )
    assert report.imported == len(rp.words)
    assert report.skipped == {"not an area (line or point)": 1}
    plain = len([i for i in range(len(rp.words)) if i % 3 == 0])  # they carry lang=en
    rotated = len(rp.words) - plain - len([i for i in range(len(rp.words)) if i % 3 == 2])
    want = {"attributes the class does not have, dropped": plain}
    if rotated:
        want["rotated box → bounding box"] = rotated
    assert report.reduced == want
    assert_on_words(regions.list_regions(lead, doc_id, page), rp.words)


def test_cvat_video_tracks_are_refused(lead: Project, tmp_path: Path) -> None:
    path = tmp_path / "v.xml"
    path.write_text(
        '<annotations><version>1.1</version><track id="0" label="Text">'
        '<box frame="0" xtl="1" ytl="1" xbr="5" ybr="5"/></track></annotations>',
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="CVAT for images"):
        annotation_import.import_annotations(lead, ImportOptions(format="cvat", path=path))


def test_xml_with_entities_is_refused(lead: Project, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx">]><annotations>&x;</annotations>',
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="DOCTYPE"):
        annotation_import.import_annotations(lead, ImportOptions(format="cvat", path=path))
