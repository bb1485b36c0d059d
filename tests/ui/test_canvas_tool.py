"""The canvas's drawing/selection tool model: plain Python, decided without a display."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from aal_desktop.core.geometry import Box
from aal_desktop.ui.canvas_tool import MIN_DRAG_PX, CanvasTool, Clip, Press, is_drag, nudge_step

NO_QT = textwrap.dedent("""
    import sys

    class NoQt:
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken"):
                raise ImportError(f"Qt is not importable here: {name}")
            return None

    sys.meta_path.insert(0, NoQt())
    from aal_desktop.ui.canvas_tool import CanvasTool, Press
    tool = CanvasTool("text")
    tool.set_page(1, 0, 612.0, 792.0)
    assert tool.press((10, 10), (50, 60), left=True, middle=False, on_region=False,
                      force_draw=False, extend=False) is Press.draw
    box = tool.release_draw((200, 200), (300, 700))
    assert box is not None and (box.x0, box.y0, box.x1, box.y1) == (50, 60, 300, 700), box
    assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was imported"
    print("ok")
""")


def test_the_tool_model_imports_and_runs_with_qt_unimportable() -> None:
    out = subprocess.run(
        [sys.executable, "-c", NO_QT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def page_tool() -> CanvasTool:
    tool = CanvasTool("text")
    tool.set_page(7, 2, 612.0, 792.0)
    return tool


def test_a_press_on_empty_page_draws_and_a_click_draws_nothing() -> None:
    tool = page_tool()
    kw = dict(left=True, middle=False, on_region=False, force_draw=False, extend=False)
    assert tool.press((100, 100), (-20, 900), **kw) is Press.draw
    assert tool.draw_from == (0.0, 792.0)  # the start is kept on the page
    assert tool.gesture_in_progress
    assert tool.draft((30, 700)) == Box(0, 700, 30, 792)
    small = MIN_DRAG_PX - 1
    assert tool.release_draw((100 + small, 100), (40, 40)) is None  # a click: deselect
    assert not tool.gesture_in_progress and tool.draw_from is None


def test_press_kinds_pan_edit_rubber_band_and_ignore() -> None:
    tool = page_tool()
    base = dict(left=True, middle=False, on_region=False, force_draw=False, extend=False)
    assert tool.press((0, 0), (0, 0), **{**base, "left": False, "middle": True}) is Press.pan
    assert tool.pan_by((5, -3)) == (5, -3) and tool.pan_by((6, -3)) == (1, 0)
    tool.end_pan()
    tool.space_down = True
    assert tool.press((0, 0), (0, 0), **base) is Press.pan  # Space + drag pans
    tool.space_down = False
    tool.end_pan()
    assert tool.press((0, 0), (0, 0), **{**base, "on_region": True}) is Press.edit
    tool.cancel()
    assert (
        tool.press((0, 0), (0, 0), **{**base, "on_region": True, "force_draw": True}) is Press.draw
    )  # Alt draws over a region
    tool.cancel()
    assert tool.press((0, 0), (0, 0), **{**base, "extend": True}) is Press.rubber_band
    tool.end_rubber_band()
    assert not tool.rubber_band and not tool.gesture_in_progress
    assert tool.press((0, 0), (0, 0), **{**base, "left": False}) is Press.ignore
    nopage = CanvasTool("text")
    assert nopage.press((0, 0), (0, 0), **base) is Press.ignore


def test_a_move_is_one_set_of_clamped_moves_and_a_tiny_drag_is_put_back() -> None:
    tool = page_tool()
    kw = dict(left=True, middle=False, on_region=True, force_draw=False, extend=False)
    before = {"a": Box(10, 10, 50, 50), "b": Box(100, 100, 200, 200)}
    tool.press((0, 0), (0, 0), **kw)
    tool.begin_edit(before)
    now = {"a": Box(-5, 10, 35, 50), "b": Box(100, 100, 200, 200)}
    outcome = tool.release_edit((40, 0), now)
    assert outcome.moves == [("a", Box(0, 10, 40, 50))] and outcome.revert == {}
    tool.press((0, 0), (0, 0), **kw)
    tool.begin_edit(before)
    outcome = tool.release_edit((1, 1), {"a": Box(11, 10, 51, 50), "b": before["b"]})
    assert outcome.moves == [] and outcome.revert == before
    tool.press((0, 0), (0, 0), **kw)
    tool.begin_edit(before)
    assert tool.release_edit((50, 50), dict(before)).moves == []  # nothing changed


def test_paste_cascades_on_its_own_page_and_not_on_another() -> None:
    tool = page_tool()
    assert tool.paste_items() == []
    n = tool.copy([Clip(7, 2, Box(10, 10, 20, 20), "title", {"lang": "en"})])
    assert n == 1
    assert tool.paste_items() == [(Box(20, 20, 30, 30), "title", {"lang": "en"})]
    assert tool.paste_items() == [(Box(30, 30, 40, 40), "title", {"lang": "en"})]
    tool.set_page(7, 3, 612.0, 792.0)
    assert tool.paste_items() == [(Box(10, 10, 20, 20), "title", {"lang": "en"})]
    tool.set_page(7, 2, 612.0, 792.0)  # same document: the cascade goes on
    assert tool.paste_items()[0][0] == Box(40, 40, 50, 50)
    tool.set_page(8, 2, 612.0, 792.0)  # another document: it starts again
    assert tool.paste_count == 0


def test_nudges_stay_on_the_page_and_selection_is_announced_once() -> None:
    tool = page_tool()
    assert nudge_step(-1, 0, big=False) == (-1.0, 0.0)
    assert nudge_step(0, 1, big=True) == (0.0, 10.0)
    boxes = {"edge": Box(0, 5, 10, 15), "free": Box(50, 50, 60, 60)}
    assert tool.nudged(boxes, -1.0, 0.0) == [("free", Box(49, 50, 59, 60))]
    assert tool.selection_changed(["a"]) and not tool.selection_changed(["a"])
    assert tool.selection_changed([])
    tool.pending_selection = ["new"]
    assert tool.keep_selected(["old"]) == {"new"}
    assert tool.keep_selected(["old"]) == {"old"}
    assert is_drag((0, 0), (0, MIN_DRAG_PX)) and not is_drag((0, 0), (1, 1))


def test_a_group_shift_stops_at_the_page_edge_as_one() -> None:
    tool = CanvasTool("text")
    assert tool.group_shift(Box(100, 100, 200, 200), 30, -40) == (30, -40)  # no page: as asked
    tool.set_page(1, 0, 612.0, 792.0)
    group = Box(100, 100, 500, 700)  # the box around a selection
    assert tool.group_shift(group, 30, -40) == (30, -40)
    assert tool.group_shift(group, -150, 0) == (-100, 0)  # the left edge stops it
    assert tool.group_shift(group, 200, 200) == (112, 92)  # right and bottom edges
    assert tool.group_shift(Box(0, 0, 612, 792), 5, 5) == (0, 0)  # a full page cannot move
    assert tool.group_shift(None, 5, -5) == (5, -5)
