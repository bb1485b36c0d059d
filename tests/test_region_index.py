"""The canvas's grid index and group clamping, without Qt (hit-testing 10,000 regions)."""

from __future__ import annotations

from aal_desktop.core.geometry import Box
from aal_desktop.ui.canvas_tool import CanvasTool
from aal_desktop.ui.region_index import RegionIndex


def test_hits_prefer_the_box_under_the_point_then_the_smallest() -> None:
    index = RegionIndex()
    index.put("big", Box(0, 0, 500, 500))
    index.put("small", Box(100, 100, 120, 110))
    index.put("beside", Box(121, 100, 140, 110))
    assert index.at(110, 105, slack=2.0)[:2] == ["small", "big"]
    assert index.at(120.5, 105, slack=2.0) == ["big", "beside", "small"]  # in a gap: the box
    # the point is in, then the near ones by size
    assert index.at(130, 105, slack=2.0)[0] == "beside"  # contains beats a near neighbour
    index.put("small", Box(300, 300, 310, 310))  # moved
    assert "small" not in index.at(110, 105)
    assert index.at(305, 305)[0] == "small"
    index.remove("small")
    assert index.at(305, 305) == ["big"]


def test_rect_queries_over_a_dense_grid() -> None:
    index = RegionIndex()
    for k in range(10000):
        x, y = (k % 100) * 6.0, (k // 100) * 8.0
        index.put(str(k), Box(x, y, x + 5, y + 7))
    assert len(index) == 10000
    hits = index.in_rect(0, 0, 11, 15)  # touches 2 x 2 boxes
    assert hits == {"0", "1", "100", "101"}
    assert index.inside(0, 0, 11, 15) == {"0", "1", "100", "101"}
    assert index.inside(0, 0, 10, 14) == {"0"}


def test_a_group_dragged_past_the_edge_keeps_its_shape() -> None:
    tool = CanvasTool("text")
    tool.set_page(1, 0, 600, 800)
    moved = tool.group_clamped([("a", Box(-20, 100, 30, 150)), ("b", Box(40, 100, 90, 150))])
    assert moved == [("a", Box(0, 100, 50, 150)), ("b", Box(60, 100, 110, 150))]
    alone = tool.group_clamped([("a", Box(-20, 100, 30, 150))])
    assert alone == [("a", Box(0, 100, 50, 150))]
