"""The regions of the shown page: one layer paints them all, the selection is lifted out.

Composed into the canvas view (page_canvas.py). Every region lives in the RegionLayer's
data as an Outline (box, class, pending: one tuple, read in one light query; one item for
the page, hit-tested by a grid index); a selected region is read in full and "lifted" into
its own RegionItem (handles, drag, resize) and hidden in the layer; when it is deselected
it drops back into the layer. So a page with 10,000 regions costs one item
plus the selection, and a drag repaints only the rect it touches. A selection of more than
BIG_SELECTION regions (Select all on a dense page) is not lifted: the layer hides those
regions and one SelectionLayer item paints them selected and moves them as one
(selection_layer.py).

The layer data of the last few pages shown is kept (PageCache) with the stamp of the
database it was read under (services.page_view.data_stamp): going back to a page nothing
has written to since shows it again without reading or drawing its regions anew.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from ..core.errors import AalError, NotFound
from ..core.records import Outline, Region
from ..services import page_view
from ..services import regions as region_service
from .region_items import RegionItem, region_tooltip
from .region_layer import LayerData, RegionEntry, RegionLayer
from .selection_layer import BIG_SELECTION, SelectionLayer

if TYPE_CHECKING:
    from .page_canvas import PageCanvas


PAGES_KEPT = 4  # pages whose layer data a canvas keeps for going back
IMAGES_KEPT = 2  # of those, the most recent whose drawn image (up to 16 MB each) is kept too


class PageCache:
    """The layer data of recently shown pages, each with the database stamp it was read
    under: valid only while the stamp is unchanged (nothing written since, anywhere)."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[int, int], tuple[tuple[int, int, int], LayerData]] = (
            OrderedDict()
        )

    def get(self, page: tuple[int, int], stamp: tuple[int, int, int]) -> LayerData | None:
        kept = self._pages.get(page)
        if kept is None or kept[0] != stamp:
            self._pages.pop(page, None)
            return None
        self._pages.move_to_end(page)
        self._trim()
        return kept[1]

    def put(self, page: tuple[int, int], stamp: tuple[int, int, int], data: LayerData) -> None:
        self._pages[page] = (stamp, data)
        self._pages.move_to_end(page)
        self._trim()

    def _trim(self) -> None:
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
        for _, data in list(self._pages.values())[:-IMAGES_KEPT]:
            data.raster.invalidate()

    def clear(self) -> None:
        self._pages.clear()


