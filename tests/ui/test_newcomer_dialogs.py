"""Issue 18's rough edges in the dialogs: schema editor (Add class, closing with staged
operations), review window (preview, Close/Esc/Ctrl+W, the Review column), pre-label and
release dialogs that grow to their text, swatches and chart axes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Qt, Signal  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from aal_desktop.services import documents, prelabel, schemas  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402

from ..test_review import Day  # noqa: E402

LEFT = Qt.MouseButton.LeftButton


class StandIn(QObject):
    schemaChanged = Signal()

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# --- schema editor ---------------------------------------------------------------------------


def _editor(qtbot: QtBot, project: Project):  # noqa: ANN202
    from aal_desktop.ui.schema_editor import SchemaEditorDialog

    schemas.ensure_default(project)
    return shown(qtbot, SchemaEditorDialog(StandIn(project)))


def test_add_class_gives_a_blank_class_with_a_fresh_colour(qtbot: QtBot, project: Project):
    import yaml

    d = _editor(qtbot, project)
    tab = d.classes_tab
    schema = schemas.get(project, schemas.current_version(project))
    title = schema.require("title")
    tab.select_class("title")
    assert tab.description_edit.toPlainText() == title.description
    qtbot.mouseClick(tab.add_class_button, LEFT)
    assert tab.description_edit.toPlainText() == ""
    colour = tab.colour_button.text()
    assert colour not in {c.color.lower() for c in schema.classes}
    assert tab.key_edit.selectedText() == tab.key_edit.text()  # type over the proposed key
    qtbot.keyClicks(tab.key_edit, "footnote_ref")
    tab.name_edit.selectAll()
    qtbot.keyClicks(tab.name_edit, "Footnote reference")
    qtbot.mouseClick(tab.new_class_button, LEFT)
    (op,) = yaml.safe_load(d.plan_text())["operations"]
    assert op["op"] == "add"
    assert op["class"]["key"] == "footnote_ref" and op["class"]["color"] == colour
    assert not op["class"].get("description")
    # a second new class gets yet another colour
    qtbot.mouseClick(tab.add_class_button, LEFT)
    assert tab.colour_button.text() not in {colour, *(c.color.lower() for c in schema.classes)}
    d._closing = True


def _answer(qtbot: QtBot, d, which: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: d.confirm_box is not None and d.confirm_box.isVisible(), timeout=5000)
    box = d.confirm_box
    button = {
        "keep": d.keep_button,
        "discard": d.discard_button,
        "cancel": box.button(QMessageBox.StandardButton.Cancel),
    }[which]
    qtbot.mouseClick(button, LEFT)


def test_closing_the_schema_editor_with_staged_operations_asks(qtbot: QtBot, project: Project):
    from aal_desktop.ui.schema_editor import SchemaEditorDialog

    d = _editor(qtbot, project)
    tab = d.classes_tab
    qtbot.mouseClick(tab.add_class_button, LEFT)
    qtbot.mouseClick(tab.new_class_button, LEFT)
    staged = d.plan_text()
    assert "new_class_1" in staged

    qtbot.keyClick(d, Qt.Key.Key_Escape)  # Esc = Close: asks, Cancel stays
    _answer(qtbot, d, "cancel")
    assert d.isVisible() and d.plan_text() == staged
    assert "1 staged operation" in d.confirm_box.text()

    d.close()  # the window's close button: asks too; keep it for later
    _answer(qtbot, d, "keep")
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)
    again = shown(qtbot, SchemaEditorDialog(StandIn(project)))
    assert again.plan_text() == staged  # kept

    again.reject()
    _answer(qtbot, again, "discard")
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=5000)
    third = shown(qtbot, SchemaEditorDialog(StandIn(project)))
    assert third.plan_text() == ""
    third.close()
    assert not third.isVisible()  # nothing staged: closes without a question


# --- review window -----------------------------------------------------------------------------


@pytest.fixture
def review(day: Day, session: Session, qtbot: QtBot):  # noqa: ANN201
    from aal_desktop.ui.review_view import ReviewWindow

    w = ReviewWindow(session)
    return shown(qtbot, w)


def test_review_preview_waits_for_the_page_and_centres_the_change(
    review, day: Day, qtbot: QtBot
) -> None:
    review.filters.set_values(user="ann1", kind=None, review=None)
    rows = [review.model.event_at(r).id for r in range(review.model.rowCount())]
    review.select_row(rows.index(day.events["ann1_relabel_r1"]))
    view = review.page_view
    if not view.has_image():  # while the page renders: a notice, not boxes on blank paper
        assert view.message == "rendering page…"
        assert all(not item.isVisible() for item in view._waiting)
    qtbot.waitUntil(view.has_image, timeout=30_000)
    assert view.message == "" and view._waiting == []
    # rendered at the size it is shown (a small image arrives sooner), not at a fixed zoom
    event = review._current
    page_width = documents.page(review.project, event.document_id, event.page).width
    expected = min(view.transform().m11() * view.devicePixelRatioF(), 4.0) * page_width
    assert view._pixmap_item.pixmap().width() == pytest.approx(expected, rel=0.05)
    # the change sits in the middle of the view
    centre = view.mapToScene(view.viewport().rect().center())
    focus = view._focus.center()
    tolerance = 2 / view.transform().m11()
    assert abs(centre.x() - focus.x()) < max(tolerance, 2)
    assert abs(centre.y() - focus.y()) < max(tolerance, 2)


def test_review_window_closes_with_a_button_esc_and_ctrl_w(
    day: Day, session: Session, qtbot: QtBot
) -> None:
    from aal_desktop.ui.review_view import ReviewWindow

    for how in ("button", "esc", "ctrl+w"):
        w = shown(qtbot, ReviewWindow(session))
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=5000)
        if how == "button":
            qtbot.mouseClick(w.close_button, LEFT)
        elif how == "esc":
            qtbot.keyClick(w.table, Qt.Key.Key_Escape)
        else:
            qtbot.keyClick(w.table, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda w=w: not w.isVisible(), timeout=5000)


def test_the_review_column_is_not_clipped(review, qtbot: QtBot) -> None:
    table = review.table
    review.resize(1000, 700)
    qtbot.wait(50)
    last = table.model().columnCount() - 1
    assert table.model().headerData(last, Qt.Orientation.Horizontal) == "Review"
    right = table.columnViewportPosition(last) + table.columnWidth(last)
    assert table.columnViewportPosition(last) >= 0 and right <= table.viewport().width()
    header = table.horizontalHeader()
    assert table.columnWidth(last) >= header.fontMetrics().horizontalAdvance("Review") + 8
    assert table.columnWidth(last) >= table.fontMetrics().horizontalAdvance("reverted")


# --- dialogs grow to their text ----------------------------------------------------------------


def _no_clipped_or_overlapping_labels(dialog: QWidget) -> None:
    labels = [w for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
    for label in labels:
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()) - 1, label.text()
    rects = [
        (lab, lab.geometry().translated(lab.parentWidget().mapTo(dialog, lab.pos() * 0)))
        for lab in labels
    ]
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1 :]:
            if a.parentWidget() is b.parentWidget():
                assert not ra.intersects(rb), (a.text(), b.text())


def test_prelabel_dialog_grows_to_fit_a_long_result(
    qtbot: QtBot, session: Session, tmp_path: Path, monkeypatch
) -> None:
    from aal_desktop.ui import prelabel_dialog

    (o,) = documents.import_paths(session.project, [make_pdf(tmp_path / "p.pdf", pages=3)])
    many = {f"model_class_{i}": i + 1 for i in range(25)}

    def fake_work(jobs, totals, min_confidence, worker):  # noqa: ANN001, ANN202
        def work(job):  # noqa: ANN001, ANN202
            return [
                prelabel.PrelabelReport(
                    run_id="r",
                    document_id=o.document_id,
                    model_name="stand-in",
                    model_version="1",
                    pages=[0, 1, 2],
                    min_confidence=min_confidence,
                    annotator="lead1",
                    created=3,
                    unmapped=many,
                    created_by_class={"text": 2, "title": 1},
                    pages_done=[0, 1],
                    failed_pages={2: "the page could not be rendered in 20 s " * 3},
                )
            ]

        return work

    monkeypatch.setattr(prelabel_dialog, "prelabel_work", fake_work)
    d = shown(qtbot, prelabel_dialog.PrelabelDialog(session, [o.document_id], None))
    before = d.height()
    qtbot.mouseClick(d.run_button, LEFT)
    qtbot.waitUntil(lambda: not d.is_running(), timeout=60_000)
    assert "model_class_24" in d.summary.text()
    qtbot.wait(50)
    assert d.height() > before
    _no_clipped_or_overlapping_labels(d)
    d.close()


def test_release_dialog_shows_its_steps_and_fits_them(qtbot: QtBot, tmp_path: Path) -> None:
    from aal_desktop.services import versions
    from aal_desktop.ui.release_dialog import ReleaseDialog
    from tests.export import make_project

    project, _ids = make_project(tmp_path)
    versions.create_version(project, "v1")
    session = Session(project)
    d = shown(qtbot, ReleaseDialog(session, "v1"))
    seen: list[str] = []
    qtbot.keyClicks(d.dest_edit, str(tmp_path / "shared"))
    d.dpi_spin.setValue(72)
    original = d._on_progress

    def watch(done: int, total: int, what: str) -> None:  # what the person reads, each step
        original(done, total, what)
        seen.append(d.status_label.text())

    d._on_progress = watch  # type: ignore[method-assign]
    qtbot.mouseClick(d.release_button, LEFT)
    qtbot.waitUntil(lambda: d.result_path is not None and not d.running, timeout=120_000)
    assert any(s.startswith("Wrote COCO…") for s in seen), seen
    assert all("/" in s.split()[-1] for s in seen)  # "3/12": the step and the count
    assert "✓ Wrote COCO…" in d.steps_label.text()
    _no_clipped_or_overlapping_labels(d)
    session.close()
    project.close()


# --- colours -----------------------------------------------------------------------------------


def test_a_navy_class_swatch_shows_on_a_dark_theme(qtbot: QtBot) -> None:
    from aal_desktop.ui.icons import outlined_swatch

    dark = QColor("#2b2d30")
    image = outlined_swatch("#000075", 14).pixmap(14, 14).toImage()
    edge = image.pixelColor(0, 7)
    assert abs(edge.lightness() - dark.lightness()) > 100  # a light outline around it
    assert image.pixelColor(7, 7) == QColor("#000075")


def test_the_toolbar_class_square_has_a_backing_in_dark_mode(
    qtbot: QtBot, session: Session, settings
) -> None:
    from aal_desktop.ui.main_window import MainWindow
    from aal_desktop.ui.theme import palette

    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.setPalette(palette(dark=True))
    window.choose_class("title")
    assert "background-color:#dfe1e5" in window.class_label.text()
    window.setPalette(palette(dark=False))
    window.choose_class("text")
    assert "background-color" not in window.class_label.text()


def test_chart_axis_labels_are_dark_on_the_white_charts(qtbot: QtBot, project: Project) -> None:
    from aal_desktop.ui.versions_view import _bar_chart

    plot = _bar_chart("Regions by class")
    qtbot.addWidget(plot)
    for name in ("left", "bottom"):
        colour = plot.getAxis(name).textPen().color()
        assert colour.lightness() < 80, (name, colour.name())
