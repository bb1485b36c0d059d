"""The review window driven like a lead: filter, look, press A / R, batch accept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from aal_desktop.services import audit, regions, review
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log
from aal_desktop.store.db import transaction
from aal_desktop.store.events import EventFilter
from aal_desktop.ui.event_table_model import EventTableModel
from aal_desktop.ui.review_view import ReviewWindow
from aal_desktop.ui.session import Session

from ..test_review import Day


@pytest.fixture
def window(day: Day, session: Session, qtbot: QtBot) -> ReviewWindow:
    """The review window over the day's edits (made before the session opens)."""
    w = ReviewWindow(session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def shown_ids(w: ReviewWindow) -> list[int]:
    return [w.model.event_at(r).id for r in range(w.model.rowCount())]  # type: ignore[union-attr]


def test_filters_choose_exactly_the_matching_events(window: ReviewWindow, day: Day) -> None:
    E = day.events
    assert window.model.filter().review == "pending"  # a lead starts on the queue
    assert window.model.total() == len(E)
    window.filters.set_values(user="ann1", kind="region.relabel")
    assert shown_ids(window) == [E["ann1_relabel_r1"], E["ann1_relabel_r2"]]
    window.filters.set_values(user=None, kind=None, class_before="table", class_after="picture")
    assert shown_ids(window) == [E["ann2_relabel_r3"], E["ann3_relabel_r4"]]
    window.filters.set_values(class_before=None, class_after=None, document=day.doc_b)
    assert shown_ids(window) == [E["create_r5"], E["ann3_move_r5"], E["ann3_relabel_r5"]]
    window.filters.set_values(document=None, change_type="additive")
    assert shown_ids(window) == sorted(E[f"create_r{i}"] for i in range(1, 6))
    window.filters.clear()
    assert window.model.total() == len(E)
    # dates: today (UTC) holds the whole day of work; tomorrow nothing
    window.filters.use_since.setChecked(True)
    assert window.model.total() == len(E)
    window.filters.since.setDate(window.filters.since.date().addDays(1))
    assert window.model.total() == 0


def test_clicking_a_column_header_sorts_through_the_database(
    window: ReviewWindow, qtbot: QtBot
) -> None:
    window.filters.set_values(kind="region.relabel")
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(8) + 5  # "Class after"
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.viewport().rect().center().__class__(x, 5),
    )
    after = [
        window.model.event_at(r).new["class_key"]  # type: ignore[union-attr]
        for r in range(window.model.rowCount())
    ]
    assert window.model.order()[0] == "class_after"
    assert after == sorted(after) or after == sorted(after, reverse=True)
    assert len(set(after)) > 1


def test_select_a_row_and_press_a_accepts_it_and_moves_on(
    window: ReviewWindow, day: Day, qtbot: QtBot
) -> None:
    window.filters.set_values(user="ann1", kind="region.relabel", review=None)
    first, second = day.events["ann1_relabel_r1"], day.events["ann1_relabel_r2"]
    rect = window.table.visualRect(window.model.index(0, 2))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window._current is not None and window._current.id == first
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert audit.get_event(window.project, first).review == "accepted"
    assert audit.get_event(window.project, second).review == "pending"
    assert window.current_row() == 1 and window._current.id == second
    assert "accepted event" in window.status.text()
    assert window.model.event_at(0).review == "accepted"  # type: ignore[union-attr]


def test_press_r_type_a_reason_and_the_change_is_reverted(
    window: ReviewWindow, day: Day, qtbot: QtBot
) -> None:
    window.filters.set_values(user="ann2", kind="region.relabel")
    ev = day.events["ann2_relabel_r3"]
    assert shown_ids(window) == [day.events["ann2_relabel_r4"], ev]
    window.select_row(1)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    dialog = window.revert_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason, "a data table, not a chart")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert regions.get(window.project, day.regions["r3"]).class_key == "table"
    decision = review.latest_decision(window.project, ev)
    assert decision is not None and decision.decision == "reverted"
    assert audit.get_event(window.project, decision.revert_event_id).reason == (  # type: ignore[arg-type]
        "a data table, not a chart"
    )
    # the pending queue no longer lists it
    qtbot.waitUntil(lambda: shown_ids(window) == [day.events["ann2_relabel_r4"]])


def test_a_revert_that_would_drop_later_work_is_refused_on_screen(
    window: ReviewWindow, day: Day, qtbot: QtBot
) -> None:
    window.filters.set_values(user="ann2", kind="region.relabel")
    window.select_row(0)  # ann2's relabel of r4, relabelled again by ann3
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert window.revert_dialog is None
    assert "changed again after" in window.status.text()


