"""PAGE XML import: Coords polygons in pixels, ReadingOrder, Transkribus custom structure
types, nested regions as parents, the 2010 <Point> form."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.services import annotation_import, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.importers import PAGES, RenderedPage, assert_on_words, render
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus
NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"


def page_xml(rp: RenderedPage, image: str) -> str:
    regions_xml, refs = [], []
    order = list(reversed(range(len(rp.words))))  # reading order not the file order
    for i, w in enumerate(rp.words):
        x0, y0, x1, y1 = (round(v) for v in rp.pixel_box(w.box))
        if i == 0:  # Transkribus style: type in custom, old-style Point children
            coords = "".join(
                f'<Point x="{x}" y="{y}"/>' for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
            )
            regions_xml.append(
                f'<TextRegion id="r{i}" custom="readingOrder {{index:9;}} '
                f'structure {{type:heading;}}"><Coords>{coords}</Coords>'
                '<TextLine id="l0"><Coords points="0,0 1,1"/></TextLine>'
                "</TextRegion>"
            )
        else:
            pts = f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"
            regions_xml.append(
                f'<TextRegion id="r{i}" type="paragraph"><Coords points="{pts}"/></TextRegion>'
            )
    for n, i in enumerate(order):
        refs.append(f'<RegionRefIndexed index="{n}" regionRef="r{i}"/>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><PcGts xmlns="{NS}"><Metadata>'
        "<Creator>test</Creator></Metadata>"
        f'<Page imageFilename="{image}" imageWidth="{rp.width_px}" '
        f'imageHeight="{rp.height_px}"><ReadingOrder><OrderedGroup id="g">'
        + "".join(refs)
        + "</OrderedGroup></ReadingOrder>"
        + "".join(regions_xml)
        + "</Page></PcGts>"
    )


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_page_xml_regions_land_on_the_words_in_reading_order(
    lead: Project, corpus: Path, tmp_path: Path, name: str, page: int
) -> None:
    rp = render(corpus / name, page, dpi=150)
    doc_id = import_pdf(lead, corpus / name)
    path = tmp_path / "page.xml"
    path.write_text(page_xml(rp, f"scan_{page + 1:04d}.tif"), encoding="utf-8")
    mapping = {"heading": "section_header", "paragraph": "text"}
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="pagexml", path=path, doc=str(doc_id), mapping=mapping)
    )
    assert report.imported == len(rp.words) and report.reduced == {}
    got = regions.list_regions(lead, doc_id, page)
    assert_on_words(got, rp.words, tol=1.0)
    by_order = sorted(got, key=lambda r: r.reading_order)
    assert [r.reading_order for r in by_order] == list(range(len(rp.words)))
    first = [r for r in got if r.class_key == "section_header"]
    assert len(first) == 1 and first[0].reading_order == len(rp.words) - 1


def test_nested_regions_keep_their_parent_and_polygons_are_reduced(
    lead: Project, tmp_path: Path
) -> None:
    from tests.conftest import make_pdf

    doc_id = import_pdf(lead, make_pdf(tmp_path / "d.pdf"))
    xml = (
        f'<PcGts xmlns="{NS}"><Page imageFilename="d.png" imageWidth="612" '
        'imageHeight="792"><TableRegion id="t1"><Coords points="50,50 500,50 500,400 50,400"/>'
        '<TextRegion id="c1" type="caption"><Coords points="60,60 200,70 190,90 70,80"/>'
        "</TextRegion></TableRegion></Page></PcGts>"
    )
    path = tmp_path / "p.xml"
    path.write_text(xml, encoding="utf-8")
    report = annotation_import.import_annotations(
        lead,
        ImportOptions(
            format="pagexml", path=path, doc=str(doc_id), mapping={"TableRegion": "table"}
        ),
    )
    assert report.imported == 2 and report.reduced == {"polygon → box": 1}
    by_class = {r.class_key: r for r in regions.list_regions(lead, doc_id)}
    assert by_class["caption"].parent_id == by_class["table"].id
    assert tuple(by_class["caption"].box) == (60, 60, 200, 90)
