"""PAWLS import: boxes in points over the corpus' own PAWLS paper (CropBox offset), the PDF
found in the PAWLS folder, the annotator kept, re-import adds nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aal_desktop.services import annotation_import, documents, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from tests.importers import PAGES, assert_on_words, render
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus
SHA = "553c58a05e25f794d24e8db8c2b8fdb9603e6a29"


def pawls_folder(root: Path, pdf: Path, pages: list, sizes: list) -> Path:
    folder = root / SHA
    folder.mkdir(parents=True)
    shutil.copy(pdf, folder / f"{SHA}.pdf")
    structure = [
        {"page": {"width": w, "height": h, "index": i}, "tokens": []}
        for i, (w, h) in enumerate(sizes)
    ]
    (folder / "pdf_structure.json").write_text(json.dumps(structure), encoding="utf-8")
    anns = []
    for rp in pages:
        for n, w in enumerate(rp.words):
            anns.append(
                {
                    "id": f"p{rp.page}-{n}",
                    "page": rp.page,
                    "label": {"text": "Text", "color": "#70DDBA"},
                    "bounds": {
                        "left": w.box.x0,
                        "top": w.box.y0,
                        "right": w.box.x1,
                        "bottom": w.box.y1,
                    },
                    "tokens": [{"pageIndex": rp.page, "tokenIndex": n}],
                }
            )
    body = {
        "annotations": anns,
        "relations": [
            {
                "sourceIds": ["p0-0"],
                "targetIds": ["p0-1"],
                "label": {"text": "ref", "color": "#000"},
            }
        ],
    }
    path = folder / "shannons@example.com_annotations.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_pawls_boxes_land_on_the_same_words_of_the_paper(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    import pymupdf

    name = PAGES[0][0]
    with pymupdf.open(corpus / name) as d:
        sizes = [(p.rect.width, p.rect.height) for p in d]
    pages = [render(corpus / name, 0), render(corpus / name, 1)]
    path = pawls_folder(tmp_path / "papers", corpus / name, pages, sizes)
    opts = ImportOptions(format="pawls", path=tmp_path / "papers")  # a folder of them
    report = annotation_import.import_annotations(lead, opts)
    n = sum(len(rp.words) for rp in pages)
    assert report.imported == n and report.reduced == {} and report.skipped == {}
    (doc,) = documents.list_documents(lead)
    assert doc.filename == f"{SHA}.pdf"
    for rp in pages:
        assert_on_words(regions.list_regions(lead, doc.id, rp.page), rp.words, tol=0.02)
    prov = annotation_import.provenance(lead, report.region_ids[0])
    assert prov is not None and prov.foreign_annotator == "shannons@example.com"
    # the person who drew it stays its annotator (agreement between PAWLS annotators works);
    # the one who imported it created the row
    r = regions.get(lead, report.region_ids[0])
    assert (r.annotator, r.created_by) == ("shannons@example.com", "lead1")
    assert prov.file_sha256 == report.files[0].sha256 and prov.file_name == path.name
    assert any("relations" in note for note in report.notes)
    again = annotation_import.import_annotations(lead, opts)
    assert (again.imported, again.already_present) == (0, n)


def test_pawls_on_a_rotated_page_given_with_doc(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    name, page = PAGES[1]
    rp = render(corpus / name, page)
    doc_id = import_pdf(lead, corpus / name)
    folder = tmp_path / "x"
    folder.mkdir()
    body = {
        "annotations": [
            {
                "id": str(i),
                "page": page,
                "label": {"text": "Text"},
                "bounds": {
                    "left": w.box.x0,
                    "top": w.box.y0,
                    "right": w.box.x1,
                    "bottom": w.box.y1,
                },
            }
            for i, w in enumerate(rp.words)
        ],
        "relations": [],
    }
    (folder / "a_annotations.json").write_text(json.dumps(body), encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="pawls", path=folder / "a_annotations.json", doc=str(doc_id))
    )
    assert report.imported == len(rp.words)
    assert_on_words(regions.list_regions(lead, doc_id, page), rp.words)


def test_two_pawls_annotators_are_compared_by_agreement(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    """A PAWLS folder holds one file per annotator: imported, they are two annotators."""
    from aal_desktop.services import agreement

    name = PAGES[0][0]
    rp = render(corpus / name, 0)
    path = pawls_folder(tmp_path / "papers", corpus / name, [rp], [])
    body = json.loads(path.read_text(encoding="utf-8"))
    body["annotations"][0]["label"]["text"] = "Title"  # markn saw the first word otherwise
    (path.parent / "markn@example.com_annotations.json").write_text(
        json.dumps(body), encoding="utf-8"
    )
    report = annotation_import.import_annotations(
        lead, ImportOptions(format="pawls", path=tmp_path / "papers")
    )
    assert report.imported == 2 * len(rp.words) and len(report.files) == 2
    (doc,) = documents.list_documents(lead)
    result = agreement.agreement(lead, [doc.id])
    assert result.annotators == ["markn@example.com", "shannons@example.com"]
    classes = [d for d in result.disagreements if d.kind == "class"]
    assert len(classes) == 1 and {classes[0].label_a, classes[0].label_b} == {"text", "title"}
    assert result.overall is not None and result.overall.pairs == len(rp.words)
