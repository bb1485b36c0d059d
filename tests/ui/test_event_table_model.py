"""The review table model: cells from light rows, full events only when asked for."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from aal_desktop.core.records import Event
from aal_desktop.services import audit, review
from aal_desktop.services.project import Project
from aal_desktop.store.events import EventFilter
from aal_desktop.ui.event_table_model import COLUMNS, EVENT_ID_ROLE, EVENT_ROLE, EventTableModel

from ..test_review import Day

DISPLAY = Qt.ItemDataRole.DisplayRole


def _class(snapshot: Any) -> str:
    return str(snapshot.get("class_key") or "") if isinstance(snapshot, dict) else ""


def expected_cells(e: Event) -> list[str]:
    """What each column showed when the table was built from full Event records."""
    return [
        str(e.id),
        e.at[:19].replace("T", " "),
        e.user,
        e.kind.removeprefix("region."),
        e.change_type.value if e.change_type else "",
        "" if e.document_id is None else str(e.document_id),
        "" if e.page is None else str(e.page + 1),
        _class(e.original),
        _class(e.new),
        e.reason or "",
        e.review or "pending",
    ]


def test_cells_show_what_the_events_say(project: Project, day: Day, qtbot: QtBot) -> None:
    review.accept(project, day.events["ann2_relabel_r4"])
    model = EventTableModel(project, page_size=4)
    full = review.query_events(project)
    assert model.total() == len(full) and len(full) > 8
    model.fetch_to(len(full) - 1)
    shown = [
        [model.data(model.index(r, c), DISPLAY) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert shown == [expected_cells(e) for e in full]
    assert "accepted" in {row[10] for row in shown} and "pending" in {row[10] for row in shown}
    assert model.event_pages_read == 0  # painting never built an Event
    row = model.row_of(day.events["ann2_relabel_r4"])
    assert row is not None
    assert model.data(model.index(row, 0), EVENT_ID_ROLE) == day.events["ann2_relabel_r4"]
    event = model.data(model.index(row, 0), EVENT_ROLE)
    assert event == audit.get_event(project, day.events["ann2_relabel_r4"])
    tip = model.data(model.index(row, 3), Qt.ItemDataRole.ToolTipRole)
    assert tip == "class picture\n→ class table\nwhy: has a grid"
    review_col = [k for _, k in COLUMNS].index("review")
    brush = model.data(model.index(row, review_col), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#2e7d32"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is None


def test_index_is_valid_only_inside_the_rows_shown(project: Project, day: Day) -> None:
    model = EventTableModel(project)
    rows, cols = model.rowCount(), model.columnCount()
    assert rows == len(day.events) and cols == len(COLUMNS)
    assert model.index(rows - 1, cols - 1).isValid()
    for r, c in ((rows, 0), (0, cols), (-1, 0), (0, -1)):
        assert not model.index(r, c).isValid()
        assert model.data(model.index(r, c), DISPLAY) is None
    assert not model.index(0, 0, model.index(0, 0)).isValid()  # a table has no children
    assert model.data(QModelIndex(), DISPLAY) is None


def test_event_at_reads_a_page_of_events_once(project: Project, day: Day) -> None:
    model = EventTableModel(project, page_size=5)
    first = [model.event_at(r) for r in range(5)]
    assert [e.id for e in first if e] == [e.id for e in review.query_events(project, limit=5)]
    assert model.event_pages_read == 1 and model.pages_read == 1
    assert model.event_at(6) is None  # not a row yet: the table has grown by one page
    model.fetch_to(6)
    assert model.event_at(6) is not None and model.event_pages_read == 2
    assert model.event_at(model.rowCount()) is None


def test_event_at_follows_the_row_shown_when_the_log_changed_behind_it(
    project: Project, day: Day
) -> None:
    """Accepting elsewhere (another window, `aal review`) shifts the pending queue; until
    the model refreshes, the row still means the event it shows."""
    model = EventTableModel(project, EventFilter(review="pending"))
    shown = [model.data(model.index(r, 0), DISPLAY) for r in range(3)]
    review.accept(project, int(shown[0]))  # not through the model: no refresh
    events = [model.event_at(r) for r in range(3)]
    assert [str(e.id) for e in events if e] == shown
    assert events[0] is not None and events[0].review == "accepted"
    model.refresh()
    assert model.data(model.index(0, 0), DISPLAY) == shown[1]
