"""One scene item that paints every unselected region of a page (and its tag).

A page with thousands of regions as thousands of QGraphicsItems costs tens of ms to show
and makes every drag crawl; here the regions are data (a dict and a RegionIndex) and one
item paints those in the exposed rect, grouped by look so each group is one drawRects call.
The selection is lifted out of the layer into per-region items (region_items.RegionItem)
that carry the handles and the drag; `hidden` names them so they are not painted twice.
"""

from __future__ import annotations

import math
from collections.abc import Container

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ..core.geometry import Box
from ..core.records import Outline
from .layer_raster import MAX_DIRTY, MIN_REGIONS, LayerRaster
from .region_index import RegionIndex
from .region_items import (
    FILL_ALPHA,
    MIN_TAG_BOX_PX,
    PENDING_FILL_ALPHA,
    PENDING_HATCH_ALPHA,
    PageScene,
    _tag_image,
    _tag_size,
    hatch_transform,
    tag_inside,
)

LAYER_Z = -1e6  # above the page image, below every lifted (selected) region item
DENSE_PAGE = 1000  # regions on a page from which outlines are drawn 1 px wide


class RegionEntry:
    """A region drawn by the layer: the same read API as a RegionItem (tests, panels)."""

    def __init__(self, outline: Outline, name: str, selected: bool = False) -> None:
        self.outline = outline
        self._name = name
        self._selected = selected  # one of a big selection (selection_layer.py)

    @property
    def region_id(self) -> str:
        return self.outline.id

    @property
    def pending(self) -> bool:
        return self.outline.pending

    def label(self) -> str:
        return f"{self._name} ?" if self.pending else self._name

    def box(self) -> Box:
        return self.outline.box

    def isSelected(self) -> bool:  # noqa: N802 - the QGraphicsItem spelling
        return self._selected


class LayerData:
    """One page's regions as the layer holds them: kept by the canvas across visits of the
    page (canvas_regions.PageCache) with the image they were last drawn into."""

    def __init__(self, regions: list[Outline], looks: dict[str, tuple[str, str]]) -> None:
        self.regions: dict[str, Outline] = {r.id: r for r in regions}
        self.looks = looks
        self.index: RegionIndex | None = None  # built on the first hit-test
        # what paint needs, kept per look: (colour, pending) -> {id: rect}
        self.groups: dict[tuple[str, bool], dict[str, QRectF]] = {}
        self.hidden: set[str] = set()
        self.raster = LayerRaster()
        self.tag_px = 0.0  # the widest tag on the page, in pixels (how far tags reach)
        self.regroup()

    def look(self, class_key: str) -> tuple[str, str]:
        return self.looks.get(class_key, ("#808080", class_key))

    def regroup(self) -> None:
        groups: dict[tuple[str, bool], dict[str, QRectF]] = {}
        by_class: dict[tuple[str, bool], dict[str, QRectF]] = {}
        for rid, _x0, _y0, _x1, _y1, key, pending in self.regions.values():
            members = by_class.get((key, pending))
            if members is None:
                group = (self.look(key)[0], pending)
                members = by_class[(key, pending)] = groups.setdefault(group, {})
            members[rid] = QRectF(_x0, _y0, _x1 - _x0, _y1 - _y0)
        self.groups = groups
        self.tag_px = max((self.tag_width(k, p) for k, p in by_class), default=0.0)
        self.raster.invalidate()

    def tag_width(self, class_key: str, pending: bool) -> float:
        name = self.look(class_key)[1]
        return _tag_size(f"{name} ?" if pending else name)[0]


