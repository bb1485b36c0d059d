"""The window's actions as a table: typed specs in, QActions out, looked up by id.

Each action is described once (id, text, shortcut, handler, when it is enabled, who sees it);
`ActionRegistry.build` turns the table into QActions and `refresh` applies the rules, so the
window never keeps forty action attributes nor enables them one by one in several places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


class When(Enum):
    """When an action is enabled."""

    always = "always"
    document = "document"  # a document is open
    selection = "selection"  # at least one region is selected
    one_selected = "one_selected"  # exactly one region is selected
    managed = "managed"  # its owner enables it (undo/redo follow the undo stack)


@dataclass(frozen=True)
class UiState:
    """What `When` rules look at."""

    has_document: bool = False
    selected: int = 0
    is_lead: bool = False


@dataclass(frozen=True)
class ActionSpec:
    """One row of the table. `handler` takes the checked state when `checkable`."""

    id: str
    text: str
    handler: Callable[..., object]
    shortcut: str | tuple[str, ...] | None = None
    pixmap: QStyle.StandardPixmap | None = None
    tip: str | None = None
    checkable: bool = False
    enabled_when: When = When.always
    leads_only: bool = False
    group: str | None = None  # e.g. "dialogs", "prelabel": listed together by `group()`

    def shortcuts(self) -> list[QKeySequence]:
        keys = (self.shortcut,) if isinstance(self.shortcut, str) else (self.shortcut or ())
        return [QKeySequence(k) for k in keys]

    def enabled(self, state: UiState) -> bool:
        if self.enabled_when is When.document:
            return state.has_document
        if self.enabled_when is When.selection:
            return state.selected > 0
        if self.enabled_when is When.one_selected:
            return state.selected == 1
        return True


Guard = Callable[[Callable[[], object]], object]


class ActionRegistry:
    """The QActions of one window by id, with the spec each was built from."""

    def __init__(self) -> None:
        self._actions: dict[str, QAction] = {}
        self._specs: dict[str, ActionSpec] = {}

    def build(self, owner: QWidget, specs: list[ActionSpec], guard: Guard) -> None:
        """Make a QAction per spec on `owner` (so shortcuts work with the menu bar hidden);
        `guard` runs each handler so a service's refusal becomes a message."""
        for spec in specs:
            self.add(spec, self._make(owner, spec, guard))

    def add(self, spec: ActionSpec, action: QAction) -> QAction:
        """Register an action built elsewhere (undo/redo come from the undo stack)."""
        if spec.id in self._actions:
            raise ValueError(f"two actions with the id {spec.id!r}")
        self._actions[spec.id] = action
        self._specs[spec.id] = spec
        action.setObjectName(f"action-{spec.id}")
        return action

    @staticmethod
    def _make(owner: QWidget, spec: ActionSpec, guard: Guard) -> QAction:
        action = QAction(spec.text, owner)
        keys = spec.shortcuts()
        if keys:
            action.setShortcuts(keys)
        if spec.pixmap is not None:
            action.setIcon(owner.style().standardIcon(spec.pixmap))
        if spec.tip:
            first = keys[0].toString() if keys else ""
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip + (f" ({first})" if first else ""))
        action.setCheckable(spec.checkable)
        handler = spec.handler
        if spec.checkable:
            action.toggled.connect(lambda on: guard(lambda: handler(on)))
        else:
            action.triggered.connect(lambda _=False: guard(handler))
        owner.addAction(action)
        return action

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._actions

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def spec(self, action_id: str) -> ActionSpec:
        return self._specs[action_id]

    def group(self, name: str) -> dict[str, QAction]:
        """The actions of one group by id, in table order."""
        return {i: a for i, a in self._actions.items() if self._specs[i].group == name}

    def refresh(self, state: UiState) -> None:
        """Apply every spec's rules: enabled-when, and leads-only visibility."""
        for action_id, action in self._actions.items():
            spec = self._specs[action_id]
            if spec.enabled_when is not When.managed:
                action.setEnabled(spec.enabled(state))
            if spec.leads_only:
                action.setVisible(state.is_lead)