def test_selected_change_is_drawn_on_its_page_with_both_boxes(
    window: ReviewWindow, day: Day, qtbot: QtBot, shots: Path
) -> None:
    window.filters.set_values(user="ann1", kind=None, review=None)
    rows = shown_ids(window)
    window.select_row(rows.index(day.events["ann1_move_r3"]))
    window.select_row(rows.index(day.events["ann1_relabel_r1"]))
    view = window.page_view
    assert view.labels == ["before: text", "after: title"]
    qtbot.waitUntil(view.has_image, timeout=30_000)
    assert "it is the title" in window.reason.text()
    history = window.history
    assert [history.item(r, 0).text() for r in range(history.rowCount())] == [
        str(day.events["create_r1"]),
        str(day.events["ann1_relabel_r1"]),
        str(day.events["ann3_delete_r1"]),
    ]
    assert history.row_texts(1)[4:7] == ["class text", "class title", "it is the title"]
    image = window.grab()
    assert image.save(str(shots / "review.png"))
    # the page image is on screen: the view is mostly white paper, not the grey background
    shot = view.grab().toImage()
    centre = shot.pixelColor(shot.width() // 2, shot.height() // 2)
    assert centre.lightness() > 200


def test_batch_accept_of_the_filtered_changes_asks_first(
    window: ReviewWindow, day: Day, qtbot: QtBot
) -> None:
    window.filters.set_values(user="ann3")
    qtbot.mouseClick(window.accept_all_button, Qt.MouseButton.LeftButton)
    box = window.confirm_box
    assert box is not None and "Accept all 5 pending changes" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert review.count_events(window.project, EventFilter(review="accepted")) == 0
    qtbot.mouseClick(window.accept_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        window.confirm_box.button(QMessageBox.StandardButton.Yes),  # type: ignore[union-attr]
        Qt.MouseButton.LeftButton,
    )
    assert review.count_events(window.project, EventFilter(review="accepted")) == 5
    assert review.count_events(window.project, EventFilter(user="ann3", review="pending")) == 0
    assert window.model.total() == 0


def test_annotators_browse_but_cannot_decide(project: Project, day: Day, qtbot: QtBot) -> None:
    project.switch_user("ann1")
    s = Session(project)
    try:
        w = ReviewWindow(s)
        qtbot.addWidget(w)
        w.show()
        assert w.model.filter().review is None
        for b in (w.accept_button, w.revert_button, w.accept_all_button):
            assert not b.isVisible()
        w.select_row(0)
        qtbot.keyClick(w.table, Qt.Key.Key_A)
        qtbot.keyClick(w.table, Qt.Key.Key_R)
        assert w.revert_dialog is None
        assert project.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
        assert "Only leads review" in w.status.text()
    finally:
        s.close()


def test_done_when_in_the_window(window: ReviewWindow, day: Day, qtbot: QtBot) -> None:
    """Filter to ann3's relabels, see each on the page, revert two with reasons, accept rest."""
    window.filters.set_values(user="ann3", kind="region.relabel")
    assert window.model.total() == 2
    for reason in ("a picture, not a caption", "plain text"):
        window.select_row(0)
        assert window.page_view.labels[0].startswith("before: ")
        qtbot.keyClick(window.table, Qt.Key.Key_R)
        qtbot.keyClicks(window.revert_dialog.reason, reason)  # type: ignore[union-attr]
        qtbot.keyClick(window.revert_dialog.reason, Qt.Key.Key_Return)  # type: ignore[union-attr]
        qtbot.waitUntil(
            lambda r=reason: r in window.status.text() or "reverted" in window.status.text()
        )
    assert window.model.total() == 0
    window.filters.set_values(kind=None)
    qtbot.mouseClick(window.accept_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        window.confirm_box.button(QMessageBox.StandardButton.Yes),  # type: ignore[union-attr]
        Qt.MouseButton.LeftButton,
    )
    assert review.count_events(window.project, EventFilter(user="ann3", review="reverted")) == 2
    assert review.count_events(window.project, EventFilter(user="ann3", review="accepted")) == 3
    assert audit.verify(window.project).ok


def add_many_events(project: Project, n: int) -> None:
    """n region events in one transaction, straight into the log (fast fixture)."""
    users = ("ann1", "ann2", "ann3")
    classes = ("text", "title", "table", "picture")
    with transaction(project.db):
        for i in range(n):
            before = {"class_key": classes[i % 4], "box": [10, 10, 50, 50]}
            after = {"class_key": classes[(i + 1) % 4], "box": [10, 10, 50, 50]}
            event_log.append(
                project.db,
                event_log.NewEvent(
                    kind="region.relabel",
                    user=users[i % 3],
                    change_type="corrective",
                    region_id=f"r{i % 5000}",
                    document_id=1,
                    page=0,
                    original=before,
                    new=after,
                ),
            )


def test_table_with_100k_events_loads_its_first_page_only(project: Project, qtbot: QtBot) -> None:
    add_many_events(project, 100_000)  # speed is measured in benchmarks/bench_review.py
    model = EventTableModel(project)
    total = model.total()
    assert total == 100_000
    assert model.rowCount() < total and model.rowCount() == model.page_size
    assert model.event_at(0).id == 1  # type: ignore[union-attr]
    assert model.pages_read == 1
    assert model.canFetchMore()
    model.fetch_to(50_000)  # jump to the middle: rows exist, only that page is read
    assert model.rowCount() == 50_500 and model.pages_read == 1
    assert model.event_at(50_000).id == 50_001  # type: ignore[union-attr]
    assert model.pages_read == 2 and model.loaded_pages() == [0, 100]
    model.fetchMore()
    assert model.rowCount() == 51_000
    model.set_filter(EventFilter(user="ann2", class_after="table"))
    assert model.total() == sum(1 for i in range(100_000) if i % 3 == 1 and (i + 1) % 4 == 2)
    assert model.rowCount() == 500
    assert all(
        e.user == "ann2" and e.new["class_key"] == "table"  # type: ignore[union-attr]
        for e in (model.event_at(r) for r in range(500))
    )
