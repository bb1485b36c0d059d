"""The window's Team menu: my signing key, add a member (lead), Sync now, team status,
conflicts (lead).

Sync runs off the GUI thread (ui/jobs: its own Project connection), reports its
progress in the status bar, and ends with one line there: "Synced 12:04 · 3 applied ·
1 conflict". Install with `install_team_menu(window)` after the window built its menus.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QProgressBar

from ..core.errors import AalError
from ..core.team import SyncResult
from ..services.project import Project
from .jobs import Job, JobContext, busy_bar, run_job


def sync_message(result: SyncResult) -> str:
    at = datetime.fromisoformat(result.at).astimezone().strftime("%H:%M")
    parts = [f"Synced {at}"]
    if result.role == "member":
        parts.append(f"{result.pushed} pushed")
    parts.append(f"{result.applied} applied")
    parts.append(f"{result.conflicts} conflict{'s' if result.conflicts != 1 else ''}")
    if result.refused:
        parts.append(f"{result.refused} refused")
    return " · ".join(parts)


class _Progress(QObject):
    """Emitted from the sync's thread; Qt queues it to the window's thread."""

    step = Signal(str)


class TeamMenu(QObject):
    """The Team menu's actions and the one sync that may run at a time."""

    synced = Signal(object)  # SyncResult
    syncFailed = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.task: Job | None = None
        self.last_message = ""
        bar = window.menuBar()
        self.menu = QMenu("&Team", window)
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)  # Team before Help, as menus usually go
        else:
            bar.addMenu(self.menu)
        self.menu.setObjectName("team-menu")
        self.key_action = self._action("My signing &key…", self.show_key)
        self.add_action = self._action("&Add member…", self.add_member)
        self.sync_action = self._action("&Sync now", self.sync_now, "Ctrl+Shift+Y")
        self.status_action = self._action("Team s&tatus…", self.show_status)
        self.conflicts_action = self._action("&Conflicts…", self.show_conflicts)
        self.menu.aboutToShow.connect(self.refresh)
        self.progress: QProgressBar = busy_bar(window)
        window.statusBar().addPermanentWidget(self.progress)
        self._progress = _Progress()
        self._progress.step.connect(self._on_step)
        self.refresh()

    def _action(self, text: str, slot: Any, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    @property
    def project(self) -> Project:
        return self.window.session.project  # type: ignore[attr-defined]

    def refresh(self) -> None:
        self.add_action.setEnabled(self.project.is_lead)
        self.conflicts_action.setEnabled(self.project.is_lead)
        self.sync_action.setEnabled(self.task is None)

    def _message(self, text: str) -> None:
        self.last_message = text
        self.window.statusBar().showMessage(text, 15000)

    def _error(self, text: str) -> None:
        shower = getattr(self.window, "show_error", None)
        if shower is not None:
            shower(text)
        else:
            self._message(text)

    # --- actions -----------------------------------------------------------------------

    def show_key(self) -> Any:
        from .dialogs.team_dialogs import KeyDialog

        try:
            dialog = KeyDialog(self.window)
        except AalError as exc:
            self._error(str(exc))
            return None
        dialog.open()
        return dialog

    def add_member(self) -> Any:
        from .dialogs.team_dialogs import AddMemberDialog

        dialog = AddMemberDialog(self.project, self.window)
        dialog.accepted.connect(
            lambda: self._message(
                f"Added {dialog.name.text().strip()}: published to the team by the next sync"
            )
        )
        dialog.open()
        return dialog

    def show_status(self) -> Any:
        from ..services import team_setup
        from .dialogs.team_dialogs import TeamStatusDialog

        try:
            status = team_setup.status(self.project)
        except AalError as exc:
            self._error(str(exc))
            return None
        dialog = TeamStatusDialog(status, self.window)
        dialog.open()
        return dialog

    def show_conflicts(self) -> Any:
        from .dialogs.team_dialogs import ConflictsDialog

        dialog = ConflictsDialog(self.project, self.window)
        dialog.open()
        return dialog

    def sync_now(self) -> Job | None:
        """Start a sync on its own connection; the window stays usable meanwhile."""
        if self.task is not None:
            return self.task
        # here, on the window's thread before the job starts: the window opens without the
        # sync code, and the job's thread never imports
        from ..services import team_sync

        progress = self._progress

        def work(context: JobContext) -> SyncResult:
            return team_sync.sync(context.project, progress.step.emit)

        self.progress.setVisible(True)
        self._message("Syncing with the team…")
        self.task = run_job(self.project, work, self._on_done, self._on_failed, self._on_finished)
        self.refresh()
        return self.task

    def _on_step(self, text: str) -> None:
        if self.task is not None:
            self._message(f"Syncing with the team: {text}…")

    def _on_done(self, result: SyncResult) -> None:
        self._message(sync_message(result))
        if result.refusals:
            self._error("\n".join(result.refusals))
        self.synced.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        text = str(error) if isinstance(error, AalError) else f"sync failed: {error}"
        self._error(text)
        self.syncFailed.emit(text)

    def _on_finished(self) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.refresh()


def install_team_menu(window: QMainWindow) -> TeamMenu:
    """Add the Team menu to a built main window (MainWindow.__init__ calls it; again: the
    same menu)."""
    existing = getattr(window, "team_menu", None)
    if isinstance(existing, TeamMenu):
        return existing
    menu = TeamMenu(window)
    window.team_menu = menu  # type: ignore[attr-defined]
    return menu
