"""Helpers for export tests: a small in-memory ReleaseSnapshot over real PDFs.

The snapshot has a plain page, a 90°-rotated page and a CropBox-offset page, with regions
drawn around real words (in the displayed page space), so a test can check that every
exported box lies on ink.
"""

from __future__ import annotations

from pathlib import Path

from aal_desktop.core.geometry import Box
from aal_desktop.core.records import Document, PageRecord, Region
from aal_desktop.core.schema import default_schema
from aal_desktop.export.snapshot import ParentRelease, ReleaseSnapshot, SnapshotDocument
from aal_desktop.store.blobs import sha256_file
from tests.conftest import make_pdf

NOW = "2026-01-02T03:04:05.000000+00:00"


def page_records(path: Path, document_id: int) -> list[PageRecord]:
    import pymupdf

    out = []
    with pymupdf.open(path) as doc:
        for page in doc:
            out.append(
                PageRecord(
                    document_id=document_id,
                    page=page.number,
                    width=page.rect.width,
                    height=page.rect.height,
                    rotation=page.rotation,
                    mediabox=tuple(page.mediabox),
                    cropbox=tuple(page.cropbox),
                )
            )
    return out


def word_boxes(path: Path, page_number: int) -> list[Box]:
    """Boxes of the page's words in the displayed space (rotation applied, CropBox-relative)."""
    import pymupdf

    with pymupdf.open(path) as doc:
        page = doc[page_number]
        boxes = []
        for w in page.get_text("words"):
            r = pymupdf.Rect(w[:4]) * page.rotation_matrix
            r.normalize()
            boxes.append(Box(r.x0, r.y0, r.x1, r.y1))
        return boxes


def document(path: Path, document_id: int, license: str | None = "cc-by-4.0") -> Document:
    import pymupdf

    with pymupdf.open(path) as doc:
        pages = doc.page_count
    return Document(
        id=document_id,
        sha256=sha256_file(path),
        filename=path.name,
        original_path=str(path),
        size=path.stat().st_size,
        page_count=pages,
        source="tests",
        license=license,
        imported_by="lead1",
        imported_at=NOW,
        status="approved",
    )


def region(
    doc_id: int, page: int, box: Box, class_key: str, n: int, origin: str = "human"
) -> Region:
    return Region(
        id=f"00000000-0000-4000-8000-{doc_id:04d}{page:02d}{n:06d}",
        document_id=doc_id,
        page=page,
        box=box,
        class_key=class_key,
        attrs={},
        schema_version=1,
        origin=origin,
        model_name="layout-model" if origin == "model" else None,
        model_version="1.0" if origin == "model" else None,
        confidence=0.9 if origin == "model" else None,
        annotator="ann1" if n % 2 else "lead1",
        text="Hello world",
        created_by="lead1",
        created_at=NOW,
    )


def make_snapshot(tmp_path: Path, name: str = "v1", parent: str | None = None) -> ReleaseSnapshot:
    """Four documents: plain (2 pages, train), rotated 90° (train), CropBox-offset (val),
    plain (test); two regions on every page, one of them a model pre-label."""
    folder = tmp_path / "pdfs"
    folder.mkdir(exist_ok=True)
    pdfs = [
        (make_pdf(folder / "plain.pdf", pages=2), "train"),
        (make_pdf(folder / "rotated.pdf", pages=1, rotation=90), "train"),
        (make_pdf(folder / "cropped.pdf", pages=1, cropbox=(50, 60, 400, 500)), "val"),
        (make_pdf(folder / "other.pdf", pages=1, text="Another page"), "test"),
    ]
    docs: list[SnapshotDocument] = []
    regions: dict[tuple[int, int], list[Region]] = {}
    for i, (path, split) in enumerate(pdfs, start=1):
        pages = page_records(path, i)
        docs.append(SnapshotDocument(document(path, i), split, pages, path))
        for p in pages:
            words = word_boxes(path, p.page)
            title = words[0]
            rest = words[1:]
            body = Box(
                min(b.x0 for b in rest),
                min(b.y0 for b in rest),
                max(b.x1 for b in rest),
                max(b.y1 for b in rest),
            )
            regions[(i, p.page)] = [
                region(i, p.page, title, "title", 1),
                region(i, p.page, body, "text", 2, origin="model"),
            ]
    return ReleaseSnapshot(
        name=name,
        dataset="demo",
        parent=parent,
        schema_version=1,
        schema=default_schema(),
        created_by="lead1",
        created_at=NOW,
        documents=docs,
        regions=regions,
        stats={"regions": sum(len(r) for r in regions.values())},
        changelog={"version": name},
        changelog_md=f"# Changes in {name}\n\n- one relabel\n",
        changes=[{"region_id": "x", "kind": "region.relabel", "original": "text", "new": "title"}],
        parent_release=(ParentRelease(parent, "/somewhere", "ab" * 32, NOW) if parent else None),
        guideline_version="g1",
        annotators=["ann1", "lead1"],
    )