class CanvasRegions:
    """The page's regions (layer data) and the lifted, selectable items."""

    def __init__(self, canvas: PageCanvas) -> None:
        self.canvas = canvas
        self.scene = canvas.scene()
        self.layer = RegionLayer()
        self.scene.addItem(self.layer)
        self.items: dict[str, RegionItem] = {}  # lifted regions (the selection, mostly)
        self.bulk = SelectionLayer()  # a big selection, when there is one (else empty)
        self.scene.addItem(self.bulk)
        self._drop_pending = False
        self.pages = PageCache()

    # --- reads ------------------------------------------------------------------------------

    def looks(self) -> dict[str, tuple[str, str]]:
        return {c.key: (c.color, c.name) for c in self.canvas.session.schema.classes}

    def outlines(self) -> list[Outline]:
        return list(self.layer.regions.values())

    def has(self, rid: str) -> bool:
        return rid in self.layer.regions

    def item_or_entry(self, rid: str) -> RegionItem | RegionEntry | None:
        item = self.items.get(rid)
        return item if item is not None else self.layer.entry(rid, rid in self.bulk)

    def selected_items(self) -> list[RegionItem]:
        """The lifted selected items (none while the selection is a big one)."""
        return [i for i in self.items.values() if i.isSelected()]

    def selected_ids(self) -> list[str]:
        if self.bulk:
            return list(self.bulk.outlines)
        return [i.region_id for i in self.selected_items()]

    def selected_outlines(self) -> list[Outline]:
        if self.bulk:
            return list(self.bulk.outlines.values())
        return [i.region.outline() for i in self.selected_items()]

    def selected_regions(self) -> list[Region]:
        """The selected regions in full (a big selection is read from the store)."""
        if not self.bulk:
            return [i.region for i in self.selected_items()]
        read = region_service.get_many(self.canvas.session.project, list(self.bulk.outlines))
        return [read[r] for r in self.bulk.outlines if r in read]

    def tooltip(self, rid: str) -> str | None:
        """What hovering a region says (read in full), or None if it is gone."""
        try:
            region = region_service.get(self.canvas.session.project, rid)
        except AalError:  # gone, or the database is unreadable now: no tooltip
            return None
        return region_tooltip(region, self.layer.look(region.class_key)[1])

    def region_at(self, x: float, y: float, slack: float) -> str | None:
        """The region the layer or the big selection draws under a page point."""
        return self.layer.region_at(x, y, slack, self.bulk.outlines)

    # --- lifting ------------------------------------------------------------------------------

    def lift(self, rid: str, region: Region | None = None) -> RegionItem | None:
        """A region as its own item (to select, drag or resize it); `region`: its full
        state when the caller read it already."""
        item = self.items.get(rid)
        if item is not None:
            return item
        if rid not in self.layer.regions:
            return None
        if region is None:
            try:
                region = region_service.get(self.canvas.session.project, rid)
            except NotFound:  # gone since the page was read; its change notice follows
                return None
        colour, name = self.layer.look(region.class_key)
        item = RegionItem(region, colour, name)
        self.items[rid] = item
        self.scene.addItem(item)
        self.layer.set_hidden(rid, True)
        return item

    def drop(self, rid: str) -> None:
        item = self.items.pop(rid, None)
        if item is not None:
            self.scene.removeItem(item)
        self.layer.set_hidden(rid, False)

    def drop_unselected_later(self) -> None:
        """Deselected items go back into the layer once no gesture holds them."""
        if not self._drop_pending:
            self._drop_pending = True
            QTimer.singleShot(0, self._drop_unselected)

    def _drop_unselected(self) -> None:
        self._drop_pending = False
        if self.canvas.tool.gesture_in_progress:
            return  # the release schedules it again
        for rid in [r for r, i in self.items.items() if not i.isSelected()]:
            self.drop(rid)

    # --- updates -------------------------------------------------------------------------------

    def _remove_items(self) -> None:
        for item in self.items.values():
            self.scene.removeItem(item)
        self.items.clear()
        self.bulk.clear()

    def clear(self) -> None:
        self._remove_items()
        self.layer.set_regions([], self.looks())

    def load(self, regions: list[Outline], selected: set[str]) -> None:
        """The page's regions from the store: the layer is rebuilt, the selection lifted."""
        self._remove_items()
        self.layer.set_regions(regions, self.looks())
        self.select(selected)

    def load_page(self, document_id: int, page: int, selected: set[str], fresh: bool) -> None:
        """A page's regions: kept from an earlier visit if nothing was written since (and
        not `fresh`), else read from the store; then the selection lifted."""
        project = self.canvas.session.project
        stamp = page_view.data_stamp(project)  # before the read: a write after it shows
        key = (document_id, page)
        kept = None if fresh else self.pages.get(key, stamp)
        if kept is None:
            self.load(region_service.page_outlines(project, document_id, page), selected)
            self.pages.put(key, stamp, self.layer.page_data)
        else:
            self._remove_items()
            self.layer.adopt(kept, self.looks())
            self.select(selected)

    def put(self, region: Region) -> None:
        """A new state of one region of this page."""
        self.layer.put(region.outline())
        item = self.items.get(region.id)
        if item is not None and (item.region != region or item.box() != region.box):
            colour, name = self.layer.look(region.class_key)
            item.update_region(region, colour, name)

    def apply(self, regions: list[Region], document_id: int, page: int) -> None:
        """New states of some regions: those off this page (or deleted) leave it."""
        bulk = self.bulk.outlines
        touched = False
        for region in regions:
            touched = touched or region.id in bulk
            if region.deleted or region.document_id != document_id or region.page != page:
                self._remove(region.id)
            else:
                self.put(region)
        if touched:  # the big selection as it is now (a moved one: where it went)
            self._show_bulk([r for r in bulk if r in self.layer.regions])

    def remove(self, rid: str) -> None:
        self._remove(rid)
        if rid in self.bulk:
            self._show_bulk([r for r in self.bulk.outlines if r != rid])

    def _remove(self, rid: str) -> None:
        item = self.items.pop(rid, None)
        if item is not None:
            self.scene.removeItem(item)
        self.layer.remove(rid)

    def _show_bulk(self, ids: list[str]) -> None:
        regions = self.layer.regions
        self.bulk.set([regions[r] for r in ids], lambda key: self.layer.look(key)[0])

    def select(self, wanted: set[str]) -> None:
        """Exactly these regions selected (lifted, or a big selection); the rest back in
        the layer."""
        # on this page, in page order (only worth listing when it may be a big one)
        ids = [r for r in self.layer.regions if r in wanted] if len(wanted) > BIG_SELECTION else []
        if len(ids) > BIG_SELECTION:
            for rid in list(self.items):
                self.drop(rid)
            self.layer.set_hidden_many([r for r in self.bulk.outlines if r not in wanted], False)
            self.layer.set_hidden_many(ids, True)
            self._show_bulk(ids)
            return
        if self.bulk:
            self.layer.set_hidden_many(list(self.bulk.outlines), False)
            self.bulk.clear()
        for rid in [r for r in self.items if r not in wanted]:
            self.drop(rid)
        to_lift = [r for r in wanted if r not in self.items and r in self.layer.regions]
        # read together: one query a chunk, not one a region (Select all on a dense page)
        read = region_service.get_many(self.canvas.session.project, to_lift) if to_lift else {}
        for rid in wanted:
            item = self.lift(rid, read.get(rid))
            if item is not None:  # None: not on this page, or gone since it was read
                item.setSelected(True)

    def cycle(self, selected: list[str], forward: bool) -> str | None:
        """The region after (before) the selection in reading order, wrapping around."""
        order = sorted(self.layer.regions.values(), key=lambda r: (round(r.y0), r.x0, r.id))
        if not order:
            return None
        ids = [r.id for r in order]
        at = [ids.index(r) for r in selected if r in self.layer.regions]
        if not at:
            return ids[0] if forward else ids[-1]
        return ids[(max(at) + 1) % len(ids)] if forward else ids[(min(at) - 1) % len(ids)]

    def schema_changed(self) -> None:
        looks = self.looks()
        self.layer.set_looks(looks)
        if self.bulk:
            self._show_bulk(list(self.bulk.outlines))
        for item in self.items.values():
            colour, name = self.layer.look(item.region.class_key)
            item.update_region(item.region, colour, name)

    def unit_changed(self) -> None:
        for item in self.items.values():
            item.unit_changed()
        self.bulk.unit_changed()
        self.layer.update()