class RegionLayer(QGraphicsItem):
    """Paints the regions in `regions` that are not `hidden`, looked up by `index`."""

    def __init__(self) -> None:
        super().__init__()
        self.page_data = LayerData([], {})
        self._pens: dict[tuple[str, bool], tuple[QPen, QBrush, QBrush | None]] = {}
        self._bounds = QRectF(-1e5, -1e5, 2e5, 2e5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(LAYER_Z)

    # --- data -----------------------------------------------------------------------------

    @property
    def regions(self) -> dict[str, Outline]:
        return self.page_data.regions

    @property
    def hidden(self) -> set[str]:
        """Read only: change it with set_hidden (the page's image is redrawn there)."""
        return self.page_data.hidden

    @property
    def looks(self) -> dict[str, tuple[str, str]]:
        return self.page_data.looks

    @property
    def _groups(self) -> dict[tuple[str, bool], dict[str, QRectF]]:
        return self.page_data.groups

    @property
    def index(self) -> RegionIndex:
        data = self.page_data
        if data.index is None:
            data.index = RegionIndex()
            for r in data.regions.values():
                data.index.put(r.id, r.box)
        return data.index

    def _group_key(self, r: Outline) -> tuple[str, bool]:
        return self.look(r.class_key)[0], r.pending

    def set_regions(self, regions: list[Outline], looks: dict[str, tuple[str, str]]) -> None:
        """A page's regions as read from the store (a new LayerData)."""
        self.adopt(LayerData(regions, looks), looks)

    def adopt(self, data: LayerData, looks: dict[str, tuple[str, str]]) -> None:
        """Show a page's LayerData (new, or kept from an earlier visit): nothing hidden."""
        self.page_data = data
        self._pens = {}  # their width depends on the count
        if data.looks != looks:
            data.looks = looks
            data.regroup()
        for rid in list(data.hidden):
            self.set_hidden(rid, False)
        self.update()

    def set_looks(self, looks: dict[str, tuple[str, str]]) -> None:
        self.page_data.looks = looks
        self._pens = {}
        self.page_data.regroup()
        self.update()

    def put(self, region: Outline) -> None:
        old = self.regions.get(region.id)
        if old is not None:
            self._groups.get(self._group_key(old), {}).pop(region.id, None)
        self.regions[region.id] = region
        data = self.page_data
        data.tag_px = max(data.tag_px, data.tag_width(region.class_key, region.pending))
        self._groups.setdefault(self._group_key(region), {})[region.id] = QRectF(
            region.x0, region.y0, region.x1 - region.x0, region.y1 - region.y0
        )
        if self.page_data.index is not None:
            self.page_data.index.put(region.id, region.box)
        if old is not None:
            self.update_box(old.box)
        self.update_box(region.box)

    def remove(self, rid: str) -> None:
        old = self.regions.pop(rid, None)
        if self.page_data.index is not None:
            self.page_data.index.remove(rid)
        self.hidden.discard(rid)
        if old is not None:
            self._groups.get(self._group_key(old), {}).pop(rid, None)
            self.update_box(old.box)

    def set_hidden(self, rid: str, hidden: bool) -> None:
        if hidden == (rid in self.hidden):
            return
        (self.hidden.add if hidden else self.hidden.discard)(rid)
        region = self.regions.get(rid)
        if region is not None:
            self.update_box(region.box)

    def set_hidden_many(self, ids: list[str], hidden: bool) -> None:
        """Hide (or show again) many regions at once: the page is drawn again once, not
        touched a box at a time (a big selection)."""
        change = [r for r in ids if (r in self.hidden) != hidden]
        if not change:
            return
        if len(change) <= MAX_DIRTY:
            for rid in change:
                self.set_hidden(rid, hidden)
            return
        (self.hidden.update if hidden else self.hidden.difference_update)(change)
        self.page_data.raster.invalidate()
        self.update()

    def update_box(self, box: Box) -> None:
        """Repaint a box with room for its tag and pen."""
        unit = self._unit()
        pad = 4 * unit
        tag_h = 20 * unit
        rect = QRectF(
            box.x0 - pad, box.y0 - tag_h - pad, box.width + 200 * unit + 2 * pad,
            box.height + tag_h + 2 * pad,
        )  # fmt: skip
        self.page_data.raster.touch(rect)
        self.update(rect)

    def look(self, class_key: str) -> tuple[str, str]:
        return self.page_data.look(class_key)

    def entry(self, rid: str, selected: bool = False) -> RegionEntry | None:
        region = self.regions.get(rid)
        if region is None:
            return None
        return RegionEntry(region, self.look(region.class_key)[1], selected)

    def region_at(self, x: float, y: float, slack: float, also: Container[str] = ()) -> str | None:
        """The region under a page point (smallest first) that the layer draws, or that is
        hidden but in `also` (drawn by the big selection's item), if any."""
        for rid in self.index.at(x, y, slack):
            if rid not in self.hidden or rid in also:
                return rid
        return None

    # --- painting -------------------------------------------------------------------------

    def _unit(self) -> float:
        scene = self.scene()
        return scene.unit if isinstance(scene, PageScene) else 1.0

    def boundingRect(self) -> QRectF:
        return self._bounds

    def _style(self, colour: str, pending: bool) -> tuple[QPen, QBrush, QBrush | None]:
        style = self._pens.get((colour, pending))
        if style is None:
            c = QColor(colour)
            # a dense page gets 1 px outlines: Qt strokes them on its fast path, half the
            # time of 1.5 px ones for 10,000 boxes (and thinner lines read better there)
            pen = QPen(c, 1.5 if len(self.regions) <= DENSE_PAGE else 1.0)
            pen.setCosmetic(True)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            fill = QColor(c)
            hatch: QBrush | None = None
            if pending:
                pen.setStyle(Qt.PenStyle.DashLine)
                fill.setAlpha(PENDING_FILL_ALPHA)
                h = QColor(c)
                h.setAlpha(PENDING_HATCH_ALPHA)
                hatch = QBrush(h, Qt.BrushStyle.BDiagPattern)
            else:
                fill.setAlpha(FILL_ALPHA)
            style = self._pens[(colour, pending)] = (pen, QBrush(fill), hatch)
        return style

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.regions:
            return
        exposed = option.exposedRect  # type: ignore[attr-defined]
        scene = self.scene()
        if (
            len(self.regions) >= MIN_REGIONS
            and isinstance(scene, PageScene)
            and self.page_data.raster.paint(painter, self._reach(scene), exposed, self._draw)
        ):
            return
        self._draw(painter, exposed)

    def _reach(self, scene: PageScene) -> QRectF:
        """Where the page's regions can paint: the scene rect, or beyond it where a tag
        sticks out past the page's margin."""
        u = scene.unit
        page = scene.page_rect
        tags = page.adjusted(-4 * u, -24 * u, (self.page_data.tag_px + 4) * u, 4 * u)
        return scene.sceneRect().united(tags)

    def _draw(self, painter: QPainter, exposed: QRectF) -> None:
        """Draw the regions (boxes, then tags) that show in `exposed` (scene points)."""
        unit = self._unit()
        tag_h = 20 * unit
        scene = self.scene()
        page = scene.page_rect if isinstance(scene, PageScene) else exposed
        whole = exposed.contains(page)  # the usual first paint: no index needed
        ids = (
            None
            if whole
            else self.index.in_rect(
                exposed.left() - 200 * unit,
                exposed.top() - 4 * unit,
                exposed.right() + 4 * unit,
                exposed.bottom() + tag_h,
            )
        )
        groups: dict[tuple[str, bool], list[QRectF]] = {}
        hidden = self.hidden
        for key, members in self._groups.items():
            if ids is None:
                rects = (
                    list(members.values())
                    if hidden.isdisjoint(members)
                    else [r for rid, r in members.items() if rid not in hidden]
                )
            else:
                rects = [r for rid, r in members.items() if rid in ids and rid not in hidden]
            if rects:
                groups[key] = rects
        min_w, min_h = MIN_TAG_BOX_PX[0] * unit, MIN_TAG_BOX_PX[1] * unit
        tags: list[tuple[Outline, str, bool]] = []
        for o in self.regions.values():  # plain floats: no Qt call per region
            if (
                o.x1 - o.x0 >= min_w
                and o.y1 - o.y0 >= min_h
                and o.id not in hidden
                and (ids is None or o.id in ids)
            ):
                tags.append((o, self.look(o.class_key)[0], o.pending))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        hatch_at = hatch_transform(painter)
        for (colour, pending), rects in groups.items():
            pen, fill, hatch = self._style(colour, pending)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRects(rects)
            if hatch is not None:  # the pattern in device pixels: visible at every zoom
                hatch.setTransform(hatch_at)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(hatch)
                painter.drawRects(rects)
        if not tags:
            return
        dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
        transform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        for r, colour, pending in tags:
            name = self.look(r.class_key)[1]
            text = f"{name} ?" if pending else name
            th = _tag_size(text)[1] * unit
            b = r.box
            top = b.y0 if (pending or tag_inside(b.y0, th)) else b.y0 - th
            origin = transform.map(QPointF(b.x0, top))
            painter.drawImage(
                # half up, not to even: the same pixel whatever whole-pixel offset the
                # painter has (the view, or the page's image in layer_raster)
                QPointF(math.floor(origin.x() + 0.5), math.floor(origin.y() + 0.5)),
                _tag_image(text, colour, pending, dpr),
            )
        painter.restore()
