"""COCO import: PubLayNet-style page images, DocLayNet's squashed 1025 × 1025 images, boxes
over real rotated and CropBox-offset pages, idempotence, refusal and the release round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.services import annotation_import, documents, regions
from aal_desktop.services.annotation_import import ImportOptions
from aal_desktop.services.project import Project
from aal_desktop.store import annotation_imports
from aal_desktop.store import events as event_log
from tests.importers import (
    PAGES,
    RenderedPage,
    assert_on_words,
    close,
    ink_inside,
    render,
    render_document_page,
)
from tests.importers.conftest import import_pdf

pytestmark = pytest.mark.corpus

PUBLAYNET_CATEGORIES = [
    {"id": 1, "name": "text", "supercategory": ""},
    {"id": 2, "name": "title", "supercategory": ""},
    {"id": 3, "name": "list", "supercategory": ""},
    {"id": 4, "name": "table", "supercategory": ""},
    {"id": 5, "name": "figure", "supercategory": ""},
]


def coco_file(
    path: Path, pages: list[tuple[dict, RenderedPage]], category: int = 1, extra: dict | None = None
) -> Path:
    """A COCO file as PubLayNet writes one: only images, annotations, categories."""
    images, anns = [], []
    for i, (image, rp) in enumerate(pages):
        images.append({"id": 100 + i, "width": rp.width_px, "height": rp.height_px, **image})
        for w in rp.words:
            x0, y0, x1, y1 = rp.pixel_box(w.box)
            anns.append(
                {
                    "id": len(anns) + 1,
                    "image_id": 100 + i,
                    "category_id": category,
                    "bbox": [x0, y0, x1 - x0, y1 - y0],
                    "area": (x1 - x0) * (y1 - y0),
                    "iscrowd": 0,
                    "segmentation": [[x0, y0, x1, y0, x1, y1, x0, y1]],
                }
            )
    body = {
        "images": images,
        "annotations": anns,
        "categories": PUBLAYNET_CATEGORIES,
        **(extra or {}),
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def opts(fmt: str, path: Path, **kw) -> ImportOptions:
    return ImportOptions(format=fmt, path=path, **kw)


def test_publaynet_page_images_become_one_page_documents(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    images = tmp_path / "train"
    images.mkdir()
    pages = []
    for i, (name, page) in enumerate(PAGES):
        rp = render(corpus / name, page, dpi=72)
        (images / f"PMC{i:05d}_00{page}.png").write_bytes(rp.png)
        pages.append(({"file_name": f"PMC{i:05d}_00{page}.png"}, rp))
    ann = coco_file(tmp_path / "train.json", pages)
    report = annotation_import.import_annotations(lead, opts("coco", ann, images=images))
    words = sum(len(rp.words) for _, rp in pages)
    assert report.imported == words and report.skipped == {} and report.reduced == {}
    assert len(report.documents_created) == len(PAGES)
    for (image, rp), doc_id in zip(pages, report.documents_created, strict=True):
        doc = documents.resolve(lead, doc_id)
        assert doc.page_count == 1
        pg = documents.page(lead, doc_id, 0)
        assert (pg.width, pg.height) == (rp.width_px, rp.height_px)  # the image's size
        prov = annotation_imports.image_of(lead.db, doc_id)
        assert prov is not None and prov.image_name == image["file_name"]
        assert prov.image_path == str((images / image["file_name"]).resolve())
        import hashlib

        assert prov.image_sha256 == hashlib.sha256(rp.png).hexdigest()
        got = regions.list_regions(lead, doc_id)
        expected = [type(w)(w.text, rp.pixel_box(w.box)) for w in rp.words]
        assert_on_words(got, expected, check_text=False)  # an image has no text layer
        shown = render_document_page(lead.pdf_path(doc.sha256))
        for r in got:
            assert ink_inside(shown, r.box) > 0, (r.box, doc.filename)
            assert r.origin == "human" and r.prelabel_state is None
    # one batch of additive events per file, the file named in the reason
    evs = event_log.list_events(lead.db, event_log.EventFilter())
    creates = [e for e in evs if e.kind == "region.create"]
    assert len(creates) == words
    assert {e.change_type for e in creates} == {"additive"}
    assert len({e.batch for e in creates}) == 1 and creates[0].batch == report.files[0].batch
    assert all("train.json" in (e.reason or "") for e in creates)
    # importing the same file again adds nothing, not even documents
    again = annotation_import.import_annotations(lead, opts("coco", ann, images=images))
    assert again.imported == 0 and again.already_present == words
    assert again.documents_created == []
    assert len(regions.list_regions(lead)) == words
    assert len(documents.list_documents(lead)) == len(PAGES)


def test_the_ink_check_fails_on_a_blank_box(corpus: Path) -> None:
    rp = render(corpus / PAGES[0][0], 0, dpi=72)
    assert ink_inside(rp.png, (2, 2, 8, 8)) == 0  # a corner margin of the page


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_boxes_over_a_real_pdf_land_on_its_words(
    lead: Project, corpus: Path, tmp_path: Path, name: str, page: int
) -> None:
    rp = render(corpus / name, page, dpi=100)
    doc_id = import_pdf(lead, corpus / name)
    ann = coco_file(tmp_path / "a.json", [({"file_name": f"page_{page + 1}.png"}, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann, doc=str(doc_id)))
    assert report.imported == len(rp.words), report.summary()
    assert_on_words(regions.list_regions(lead, doc_id, page), rp.words)


def test_doclaynet_squashed_images_map_x_and_y_separately(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    name, page = PAGES[0]
    rp = render(corpus / name, page, size=(1025, 1025))
    assert rp.sx() != pytest.approx(rp.sy(), rel=0.05)  # the squash is real
    pdf = tmp_path / "NYSE_X_2004.pdf"
    shutil.copy(corpus / name, pdf)
    image = {
        "file_name": "abc123.png",
        "doc_category": "scientific_articles",
        "collection": "sci",
        "doc_name": pdf.name,
        "page_no": page,
        "precedence": 0,
    }
    ann = coco_file(tmp_path / "val.json", [(image, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann))
    assert report.imported == len(rp.words)
    (doc,) = documents.list_documents(lead)  # the PDF found by its name, beside the file
    assert doc.filename == pdf.name and report.documents_created == [doc.id]
    assert_on_words(regions.list_regions(lead, doc.id, page), rp.words)


def test_doclaynet_images_with_their_original_size_unsquash(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    name, page = PAGES[0]
    rp = render(corpus / name, page, size=(1025, 1025))
    (tmp_path / "PNG").mkdir()
    (tmp_path / "PNG" / "h1.png").write_bytes(rp.png)
    image = {
        "file_name": "h1.png",
        "metadata": {
            "original_width": rp.width_pt,
            "original_height": rp.height_pt,
            "coco_width": 1025,
            "coco_height": 1025,
        },
    }
    ann = coco_file(tmp_path / "test.json", [(image, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann, images=tmp_path / "PNG"))
    (doc_id,) = report.documents_created
    pg = documents.page(lead, doc_id, 0)
    assert (pg.width, pg.height) == pytest.approx((rp.width_pt, rp.height_pt))
    assert_on_words(regions.list_regions(lead, doc_id), rp.words, check_text=False)


def test_doclaynet_extra_files_give_the_original_page_size(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    """DocLayNet's core COCO has no page size; its extra `JSON/<page hash>.json` does."""
    name, page = PAGES[0]
    rp = render(corpus / name, page, size=(1025, 1025))
    (tmp_path / "PNG").mkdir()
    (tmp_path / "JSON").mkdir()
    (tmp_path / "PNG" / "f00d.png").write_bytes(rp.png)
    extra = {
        "metadata": {
            "page_hash": "f00d",
            "original_filename": "x.pdf",
            "page_no": 0,
            "num_pages": 15,
            "original_width": rp.width_pt,
            "original_height": rp.height_pt,
            "coco_width": 1025,
            "coco_height": 1025,
        },
        "cells": [],
    }
    (tmp_path / "JSON" / "f00d.json").write_text(json.dumps(extra), encoding="utf-8")
    ann = coco_file(tmp_path / "COCO.json", [({"file_name": "f00d.png"}, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann, images=tmp_path / "PNG"))
    (doc_id,) = report.documents_created
    pg = documents.page(lead, doc_id, 0)
    assert (pg.width, pg.height) == pytest.approx((rp.width_pt, rp.height_pt))
    assert_on_words(regions.list_regions(lead, doc_id), rp.words, check_text=False)


def test_an_unmapped_label_refuses_the_whole_import(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    rp = render(corpus / PAGES[0][0], 0, dpi=72)
    (tmp_path / "p.png").write_bytes(rp.png)
    ann = coco_file(tmp_path / "a.json", [({"file_name": "p.png"}, rp)], category=5)
    with pytest.raises(ValidationFailed, match="'figure'"):
        annotation_import.import_annotations(lead, opts("coco", ann, images=tmp_path))
    assert regions.list_regions(lead) == [] and documents.list_documents(lead) == []
    mapping = tmp_path / "map.yaml"
    mapping.write_text("figure: picture\nlist: list_item\n", encoding="utf-8")
    report = annotation_import.import_annotations(
        lead, opts("coco", ann, images=tmp_path, map_path=mapping)
    )
    assert report.imported == len(rp.words)
    assert {r.class_key for r in regions.list_regions(lead)} == {"picture"}


def test_polygons_outside_empty_and_unknown_images_are_counted(
    lead: Project, tmp_path: Path
) -> None:
    from tests.conftest import make_pdf

    pdf = make_pdf(tmp_path / "doc.pdf", pages=1)
    doc_id = import_pdf(lead, pdf)
    body = {
        "images": [
            {"id": 1, "file_name": "doc.png", "width": 1224, "height": 1584},
            {"id": 2, "file_name": "missing.png", "width": 100, "height": 100},
        ],
        "categories": [{"id": 1, "name": "Text"}],
        "annotations": [
            {
                "id": 1,
                "image_id": 1,
                "category_id": 1,
                "segmentation": [[100, 100, 300, 120, 280, 200, 90, 180]],
            },  # no bbox
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [5000, 5000, 10, 10]},
            {"id": 3, "image_id": 1, "category_id": 1, "bbox": [10, 10, 0, 5]},
            {"id": 4, "image_id": 2, "category_id": 1, "bbox": [1, 1, 10, 10]},
            {"id": 5, "image_id": 1, "category_id": 1, "bbox": [1200, 10, 100, 20]},
        ],
    }
    ann = tmp_path / "a.json"
    ann.write_text(json.dumps(body), encoding="utf-8")
    report = annotation_import.import_annotations(lead, opts("coco", ann))
    assert report.imported == 2
    assert report.reduced == {"clipped to the page": 1, "polygon → box": 1}
    assert report.skipped == {"empty": 1, "outside the page": 1, "unknown image": 1}
    boxes = sorted(tuple(r.box) for r in regions.list_regions(lead, doc_id))
    assert close(boxes[0], (45, 50, 150, 100))  # 1224 px over 612 pt: a half each way


def test_prelabels_are_pending_and_accepted_like_the_models(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    from aal_desktop.services import prelabel

    name, page = PAGES[1]
    rp = render(corpus / name, page, dpi=100)
    doc_id = import_pdf(lead, corpus / name)
    lost = coco_file(tmp_path / "lost.json", [({"file_name": "x.png"}, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", lost, doc=str(doc_id)))
    assert report.skipped == {"page number unknown": len(rp.words)}  # 5 pages: which one?
    ann = coco_file(tmp_path / "preds.json", [({"file_name": "x_1.png"}, rp)])
    report = annotation_import.import_annotations(
        lead, opts("coco", ann, doc=str(doc_id), as_prelabels=True)
    )
    pending = prelabel.pending(lead, doc_id, page)
    assert len(pending) == report.imported == len(rp.words)
    assert {r.model_name for r in pending} == {"import:coco"}
    prelabel.accept_page(lead, doc_id, page)
    assert prelabel.pending(lead, doc_id, page) == []
    prov = annotation_import.provenance(lead, pending[0].id)
    assert prov is not None and prov.format == "coco" and prov.file_name == "preds.json"


def test_round_trip_import_coco_then_release_coco_gives_the_boxes_back(
    lead: Project, corpus: Path, tmp_path: Path
) -> None:
    from aal_desktop.services import releases, versions

    name, page = PAGES[0]
    rp = render(corpus / name, page, dpi=100)
    doc_id = import_pdf(lead, corpus / name)
    ann = coco_file(tmp_path / "in.json", [({"file_name": "p.png", "page_no": page}, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann, doc=str(doc_id)))
    assert report.imported == len(rp.words)
    documents.set_status(lead, doc_id, "approved")
    versions.create_version(lead, "v1", split=(1.0, 0.0, 0.0))
    record = releases.release(lead, "v1", tmp_path / "out", formats="coco", dpi=144)
    out = json.loads((Path(record.path) / "annotations" / "instances_train.json").read_text())
    (img,) = [i for i in out["images"] if i["page"] == page + 1]
    back = [a["bbox"] for a in out["annotations"] if a["image_id"] == img["id"]]
    sx, sy = img["width"] / img["page_width_pt"], img["height"] / img["page_height_pt"]
    sent = json.loads(ann.read_text())["annotations"]
    assert len(back) == len(sent)
    for a in sent:
        x, y, w, h = a["bbox"]
        pt = (x / rp.sx(), y / rp.sy(), (x + w) / rp.sx(), (y + h) / rp.sy())
        assert any(
            close(pt, (bx / sx, by / sy, (bx + bw) / sx, (by + bh) / sy)) for bx, by, bw, bh in back
        ), pt
    # and the release itself imports back onto the same document: nothing new, same boxes
    other = Project(tmp_path / "p2" / "aal.sqlite3", user="lead1")
    try:
        doc2 = import_pdf(other, corpus / name)
        rel_ann = Path(record.path) / "annotations" / "instances_train.json"
        again = annotation_import.import_annotations(other, opts("coco", rel_ann))
        assert again.imported == len(sent) and again.documents == [doc2]
        got = {r.id: r for r in regions.list_regions(other, doc2)}
        want = {r.id: r for r in regions.list_regions(lead, doc_id)}
        assert got.keys() == want.keys()  # a region's UUID survives export and re-import
        for rid, r in want.items():
            assert close(got[rid].box, r.box, 0.5) and got[rid].class_key == r.class_key
    finally:
        other.close()
    # the release imported back into the project it came from: the same regions, nothing new
    back_home = annotation_import.import_annotations(lead, opts("coco", rel_ann))
    assert (back_home.imported, back_home.already_present) == (0, len(sent))


def test_page_images_release_like_any_document(lead: Project, corpus: Path, tmp_path: Path) -> None:
    """Downstream works unchanged on wrapped page images: the release renders them and
    gives back the PubLayNet boxes (scaled by the release's dpi / 72)."""
    from aal_desktop.services import releases, versions

    rp = render(corpus / PAGES[2][0], PAGES[2][1], dpi=72)
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "PMC9_0.png").write_bytes(rp.png)
    ann = coco_file(tmp_path / "val.json", [({"file_name": "PMC9_0.png"}, rp)])
    report = annotation_import.import_annotations(lead, opts("coco", ann, images=tmp_path / "imgs"))
    (doc_id,) = report.documents_created
    documents.set_status(lead, doc_id, "approved")
    versions.create_version(lead, "v1", split=(1.0, 0.0, 0.0))
    record = releases.release(lead, "v1", tmp_path / "out", formats="coco", dpi=144)
    out = json.loads((Path(record.path) / "annotations" / "instances_train.json").read_text())
    (img,) = out["images"]
    assert (img["width"], img["height"]) == (2 * rp.width_px, 2 * rp.height_px)
    png = (Path(record.path) / "images" / "train" / img["file_name"]).read_bytes()
    sent = [a["bbox"] for a in json.loads(ann.read_text())["annotations"]]
    back = [a["bbox"] for a in out["annotations"]]
    assert len(back) == len(sent)
    for x, y, w, h in sent:
        assert any(close((2 * x, 2 * y, 2 * w, 2 * h), b, 2.0) for b in back), (x, y)
    for bx, by, bw, bh in back:
        assert ink_inside(png, (bx, by, bx + bw, by + bh)) > 0
