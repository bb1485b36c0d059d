"""Pre-labelling with the PyMuPDF layout model: provenance, run events, no duplicates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.core.schema import default_schema
from aal_desktop.pdf import layout
from aal_desktop.pdf.worker import WorkerProcess
from aal_desktop.services import documents, prelabel, regions, schemas
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log
from tests.conftest import make_pdf


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerProcess]:
    """One warm model process for the module (loading the model takes seconds)."""
    with WorkerProcess("test-layout") as w:
        yield w


def _import(project: Project, path: Path) -> int:
    (out,) = documents.import_paths(project, [path])
    assert out.document_id is not None, out.reason
    return out.document_id


def test_detect_layout_maps_rotated_page_into_displayed_space(
    tmp_path: Path, worker: WorkerProcess
) -> None:
    import pymupdf

    pdf = make_pdf(tmp_path / "rot.pdf", rotation=90, text="Hello world of layout")
    dets = worker.call(layout.detect_layout, str(pdf), 0, timeout=120)
    assert dets
    with pymupdf.open(pdf) as doc:
        page = doc[0]
        shown = page.rect
        words = [pymupdf.Rect(w[:4]) * page.rotation_matrix for w in page.get_text("words")]
    assert (shown.width, shown.height) == (792, 612)
    for d in dets:
        assert 0 <= d.x0 < d.x1 <= shown.width and 0 <= d.y0 < d.y1 <= shown.height
        assert 0.0 <= d.confidence <= 1.0
    hello = words[0]
    assert any(pymupdf.Rect(d[:4]).intersects(hello) for d in dets)


def test_prelabel_corpus_page_creates_classes_with_provenance_and_one_run_event(
    project: Project, corpus: Path, worker: WorkerProcess
) -> None:
    doc = _import(project, corpus / "pdfjs--tracemonkey.pdf")
    rep = prelabel.prelabel(project, doc, [0], min_confidence=0.9, worker=worker)
    made = regions.list_regions(project, doc, 0)
    assert rep.created == len(made) >= 5
    assert len({r.class_key for r in made}) >= 2  # e.g. title and text
    name, version = layout.model_identity()
    for r in made:
        assert (r.origin, r.model_name, r.model_version) == ("model", name, version)
        assert r.prelabel_state == "pending" and r.annotator == "lead1"
        assert r.confidence is not None and r.confidence >= 0.9
    assert rep.below_threshold > 0  # tracemonkey p1 has blocks the model is unsure of
    runs = event_log.list_events(project.db, event_log.EventFilter(kind="prelabel.run"))
    assert len(runs) == 1 and runs[0].change_type is None and runs[0].batch == rep.run_id
    body = runs[0].new
    assert body["model"] == {"name": name, "version": version}
    assert body["settings"]["min_confidence"] == 0.9 and body["settings"]["pages"] == [0]
    assert body["counts"]["created"] == rep.created
    assert body["counts"]["below_threshold"] == rep.below_threshold
    creates = event_log.list_events(
        project.db, event_log.EventFilter(batch=rep.run_id, kind="region.create")
    )
    assert {e.region_id for e in creates} == {r.id for r in made}

    # a second run adds nothing
    again = prelabel.prelabel(project, doc, [0], min_confidence=0.9, worker=worker)
    assert again.created == 0 and again.skipped_duplicates == rep.created
    assert len(regions.list_regions(project, doc, 0)) == rep.created

    # a lower threshold adds only what was below it, never what exists
    lower = prelabel.prelabel(project, doc, [0], min_confidence=0.0, worker=worker)
    assert lower.created <= rep.below_threshold and lower.below_threshold == 0
    assert lower.skipped_duplicates >= rep.created
    assert len(event_log.list_events(project.db, event_log.EventFilter(kind="prelabel.run"))) == 3


def test_deleted_prelabel_is_not_brought_back(
    project: Project, corpus: Path, worker: WorkerProcess
) -> None:
    doc = _import(project, corpus / "pdfjs--TAMReview.pdf")
    rep = prelabel.prelabel(project, doc, [0], worker=worker)
    victim = regions.get(project, rep.region_ids[0])
    regions.delete(project, victim.id, reason="not a real block")
    again = prelabel.prelabel(project, doc, [0], worker=worker)
    assert again.created == 0
    assert [
        r.id for r in regions.list_regions(project, doc, 0, include_deleted=True) if r.deleted
    ] == [victim.id]


def test_unmapped_classes_are_skipped_and_counted(
    project: Project, corpus: Path, worker: WorkerProcess
) -> None:
    s = default_schema()
    s.model_mapping = {k: v for k, v in s.model_mapping.items() if k != "text"}
    schemas.add_draft(project, s, reason="no text pre-labels")
    schemas.publish(project)
    doc = _import(project, corpus / "pdfjs--tracemonkey.pdf")
    rep = prelabel.prelabel(project, doc, [0], min_confidence=0.0, worker=worker)
    assert rep.unmapped.get("text", 0) >= 5
    made = regions.list_regions(project, doc, 0)
    assert made and all(r.class_key != "text" for r in made)
    (ev,) = event_log.list_events(project.db, event_log.EventFilter(kind="prelabel.run"))
    assert ev.new["counts"]["unmapped"] == rep.unmapped


def test_accept_page_and_accept_above(project: Project, tmp_path: Path) -> None:
    doc = _import(project, make_pdf(tmp_path / "a.pdf", pages=2))
    for page, conf in ((0, 0.95), (0, 0.4), (1, 0.8), (1, 0.6)):
        regions.add_region(
            project,
            doc,
            page,
            (72, 80 + conf * 100, 300, 100 + conf * 100),
            "text",
            origin="model",
            model_name="m",
            model_version="1",
            confidence=conf,
        )
    assert len(prelabel.accept_above(project, doc, 0.7)) == 2
    states = sorted(
        (r.page, r.confidence, r.prelabel_state) for r in regions.list_regions(project, doc)
    )
    assert states == [
        (0, 0.4, "pending"),
        (0, 0.95, "accepted"),
        (1, 0.6, "pending"),
        (1, 0.8, "accepted"),
    ]
    assert len(prelabel.accept_page(project, doc, 1)) == 1
    assert [r.confidence for r in prelabel.pending(project, doc)] == [0.4]


def test_cli_prelabel_json_and_accept(project: Project, tmp_path: Path, capsys) -> None:
    doc = _import(project, make_pdf(tmp_path / "c.pdf", pages=2, text="A heading line"))
    db = str(project.path)
    assert (
        main(
            [
                "--db",
                db,
                "--user",
                "lead1",
                "prelabel",
                str(doc),
                "--pages",
                "2",
                "--min-confidence",
                "0",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["settings"]["pages"] == [1] and out["counts"]["created"] == len(out["region_ids"])
    assert out["counts"]["created"] >= 1
    assert {r.page for r in regions.list_regions(project, doc)} == {1}
    assert (
        main(["--db", db, "--user", "lead1", "accept-prelabels", str(doc), "--page", "2", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["accepted"] == out["region_ids"]
    assert main(["--db", db, "prelabel", str(doc), "--min-confidence", "2"]) == 1
