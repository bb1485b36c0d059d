"""A selection of hundreds of regions (Select all on a dense page) is painted and moved by
one item, not lifted a region at a time: driven with real key presses and drags."""

from __future__ import annotations

import os
import uuid

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402

from aal_desktop.core.geometry import Box  # noqa: E402
from aal_desktop.core.records import Region  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services import schemas  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import events as event_log  # noqa: E402
from aal_desktop.store import regions as region_rows  # noqa: E402
from aal_desktop.store.db import transaction  # noqa: E402
from aal_desktop.store.events import now_iso  # noqa: E402
from aal_desktop.ui.page_canvas import PageCanvas  # noqa: E402
from aal_desktop.ui.selection_layer import BIG_SELECTION  # noqa: E402
from tests.ui.test_page_canvas import click, drag, open_canvas, view_point  # noqa: E402

CTRL = Qt.KeyboardModifier.ControlModifier
N = 600  # well above BIG_SELECTION


def grid(project: Project, doc_id: int) -> dict[str, Box]:
    """N boxes of 20 x 15 pt in a 20 x 30 grid from (100, 100); set-up only (no events)."""
    boxes = {}
    now = now_iso()
    version = schemas.current(project).version
    with transaction(project.db):
        for k in range(N):
            x, y = 100 + (k % 20) * 22, 100 + (k // 20) * 18
            r = Region(
                id=str(uuid.uuid4()),
                document_id=doc_id,
                page=0,
                box=Box(x, y, x + 20, y + 15),
                class_key=("text", "table")[k % 2],
                schema_version=version,
                annotator="t",
                created_by="t",
                created_at=now,
            )
            region_rows.insert(project.db, r)
            boxes[r.id] = r.box
    return boxes


def boxes_now(project: Project, doc_id: int) -> dict[str, Box]:
    return {r.id: r.box for r in region_service.list_regions(project, doc_id, 0)}


def centre(canvas: PageCanvas, box: Box) -> QPoint:
    return view_point(canvas, (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def moves_of(project: Project) -> list:
    return [e for e in event_log.list_events(project.db) if e.kind == "region.move"]


@pytest.fixture
def page(qtbot, session, project, doc_id):  # noqa: ANN001, ANN201
    boxes = grid(project, doc_id)
    canvas = open_canvas(qtbot, session, doc_id)
    return canvas, boxes


def test_select_all_is_painted_selected_by_one_item_with_nothing_lifted(
    qtbot, page, shots, project, doc_id
):
    canvas, boxes = page
    assert N > BIG_SELECTION
    first = next(iter(boxes.values()))
    p = centre(canvas, first)
    before = QColor(canvas.viewport().grab().toImage().pixel(p))
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    assert set(canvas.selected_ids()) == set(boxes)
    assert canvas.selected_items() == []  # no item per region
    assert canvas.regions.items == {}
    shot = canvas.viewport().grab()
    shot.save(str(shots / "big_selection.png"))
    after = QColor(shot.toImage().pixel(p))
    # the selected fill is stronger: the box's middle is darker than the unselected one's
    assert after.lightness() < before.lightness() - 10, (before.name(), after.name())
    # a key still reaches the selection: a class hotkey relabels every selected region
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    kinds = {r.class_key for r in region_service.list_regions(project, doc_id, 0)}
    assert kinds == {"page_footer"}
    canvas.session.undo_stack.undo()
    kinds = {r.class_key for r in region_service.list_regions(project, doc_id, 0)}
    assert kinds == {"text", "table"}


def test_dragging_a_big_selection_moves_every_box_in_one_undo_step(qtbot, page, project, doc_id):
    canvas, boxes = page
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    first = next(iter(boxes.values()))
    start = centre(canvas, first)
    end = start + QPoint(40, 30)
    drag(qtbot, canvas, start, end)
    d = canvas.mapToScene(end) - canvas.mapToScene(start)
    now = boxes_now(project, doc_id)
    for rid, b in boxes.items():
        assert now[rid] == pytest.approx(b.translated(d.x(), d.y()), abs=0.011)
    assert len(moves_of(project)) == N  # one event a region ...
    assert canvas.session.undo_stack.count() == 1  # ... in one undo step
    assert set(canvas.selected_ids()) == set(boxes)  # still selected, where they went
    assert canvas.regions.bulk.shift() == (0.0, 0.0)
    canvas.session.undo_stack.undo()
    assert boxes_now(project, doc_id) == boxes


def test_a_big_selection_dragged_off_the_page_stops_at_the_edge_as_one(
    qtbot, page, project, doc_id
):
    canvas, boxes = page
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    first = next(iter(boxes.values()))
    start = centre(canvas, first)
    drag(qtbot, canvas, start, view_point(canvas, -200, 50))  # far past the left edge
    now = boxes_now(project, doc_id)
    assert min(b.x0 for b in now.values()) == pytest.approx(0, abs=0.011)
    shift = now[next(iter(boxes))].x0 - first.x0
    for rid, b in boxes.items():  # the grid keeps its shape: every box moved the same
        assert now[rid].x0 - b.x0 == pytest.approx(shift, abs=0.011)
        assert now[rid].width == pytest.approx(b.width, abs=0.011)


def test_ctrl_click_takes_one_out_and_a_plain_click_selects_only_it(qtbot, page):
    canvas, boxes = page
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    rid, box = next(iter(boxes.items()))
    click(qtbot, canvas, centre(canvas, box), CTRL)
    assert set(canvas.selected_ids()) == set(boxes) - {rid}
    click(qtbot, canvas, centre(canvas, box), CTRL)
    assert set(canvas.selected_ids()) == set(boxes)
    other_id, other = list(boxes.items())[7]
    click(qtbot, canvas, centre(canvas, other))
    assert canvas.selected_ids() == [other_id]
    assert [i.region_id for i in canvas.selected_items()] == [other_id]  # lifted: handles
    assert not canvas.regions.bulk
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.selected_ids() == []
    assert not canvas.regions.layer.hidden  # every box drawn by the layer again


def test_a_held_arrow_moves_a_big_selection_as_one_gesture(qtbot, page, project, doc_id):
    canvas, boxes = page
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    for _ in range(3):
        qtbot.keyPress(canvas, Qt.Key.Key_Right)
    assert boxes_now(project, doc_id) == boxes  # nothing written while the key is held
    assert canvas.regions.bulk.shift() == (3.0, 0.0)
    qtbot.keyRelease(canvas, Qt.Key.Key_Right)
    now = boxes_now(project, doc_id)
    assert all(now[r] == b.translated(3, 0) for r, b in boxes.items())
    assert canvas.session.undo_stack.count() == 1
    assert canvas.session.undo_stack.undoText() == f"Nudge {N} regions"


def test_copy_and_paste_of_a_big_selection_adds_every_region_once(qtbot, page, project, doc_id):
    canvas, boxes = page
    qtbot.keyClick(canvas, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_C, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_V, CTRL)
    regions = region_service.list_regions(project, doc_id, 0)
    assert len(regions) == 2 * N
    pasted = {r.box for r in regions if r.id not in boxes}
    assert pasted == {b.translated(10, 10) for b in boxes.values()}
    assert set(canvas.selected_ids()) == {r.id for r in regions if r.id not in boxes}