def write_demo(
    root: Path, formats: tuple[str, ...] = ("coco", "yolo", "jsonl", "parquet"), dpi: float = 144.0
) -> tuple[ReleaseSnapshot, Path]:
    """Write the demo snapshot's release files into `root/release`; return both."""
    from aal_desktop.export.release import write_files

    snapshot = make_snapshot(root)
    out = root / "release"
    out.mkdir()
    write_files(
        snapshot,
        out,
        formats=formats,
        dpi=dpi,
        final_root=out,
        released_by="lead1",
        released_at=NOW,
        workers=2,
    )
    return snapshot, out


def ink_in(png: Path, box: tuple[float, float, float, float]) -> int:
    """How many pixels inside `box` (pixels, x0 y0 x1 y1) of a PNG are not white."""
    import pymupdf

    pix = pymupdf.Pixmap(str(png))
    n, stride, data = pix.n, pix.stride, pix.samples
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(pix.width, int(round(box[2]))), min(pix.height, int(round(box[3])))
    dark = 0
    for y in range(y0, y1):
        row = data[y * stride + x0 * n : y * stride + x1 * n]
        dark += sum(1 for i in range(0, len(row), n) if min(row[i : i + min(n, 3)]) < 200)
    return dark


def png_size(png: Path) -> tuple[int, int]:
    import pymupdf

    pix = pymupdf.Pixmap(str(png))
    return pix.width, pix.height


def make_project(tmp_path: Path, pages: int = 1) -> tuple[object, list[int]]:
    """A project (user lead1) with a plain, a rotated and a CropBox-offset document, each
    page carrying a title and a text region on real words, all approved."""
    from aal_desktop.services import documents
    from aal_desktop.services import regions as region_service
    from aal_desktop.services.project import Project

    folder = tmp_path / "src"
    folder.mkdir(exist_ok=True)
    pdfs = [
        make_pdf(folder / "plain.pdf", pages=pages),
        make_pdf(folder / "rotated.pdf", pages=pages, rotation=90),
        make_pdf(folder / "cropped.pdf", pages=pages, cropbox=(50, 60, 400, 500)),
    ]
    project = Project(tmp_path / "project" / "aal.sqlite3", user="lead1")
    ids = []
    for pdf in pdfs:
        (outcome,) = documents.import_paths(project, [pdf])
        assert outcome.status == "imported", outcome.reason
        doc_id = outcome.document_id
        ids.append(doc_id)
        for page in range(pages):
            words = word_boxes(pdf, page)
            body = Box(
                min(b.x0 for b in words[1:]),
                min(b.y0 for b in words[1:]),
                max(b.x1 for b in words[1:]),
                max(b.y1 for b in words[1:]),
            )
            region_service.add_region(project, doc_id, page, words[0], "title")
            region_service.add_region(project, doc_id, page, body, "text")
        documents.set_status(project, doc_id, "approved")
    return project, ids
