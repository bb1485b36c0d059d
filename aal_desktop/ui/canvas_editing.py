"""The edits of the page canvas: each gesture's result as one undo command, and the menu.

Composed into the canvas view (page_canvas.py), not mixed in: CanvasEdits turns what the
tool model decided (canvas_tool.py) into commands. The canvas never writes to the database:
every edit is one QUndoCommand (ui/undo.py) pushed on the session's stack, and the items are
redrawn from what the services say happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QMenu

from ..core.errors import AalError
from ..core.geometry import Box
from ..services import regions as region_service
from . import undo
from .canvas_tool import CanvasTool, Clip
from .region_items import RegionItem
from .region_layer import RegionEntry

if TYPE_CHECKING:
    from .page_canvas import PageCanvas


class CanvasEdits:
    """Add, relabel, delete, accept, nudge, copy and paste the canvas's regions."""

    def __init__(self, canvas: PageCanvas, tool: CanvasTool) -> None:
        self.canvas = canvas
        self.session = canvas.session
        self.tool = tool
        self._nudge_from: dict[str, Box] | None = None  # arrow key held: boxes at its press

    def run(self, command: undo.RegionCommand) -> list[region_service.Edit]:
        """Push one command; a refusal is shown (editFailed) and the items are redrawn.
        The canvas is the initiator: it shows what the services returned, skips the echo."""
        command.initiator = self.canvas
        try:
            edits = undo.perform(self.session, command)
        except AalError as exc:
            self.canvas.editFailed.emit(str(exc))
            self.canvas.reload_regions()
            return []
        self.canvas.show_regions([e.after for e in edits])
        return edits

    def add_box(self, box: Box, class_key: str | None = None) -> str | None:
        """Add a region on the current page with the current class; returns its id."""
        current = self.canvas.current()
        if current is None:
            return None
        key = class_key or self.tool.current_class
        edits = self.run(
            undo.AddRegionsCommand(
                self.session, current[0], current[1], [(box, key, {})], snap=self.tool.snap
            )
        )
        if not edits:
            return None
        if self.tool.snap and not edits[0].after.text:
            self.canvas.message.emit(
                "Snap to text: no text under the box to snap to "
                "(an image-only page?); the box is kept as drawn."
            )
        self.canvas.show_regions([], select=[edits[0].after.id])
        return edits[0].after.id

    def relabel_selection(self, class_key: str) -> None:
        ids = self.canvas.selected_ids()
        if ids:
            self.run(undo.RelabelCommand(self.session, ids, class_key))

    def delete_selection(self) -> None:
        ids = self.canvas.selected_ids()
        if ids:
            self.run(undo.DeleteCommand(self.session, ids))

    def accept_selection(self) -> None:
        ids = [o.id for o in self.canvas.selected_outlines() if o.pending]
        if ids:
            self.run(undo.AcceptPrelabelsCommand(self.session, ids))

    def nudge_selection(self, dx: float, dy: float) -> None:
        """One nudge, written at once (the menu, or a single arrow press)."""
        self.hold_nudge(dx, dy)
        self.end_nudge()

    def hold_nudge(self, dx: float, dy: float) -> None:
        """An arrow press while the key is held: the boxes move on screen only; the gesture
        is written as one move on release (end_nudge): one event, one undo step. A big
        selection moves as one and stops at the page edge as one (as its drag does)."""
        if self.canvas.big.hold_nudge(dx, dy):
            return
        items = self.canvas.selected_items()
        if self._nudge_from is None:
            self._nudge_from = {i.region_id: i.region.box for i in items}
        now = {i.region_id: i.box() for i in items if i.region_id in self._nudge_from}
        for rid, box in self.tool.nudged(now, dx, dy):
            self.canvas.regions.items[rid].set_box(box)

    def end_nudge(self) -> None:
        if self.canvas.big.end_nudge():
            return
        start, self._nudge_from = self._nudge_from, None
        if not start:
            return
        items = self.canvas.regions.items
        moves = [
            (rid, items[rid].box().rounded())
            for rid, old in start.items()
            if rid in items and items[rid].box().rounded() != old
        ]
        if moves:
            self.run(undo.nudge(self.session, moves))

    def move(self, moves: list[tuple[str, Box]], resize: bool = False) -> None:
        """The end of a move or resize gesture: one command for every region that changed
        (a resize by the handles is recorded as region.resize)."""
        n = len(moves)
        label = f"Resize {n} region{'s' if n != 1 else ''}" if resize else None
        self.run(
            undo.MoveCommand(self.session, moves, snap=self.tool.snap, label=label, resize=resize)
        )

    def copy_selection(self) -> int:
        """Remember the selected regions for pasting (on this page or another)."""
        n = self.tool.copy(
            [
                Clip(r.document_id, r.page, r.box, r.class_key, dict(r.attrs))
                for r in self.canvas.regions.selected_regions()
            ]
        )
        self.canvas.clipboardChanged.emit(n > 0)
        return n

    def paste(self) -> list[str]:
        """Paste the copied regions (offsets: CanvasTool.paste_items)."""
        current = self.canvas.current()
        if current is None:
            return []
        items = self.tool.paste_items()
        if not items:
            return []
        edits = self.run(
            undo.AddRegionsCommand(self.session, current[0], current[1], items, snap=False)
        )
        ids = [e.after.id for e in edits]
        if ids:
            self.canvas.show_regions([], select=ids)
        return ids

    def context_menu(self, item: RegionItem | RegionEntry) -> QMenu:
        """The menu of a region: relabel, delete, history, accept pre-label."""
        canvas = self.canvas
        if not item.isSelected():
            canvas.select_regions([item.region_id])
        menu = QMenu(canvas)
        relabel = menu.addMenu("Relabel")
        for cls in self.session.schema.classes:
            if cls.deprecated:
                continue
            pix = QPixmap(12, 12)
            pix.fill(QColor(cls.color))
            text = f"{cls.name}\t{cls.hotkey}" if cls.hotkey else cls.name
            action = QAction(QIcon(pix), text, relabel)
            action.setData(cls.key)
            action.triggered.connect(lambda _=False, k=cls.key: self.relabel_selection(k))
            relabel.addAction(action)
        delete = menu.addAction("Delete")
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(self.delete_selection)
        history = menu.addAction("History…")
        history.setShortcut(QKeySequence("Ctrl+H"))
        history.triggered.connect(lambda: canvas.historyRequested.emit(item.region_id))
        accept = menu.addAction("Accept pre-label")
        accept.setEnabled(any(o.pending for o in canvas.selected_outlines()))
        accept.triggered.connect(self.accept_selection)
        return menu
