"""The pre-label dialog (worker process, progress, cancel, summary) and the agreement view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsRectItem
from pytestqt.qtbot import QtBot

from aal_desktop.services import agreement, documents, regions
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log
from aal_desktop.ui.agreement_view import AgreementDialog
from aal_desktop.ui.prelabel_dialog import PrelabelDialog
from aal_desktop.ui.session import Session
from tests.conftest import make_pdf


def _doc(project: Project, tmp_path: Path, pages: int = 2) -> int:
    pdf = make_pdf(tmp_path / "p.pdf", pages=pages, text="A short heading for the model")
    (out,) = documents.import_paths(project, [pdf])
    assert out.document_id is not None
    return out.document_id


def test_prelabel_dialog_runs_in_worker_and_summarises(
    session: Session, tmp_path: Path, qtbot: QtBot
) -> None:
    doc = _doc(session.project, tmp_path)
    d = PrelabelDialog(session, [doc], [1])
    qtbot.addWidget(d)
    d.show()
    assert "page 2 of p.pdf" in d.scope.text()
    d.min_confidence.setValue(0.0)
    with qtbot.waitSignal(session.regionsChanged, timeout=120_000):
        qtbot.mouseClick(d.run_button, Qt.MouseButton.LeftButton)
        assert d.is_running() and not d.run_button.isEnabled()
    qtbot.waitUntil(lambda: not d.is_running(), timeout=120_000)
    (rep,) = d.reports
    made = regions.list_regions(session.project, doc)
    assert rep.created == len(made) >= 1 and {r.page for r in made} == {1}
    assert all(r.origin == "model" and r.prelabel_state == "pending" for r in made)
    assert d.status.text() == "Done." and d.bar.value() == d.bar.maximum()
    assert f"{rep.created} regions created on 1 page" in d.summary.text()
    # running again from the dialog adds nothing and says so
    qtbot.mouseClick(d.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            not d.is_running()
            and d.reports is not None
            and d.reports
            and d.reports[0].run_id != rep.run_id
        ),
        timeout=120_000,
    )
    assert d.reports[0].created == 0
    assert f"{rep.created} already labelled" in d.summary.text()
    d.close()


def test_prelabel_dialog_cancel_stops_and_records_the_run(
    session: Session, tmp_path: Path, qtbot: QtBot
) -> None:
    doc = _doc(session.project, tmp_path, pages=3)
    d = PrelabelDialog(session, [doc], None)
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Pre-labelling page 1" in d.status.text(), timeout=60_000)
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)  # the model is on page 1
    qtbot.waitUntil(lambda: not d.is_running(), timeout=60_000)
    (rep,) = d.reports
    assert rep.cancelled and d.status.text() == "Cancelled."
    assert len(rep.pages_done) < 3
    (ev,) = event_log.list_events(session.project.db, event_log.EventFilter(kind="prelabel.run"))
    assert ev.new["cancelled"] is True
    assert d.run_button.isEnabled()
    d.close()


@pytest.fixture
def double(session: Session, tmp_path: Path) -> tuple[Session, int]:
    project = session.project
    doc = _doc(project, tmp_path, pages=1)
    boxes = {
        "alice": [
            ((60, 80, 300, 110), "title"),
            ((60, 120, 300, 150), "text"),
            ((60, 400, 300, 500), "table"),
        ],
        "bob": [
            ((62, 82, 302, 112), "section_header"),
            ((60, 120, 300, 150), "text"),
            ((300, 600, 500, 700), "picture"),
        ],
    }
    for who, items in boxes.items():
        project.switch_user(who)
        for box, cls in items:
            regions.add_region(project, doc, 0, box, cls, annotator=who)
    project.switch_user("lead1")
    return session, doc


def _computed(qtbot: QtBot, d: AgreementDialog) -> None:
    """The figures are computed in a background job: wait until they are shown."""
    qtbot.waitUntil(lambda: d.report is not None and not d.is_computing(), timeout=30_000)
    assert not d.busy.isVisible()


def _click_row(qtbot: QtBot, table, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_agreement_view_shows_scores_disagreement_page_and_adjudicates(
    double: tuple[Session, int], qtbot: QtBot, tmp_path: Path
) -> None:
    session, doc = double
    d = AgreementDialog(session)
    qtbot.addWidget(d)
    d.show()
    assert d.is_computing() and d.busy.isVisible()  # the window stays responsive meanwhile
    _computed(qtbot, d)
    # pairs title/section_header and text/text: po 1/2, pe 1/4 -> kappa 1/3
    assert "kappa 0.333" in d.summary.text()
    classes = {
        d.classes.row_texts(r)[0]: d.classes.row_texts(r) for r in range(d.classes.rowCount())
    }
    assert classes["text"][1:] == ["1", "0", "0", "1.000", "1.000", "1.000"]
    assert classes["title"][1:4] == ["0", "0", "1"]
    assert d.disagreements.rowCount() == 3
    row = next(i for i, x in enumerate(d.rows) if x.kind == "class")
    with qtbot.waitSignal(d.pageShown, timeout=30_000):
        _click_row(qtbot, d.disagreements, row)
    rects = [i for i in d.view.scene().items() if isinstance(i, QGraphicsRectItem)]
    styles = sorted(i.pen().style().name for i in rects)
    assert styles == ["DashLine", "SolidLine"]  # A solid, B dashed
    assert d.pick_a.isEnabled() and d.merge.isEnabled()
    assert d.merge_class.currentText() == "title"
    d.grab().save(str(tmp_path / "agreement.png"))
    assert (tmp_path / "agreement.png").stat().st_size > 5000

    with qtbot.waitSignal(d.refreshed, timeout=30_000):
        qtbot.mouseClick(d.pick_b, Qt.MouseButton.LeftButton)
    _computed(qtbot, d)
    (adj,) = [
        r
        for r in regions.list_regions(session.project, doc)
        if r.annotator == agreement.ADJUDICATED
    ]
    assert adj.class_key == "section_header" and tuple(adj.box) == (62, 82, 302, 112)
    done = [x for x in d.rows if x.kind == "class"]
    assert done[0].resolved
    texts = [d.disagreements.row_texts(r) for r in range(d.disagreements.rowCount())]
    assert [t[5] for t in texts].count("yes") == 1
    # the adjudicated box is drawn dotted with the pair
    rects = [i for i in d.view.scene().items() if isinstance(i, QGraphicsRectItem)]
    assert "DotLine" in {i.pen().style().name for i in rects}


def test_agreement_view_is_read_only_for_annotators(
    double: tuple[Session, int], qtbot: QtBot
) -> None:
    session, _ = double
    session.project.switch_user("alice")
    d = AgreementDialog(session)
    qtbot.addWidget(d)
    _computed(qtbot, d)
    _click_row(qtbot, d.disagreements, 0)
    assert not d.pick_a.isEnabled() and not d.pick_b.isEnabled() and not d.merge.isEnabled()
    assert "Only a lead" in d.message.text()
