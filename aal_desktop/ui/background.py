"""Project work off the GUI thread: one call on a QThread with its own Project connection.

A long SQLite query on the window's connection freezes the window, and a connection belongs
to the thread that uses it; so a ProjectTask opens its own Project on the same database as
the same user, runs one function against it in a QThread, and hands the result back through
a queued signal. What the function committed was announced on the task's connection, which
has no listeners: those changes are replayed on the window's project afterwards, so the
window refreshes exactly as if the service had run there.
"""

from __future__ import annotations

import atexit
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QWidget

from ..services.project import Change, Project

_LIVE: set[ProjectTask] = set()  # running tasks outlive the dialog that started them


class _Worker(QObject):
    """Lives in the task's thread: opens the Project, runs the call, reports once."""

    done = Signal(object, object, object)  # result, list[Change], exception or None

    def __init__(self, db_path: Path, user: str, work: Callable[[Project], Any]) -> None:
        super().__init__()
        self.db_path, self.user, self.work = db_path, user, work

    @Slot()
    def run(self) -> None:
        changes: list[Change] = []
        result: Any = None
        error: BaseException | None = None
        try:
            with Project(self.db_path, self.user) as project:
                project.subscribe(changes.append)
                result = self.work(project)
        except Exception as exc:  # handed to the GUI thread, which shows it
            error = exc
        self.done.emit(result, changes, error)
        # stop this thread's loop now, not when the GUI thread gets to it: at exit the GUI
        # loop may never run again, and wait_all must not wait for it
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()


class ProjectTask(QObject):
    """`work(project)` on a QThread with its own Project; results arrive on the GUI thread.

    `succeeded(result)` or `failed(exception)` is emitted once the thread has stopped, then
    `finished()`. The task has no Qt parent and keeps itself alive while it runs, so closing
    the dialog that started it never destroys a running thread (the dialog just stops
    listening); a write that was started still completes and the window still hears of it.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, project: Project, work: Callable[[Project], Any]) -> None:
        super().__init__()
        self.project = project
        self.result: Any = None
        self.error: BaseException | None = None
        self.running = False
        self._thread = QThread()
        self._worker = _Worker(project.path, project.user, work)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.done.connect(self._on_done)  # queued: the worker is in the other thread

    def start(self) -> ProjectTask:
        _LIVE.add(self)
        self.running = True
        self._thread.start()
        return self

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the thread ends (results still arrive through the event loop)."""
        return self._thread.wait(msecs)

    @Slot(object, object, object)
    def _on_done(self, result: Any, changes: list[Change], error: BaseException | None) -> None:
        self._thread.quit()
        self._thread.wait()
        self.running = False
        _LIVE.discard(self)
        if error is None:
            for change in changes:
                try:
                    self.project.notify(change)
                except sqlite3.ProgrammingError:  # the window's project was closed meanwhile
                    break
            self.result = result
            self.succeeded.emit(result)
        else:
            self.error = error
            self.failed.emit(error)
        self.finished.emit()


def run_in_background(project: Project, work: Callable[[Project], Any],
                      on_success: Callable[[Any], None],
                      on_failure: Callable[[BaseException], None],
                      on_finished: Callable[[], None] | None = None) -> ProjectTask:
    """Start `work` on its own connection to `project`'s database; callbacks run on the GUI
    thread (success or failure first, then finished)."""
    task = ProjectTask(project, work)
    task.succeeded.connect(on_success)
    task.failed.connect(on_failure)
    if on_finished is not None:
        task.finished.connect(on_finished)
    return task.start()


def wait_all(msecs: int = 60_000) -> None:
    """Let running tasks end before the process does (a running QThread must not be
    destroyed)."""
    for task in list(_LIVE):
        task.wait(msecs)


atexit.register(wait_all)


def busy_bar(parent: QWidget | None = None) -> QProgressBar:
    """A small indeterminate bar shown while background work runs (hidden when idle)."""
    bar = QProgressBar(parent)
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumWidth(120)
    bar.setMaximumHeight(14)
    bar.setVisible(False)
    return bar
