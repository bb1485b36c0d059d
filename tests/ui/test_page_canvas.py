"""The page canvas driven as a person would: mouse drags and key presses on the viewport."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer  # noqa: E402

from aal_desktop.core.geometry import Box  # noqa: E402
from aal_desktop.pdf.render import RenderedPage, render_page  # noqa: E402
from aal_desktop.services import documents  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import events as event_log  # noqa: E402
from aal_desktop.ui.page_canvas import PageCanvas  # noqa: E402
from aal_desktop.ui.render_service import RenderService  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402

LEFT = Qt.MouseButton.LeftButton


def hang_on_first_page(pdf_path: str, page: int, zoom: float) -> RenderedPage:
    """A render that never finishes page 1 (like the real PDFs that take minutes)."""
    if page == 0:
        time.sleep(120)
    return render_page(pdf_path, page, zoom)


def open_canvas(qtbot, session: Session, doc: int, page: int = 0) -> PageCanvas:  # noqa: ANN001
    canvas = PageCanvas(session)
    qtbot.addWidget(canvas)
    canvas.resize(700, 900)
    canvas.show()
    qtbot.waitExposed(canvas)
    with qtbot.waitSignal(canvas.pageReady, timeout=30000) as blocker:
        canvas.show_page(doc, page)
    assert blocker.args == [doc, page]
    canvas.setFocus()
    return canvas


def view_point(canvas: PageCanvas, x: float, y: float) -> QPoint:
    return canvas.page_to_view(x, y)


def scene_of(canvas: PageCanvas, p: QPoint) -> QPointF:
    return canvas.mapToScene(p)


def drag(
    qtbot,
    canvas: PageCanvas,
    a: QPoint,
    b: QPoint,  # noqa: ANN001
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    vp = canvas.viewport()
    qtbot.mousePress(vp, LEFT, modifier, a)
    mid = QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2)
    qtbot.mouseMove(vp, mid)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, LEFT, modifier, b)


def click(
    qtbot,
    canvas: PageCanvas,
    p: QPoint,  # noqa: ANN001
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.mouseClick(canvas.viewport(), LEFT, modifier, p)


def events_of(project: Project) -> list:
    return event_log.list_events(project.db, event_log.EventFilter(kind="region."))


def region_center(canvas: PageCanvas, rid: str) -> QPoint:
    b = region_service.get(canvas.session.project, rid).box
    return view_point(canvas, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2)


def wait_drawn(qtbot, canvas: PageCanvas, rid: str, predicate) -> None:  # noqa: ANN001
    """The canvas redraws from session.regionsChanged (queued): wait for the item."""
    qtbot.waitUntil(
        lambda: canvas.region_item(rid) is not None and predicate(canvas.region_item(rid)),
        timeout=5000,
    )


# --- drawing -------------------------------------------------------------------------------


def test_drag_on_empty_page_adds_one_region_and_one_event(qtbot, session, project, doc_id):
    canvas = open_canvas(qtbot, session, doc_id)
    canvas.set_current_class("table")
    a, b = view_point(canvas, 300, 400), view_point(canvas, 500, 520)
    drag(qtbot, canvas, a, b)

    (region,) = region_service.list_regions(project, doc_id, 0)
    pa, pb = scene_of(canvas, a), scene_of(canvas, b)
    expected = Box.normalized(pa.x(), pa.y(), pb.x(), pb.y()).rounded()
    assert region.box == pytest.approx(expected, abs=0.011)
    assert region.class_key == "table"
    (event,) = events_of(project)
    assert event.kind == "region.create"
    assert event.region_id == region.id
    assert session.undo_stack.count() == 1
    wait_drawn(qtbot, canvas, region.id, lambda item: True)
    assert canvas.selected_ids() == [region.id]


def test_drag_is_clamped_to_the_page_and_tiny_drags_add_nothing(qtbot, session, project, doc_id):
    canvas = open_canvas(qtbot, session, doc_id)
    a = view_point(canvas, 200, 200)
    drag(qtbot, canvas, a, a + QPoint(2, 2))
    assert region_service.list_regions(project, doc_id, 0) == []
    assert events_of(project) == []

    canvas.set_current_class("picture")
    drag(qtbot, canvas, view_point(canvas, 500, 700), view_point(canvas, 640, 820))
    (region,) = region_service.list_regions(project, doc_id, 0)
    assert region.box.x1 == pytest.approx(612) and region.box.y1 == pytest.approx(792)


def test_drawing_nothing_is_written_while_the_mouse_is_down(qtbot, session, project, doc_id):
    canvas = open_canvas(qtbot, session, doc_id)
    vp = canvas.viewport()
    qtbot.mousePress(vp, LEFT, pos=view_point(canvas, 100, 300))
    qtbot.mouseMove(vp, view_point(canvas, 250, 400))
    assert events_of(project) == []
    qtbot.mouseRelease(vp, LEFT, pos=view_point(canvas, 250, 400))
    assert len(events_of(project)) == 1


# --- selection, relabel, undo -------------------------------------------------------------------


def test_class_hotkey_relabels_selection_and_undo_is_a_recorded_change(
    qtbot, session, project, doc_id
):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "text").id
    canvas = open_canvas(qtbot, session, doc_id)
    click(qtbot, canvas, region_center(canvas, rid))
    assert canvas.selected_ids() == [rid]

    qtbot.keyClick(canvas, Qt.Key.Key_B)  # "b" = table in the default schema
    assert region_service.get(project, rid).class_key == "table"
    relabel = events_of(project)[-1]
    assert relabel.kind == "region.relabel" and len(events_of(project)) == 2
    wait_drawn(qtbot, canvas, rid, lambda item: item.region.class_key == "table")

    session.undo_stack.undo()
    assert region_service.get(project, rid).class_key == "text"
    undo_event = events_of(project)[-1]
    assert undo_event.reverts == relabel.id
    assert undo_event.original["class_key"] == "table" and undo_event.new["class_key"] == "text"
    wait_drawn(qtbot, canvas, rid, lambda item: item.region.class_key == "text")

    session.undo_stack.redo()
    assert region_service.get(project, rid).class_key == "table"
    redo_event = events_of(project)[-1]
    assert redo_event.reverts == undo_event.id
    assert len(events_of(project)) == 4  # create, relabel, undo, redo: nothing removed


def test_hotkey_without_selection_chooses_the_drawing_class(qtbot, session, project, doc_id):
    canvas = open_canvas(qtbot, session, doc_id)
    qtbot.keyClick(canvas, Qt.Key.Key_I)  # title
    assert canvas.current_class() == "title"
    drag(qtbot, canvas, view_point(canvas, 80, 60), view_point(canvas, 400, 90))
    (region,) = region_service.list_regions(project, doc_id, 0)
    assert region.class_key == "title"


def test_delete_key_then_undo_restores(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "text").id
    canvas = open_canvas(qtbot, session, doc_id)
    click(qtbot, canvas, region_center(canvas, rid))
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert region_service.get(project, rid).deleted
    assert events_of(project)[-1].kind == "region.delete"
    qtbot.waitUntil(lambda: canvas.region_item(rid) is None, timeout=5000)

    session.undo_stack.undo()
    assert not region_service.get(project, rid).deleted
    last = events_of(project)[-1]
    assert last.kind == "region.restore" and last.reverts == events_of(project)[-2].id
    wait_drawn(qtbot, canvas, rid, lambda item: True)


def test_undo_of_a_drawn_box_deletes_it_and_redo_brings_it_back(qtbot, session, project, doc_id):
    canvas = open_canvas(qtbot, session, doc_id)
    drag(qtbot, canvas, view_point(canvas, 100, 300), view_point(canvas, 250, 400))
    (region,) = region_service.list_regions(project, doc_id, 0)
    session.undo_stack.undo()
    assert region_service.get(project, region.id).deleted
    session.undo_stack.redo()
    assert not region_service.get(project, region.id).deleted
    kinds = [e.kind for e in events_of(project)]
    assert kinds == ["region.create", "region.delete", "region.restore"]


def test_dragging_a_selected_region_moves_it_with_one_event(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "picture").id
    canvas = open_canvas(qtbot, session, doc_id)
    start = region_center(canvas, rid)
    end = start + QPoint(60, 40)
    drag(qtbot, canvas, start, end)

    moved = region_service.get(project, rid)
    d = scene_of(canvas, end) - scene_of(canvas, start)
    assert moved.box == pytest.approx(
        (100 + d.x(), 300 + d.y(), 300 + d.x(), 400 + d.y()), abs=0.011
    )
    kinds = [e.kind for e in events_of(project)]
    assert kinds == ["region.create", "region.move"]


def test_resize_by_corner_handle(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "picture").id
    canvas = open_canvas(qtbot, session, doc_id)
    canvas.select_regions([rid])
    corner = view_point(canvas, 300, 400)
    target = corner + QPoint(50, 30)
    drag(qtbot, canvas, corner, target)
    resized = region_service.get(project, rid)
    t = scene_of(canvas, target)
    assert resized.box[:2] == pytest.approx((100, 300))
    assert resized.box[2:] == pytest.approx((t.x(), t.y()), abs=0.011)
    assert [e.kind for e in events_of(project)][-1] == "region.resize"  # not a move


def test_arrow_keys_nudge_one_point_and_shift_ten(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "picture").id
    canvas = open_canvas(qtbot, session, doc_id)
    canvas.select_regions([rid])
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert region_service.get(project, rid).box == (101, 300, 301, 400)
    wait_drawn(qtbot, canvas, rid, lambda item: item.region.box == (101, 300, 301, 400))
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert region_service.get(project, rid).box == (101, 310, 301, 410)
    assert [e.kind for e in events_of(project)].count("region.move") == 2


def test_shift_click_toggles_and_ctrl_drag_selects_with_a_rubber_band(
    qtbot, session, project, doc_id
):
    ids = [
        region_service.add_region(project, doc_id, 0, (x, 300, x + 80, 360), "text").id
        for x in (100, 250, 400)
    ]
    canvas = open_canvas(qtbot, session, doc_id)
    click(qtbot, canvas, region_center(canvas, ids[0]))
    click(qtbot, canvas, region_center(canvas, ids[2]), Qt.KeyboardModifier.ShiftModifier)
    assert set(canvas.selected_ids()) == {ids[0], ids[2]}
    click(qtbot, canvas, region_center(canvas, ids[0]), Qt.KeyboardModifier.ShiftModifier)
    assert canvas.selected_ids() == [ids[2]]

    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.selected_ids() == []
    drag(
        qtbot,
        canvas,
        view_point(canvas, 90, 250),
        view_point(canvas, 340, 380),
        Qt.KeyboardModifier.ControlModifier,
    )
    assert set(canvas.selected_ids()) == {ids[0], ids[1]}
    assert len(events_of(project)) == 3  # selecting writes nothing

    qtbot.keyClick(canvas, Qt.Key.Key_F)  # page_footer for both: one gesture, one undo step
    assert {region_service.get(project, r).class_key for r in ids[:2]} == {"page_footer"}
    session.undo_stack.undo()
    assert {region_service.get(project, r).class_key for r in ids[:2]} == {"text"}


def test_copy_paste_offsets_on_the_same_page_and_keeps_place_on_another(
    qtbot, session, project, doc_id
):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "table").id
    canvas = open_canvas(qtbot, session, doc_id)
    canvas.select_regions([rid])
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    boxes = sorted(r.box for r in region_service.list_regions(project, doc_id, 0))
    assert boxes == [(100, 300, 300, 400), (110, 310, 310, 410)]

    with qtbot.waitSignal(canvas.pageReady, timeout=30000):
        canvas.show_page(doc_id, 1)
    qtbot.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (pasted,) = region_service.list_regions(project, doc_id, 1)
    assert pasted.box == (100, 300, 300, 400) and pasted.class_key == "table"
    session.undo_stack.undo()
    assert region_service.list_regions(project, doc_id, 1) == []


def test_context_menu_accepts_a_pending_prelabel(qtbot, session, project, doc_id):
    rid = region_service.add_region(
        project,
        doc_id,
        0,
        (100, 300, 300, 400),
        "table",
        origin="model",
        model_name="m",
        confidence=0.8,
    ).id
    canvas = open_canvas(qtbot, session, doc_id)
    item = canvas.region_item(rid)
    assert item is not None and item.pending and item.label().endswith("?")
    menu = canvas.build_context_menu(item)
    actions = {a.text(): a for a in menu.actions()}
    assert set(actions) >= {"Relabel", "Delete", "History…", "Accept pre-label"}
    with qtbot.waitSignal(canvas.historyRequested) as blocker:
        actions["History…"].trigger()
    assert blocker.args == [rid]
    actions["Accept pre-label"].trigger()
    assert region_service.get(project, rid).prelabel_state == "accepted"
    wait_drawn(qtbot, canvas, rid, lambda it: not it.pending)


# --- snap to text on a rotated page --------------------------------------------------------------


def test_snap_to_text_on_a_rotated_page_shrinks_to_the_words_displayed_box(
    qtbot, project, tmp_path
):
    import pymupdf

    pdf = make_pdf(tmp_path / "rotated.pdf", pages=1, rotation=90)
    (outcome,) = documents.import_paths(project, [pdf])
    doc = outcome.document_id
    with pymupdf.open(pdf) as d:
        page = d[0]
        words = [w for w in page.get_text("words") if w[4] in ("Hello", "world")]
        displayed = pymupdf.Rect()
        for w in words:
            displayed |= pymupdf.Rect(w[:4]) * page.rotation_matrix
        assert page.rect.width > page.rect.height  # the page really is shown rotated
    session = Session(project)
    try:
        canvas = open_canvas(qtbot, session, doc)
        canvas.set_current_class("text")
        canvas.set_snap(True)
        loose = (displayed.x0 - 12, displayed.y0 - 15, displayed.x1 + 12, displayed.y1 + 15)
        drag(
            qtbot,
            canvas,
            view_point(canvas, loose[0], loose[1]),
            view_point(canvas, loose[2], loose[3]),
        )
        (region,) = region_service.list_regions(project, doc, 0)
        assert region.box == pytest.approx(tuple(displayed), abs=0.05)
        assert region.text is not None and "Hello" in region.text
    finally:
        session.close()


# --- rendering --------------------------------------------------------------------------------


def hang_on_every_page(pdf_path: str, page: int, zoom: float) -> RenderedPage:
    """A file whose every page hangs the renderer."""
    time.sleep(120)
    return render_page(pdf_path, page, zoom)


def test_the_time_limit_holds_for_a_page_queued_behind_a_hanging_one(qtbot, project, doc_id):
    session = Session(project)
    session.renderer.close()
    session.renderer = RenderService(session, render=hang_on_every_page, timeout=4.0, workers=1)
    try:
        canvas = PageCanvas(session)
        qtbot.addWidget(canvas)
        canvas.resize(600, 800)
        canvas.show()
        canvas.show_page(doc_id, 0)
        qtbot.wait(500)
        start = time.monotonic()
        with qtbot.waitSignal(canvas.pageFailed, timeout=60000) as blocker:
            canvas.show_page(doc_id, 1)  # waits for the only worker, busy with page 1
        assert blocker.args[:2] == [doc_id, 1] and "timed out after 4 s" in blocker.args[2]
        assert time.monotonic() - start < 4.0 * 1.5  # its own limit, not page 1's plus its own
    finally:
        session.close()


def test_a_render_that_times_out_shows_the_page_as_failed_and_the_next_page_renders(
    qtbot, project, doc_id
):
    session = Session(project)
    session.renderer.close()
    session.renderer = RenderService(session, render=hang_on_first_page, timeout=8.0)
    try:
        canvas = PageCanvas(session)
        qtbot.addWidget(canvas)
        canvas.resize(600, 800)
        canvas.show()
        with qtbot.waitSignal(canvas.pageFailed, timeout=60000) as blocker:
            canvas.show_page(doc_id, 0)
        assert blocker.args[:2] == [doc_id, 0]
        assert "timed out after 8 s" in blocker.args[2]
        assert not canvas.is_ready() and "timed out" in (canvas.failure() or "")
        assert canvas._message.isVisible() and "could not be shown" in canvas._message.text()

        with qtbot.waitSignal(canvas.pageReady, timeout=60000):
            canvas.show_page(doc_id, 1)
        assert canvas.is_ready() and canvas.failure() is None
        assert not canvas._message.isVisible()
        image = canvas._page_item.image()
        assert image is not None and image.width() > 100
    finally:
        session.close()


def test_zoom_rerenders_sharper_and_regions_stay_in_points(qtbot, session, project, doc_id):
    rid = region_service.add_region(project, doc_id, 0, (100, 300, 300, 400), "table").id
    canvas = open_canvas(qtbot, session, doc_id)
    first = canvas._page_item.image()
    assert first is not None
    with qtbot.waitSignal(canvas.zoomChanged) as blocker:
        canvas.set_zoom(canvas.zoom() * 2)
    assert blocker.args[0] == pytest.approx(canvas.zoom())
    qtbot.waitUntil(
        lambda: (
            canvas._page_item.image() is not None
            and canvas._page_item.image().width() >= first.width() * 1.8
        ),
        timeout=30000,
    )
    item = canvas.region_item(rid)
    assert item is not None and tuple(item.box()) == pytest.approx((100, 300, 300, 400))
    top_left = canvas.mapToScene(canvas.page_to_view(100, 300))
    assert (top_left.x(), top_left.y()) == pytest.approx((100, 300), abs=1.0 / canvas.zoom())


def test_cropbox_page_uses_displayed_size_and_cursor_reports_points(qtbot, project, tmp_path):
    pdf = make_pdf(tmp_path / "crop.pdf", pages=1, cropbox=(50, 100, 450, 600))
    (outcome,) = documents.import_paths(project, [pdf])
    session = Session(project)
    try:
        canvas = open_canvas(qtbot, session, outcome.document_id)
        image = canvas._page_item.image()
        assert image is not None
        assert image.width() / image.height() == pytest.approx(400 / 500, rel=0.02)
        with qtbot.waitSignal(canvas.cursorMoved) as blocker:
            qtbot.mouseMove(canvas.viewport(), canvas.page_to_view(200, 250))
        assert blocker.args == pytest.approx([200, 250], abs=1.0 / canvas.zoom())
    finally:
        session.close()


def test_paging_through_the_155_page_corpus_document_never_freezes(qtbot, project, corpus):
    path = corpus / "mupdf--test-3820.pdf"
    if not path.is_file():
        pytest.skip("mupdf--test-3820.pdf is not in the corpus")
    (outcome,) = documents.import_paths(project, [path])
    assert outcome.status in ("imported", "present"), outcome.reason
    doc = outcome.document_id
    session = Session(project)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    try:
        canvas = open_canvas(qtbot, session, doc)
        last[0] = time.perf_counter()
        timer.start()
        settled = []
        for page in range(30):  # show each page and wait until drawn (or shown as failed)
            done: list[int] = []
            canvas.pageReady.connect(lambda d, p, done=done: done.append(p))
            canvas.pageFailed.connect(lambda d, p, r, done=done: done.append(p))
            canvas.show_page(doc, page)
            qtbot.waitUntil(lambda done=done, page=page: page in done, timeout=60000)
            settled.append(page)
        timer.stop()
        assert settled == list(range(30))
        assert gaps, "the timer never ticked: the event loop did not run"
        assert max(gaps) < 1.0, f"event loop blocked for {max(gaps):.2f} s"
    finally:
        timer.stop()
        session.close()


def test_grab_shows_the_page_with_its_regions_painted(
    qtbot, session, project, doc_id, tmp_path: Path
):
    region_service.add_region(project, doc_id, 0, (60, 80, 300, 120), "title")
    canvas = open_canvas(qtbot, session, doc_id)
    path = tmp_path / "canvas.png"
    assert canvas.grab().save(str(path))
    picture = canvas.grab().toImage()
    assert not picture.isNull()
    inside = canvas.page_to_view(180, 100)
    colour = picture.pixelColor(inside)
    assert colour.blue() > colour.red()  # the title's blue tint is painted over the page


def test_a_shown_pages_words_are_extracted_in_a_worker_before_the_first_box(
    qtbot, session: Session, doc_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aal_desktop.pdf import words as pdf_words
    from aal_desktop.services import text

    project = session.project
    assert not text.has_words(project, doc_id, 1)
    canvas = open_canvas(qtbot, session, doc_id, 1)
    qtbot.waitUntil(lambda: text.has_words(project, doc_id, 1), timeout=30000)
    doc = documents.resolve(project, doc_id)
    expected = pdf_words.page_words(str(project.pdf_path(doc.sha256)), 1)
    assert expected, "the test page has words"

    def no_extraction(*args: object, **kwargs: object) -> object:
        raise AssertionError("the edit extracted the words again, on the window's thread")

    monkeypatch.setattr(project, "pdf_call", no_extraction)
    first = expected[0]
    drag(
        qtbot,
        canvas,
        view_point(canvas, first.x0 - 2, first.y0 - 2),
        view_point(canvas, first.x1 + 2, first.y1 + 2),
    )
    (drawn,) = region_service.list_regions(project, doc_id, 1)
    assert drawn.text == first.text


def test_hovering_a_region_drawn_by_the_layer_shows_its_class_and_text(
    qtbot, session: Session, doc_id: int
) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    project = session.project
    r = region_service.add_region(project, doc_id, 0, (72, 90, 300, 140), "title")
    canvas = open_canvas(qtbot, session, doc_id)
    assert not canvas.region_item(r.id).isSelected()  # drawn by the layer, no item of its own
    vp = canvas.viewport()
    inside = view_point(canvas, 150, 120)
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, inside, vp.mapToGlobal(inside)))
    expected = f"Title (title)\n{r.text}" if r.text else "Title (title)"
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == expected, timeout=5000)
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=5000)
    outside = view_point(canvas, 400, 600)  # empty page: no tooltip
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, outside, vp.mapToGlobal(outside)))
    qtbot.wait(50)
    assert not QToolTip.isVisible()
