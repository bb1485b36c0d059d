"""The one way a dialog runs long work: a function on a QThread with its OWN project connection.

A long SQLite query on the window's connection freezes the window, and a connection belongs
to the thread that uses it; so a Job opens its own `Project(path, user)` on the same database,
hands the function a JobContext (that project, a progress reporter and the cancel flag), closes
the project afterwards and reports back on the GUI thread through queued signals. What the
function committed was announced on the job's connection, which has no listeners: those
changes are replayed on the window's project afterwards, so the window refreshes exactly as if
the service had run there. Every dialog with long work (import, pre-label, release, dry runs,
audit, versions) uses this helper.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QWidget

from ..services.project import Change, Project

_LIVE: set[Job] = set()  # running jobs outlive the dialog that started them


@dataclass
class JobContext:
    """What a job's function gets: its own project, a progress reporter, the cancel flag."""

    project: Project
    report: Callable[[int, int, str], None]
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Tell the dialog how far the work is (delivered on the GUI thread)."""
        self.report(done, total, message)

    def cancelled(self) -> bool:
        """True once the dialog asked the job to stop (the function decides where to stop)."""
        return self.cancel_event.is_set()


class _Worker(QObject):
    """Lives in the job's thread: opens the Project, runs the function, reports once."""

    progressed = Signal(int, int, str)
    done = Signal(object, object, object)  # result, list[Change], exception or None

    def __init__(
        self,
        db_path: Path,
        user: str,
        work: Callable[[JobContext], Any],
        cancel_event: threading.Event,
    ) -> None:
        super().__init__()
        self.db_path, self.user, self.work = db_path, user, work
        self.cancel_event = cancel_event

    @Slot()
    def run(self) -> None:
        changes: list[Change] = []
        result: Any = None
        error: BaseException | None = None
        try:
            with Project(self.db_path, self.user) as project:
                project.subscribe(changes.append)
                context = JobContext(project, self.progressed.emit, self.cancel_event)
                result = self.work(context)
        except Exception as exc:  # handed to the GUI thread, which shows it
            error = exc
        self.done.emit(result, changes, error)
        # stop this thread's loop now, not when the GUI thread gets to it: at exit the GUI
        # loop may never run again, and wait_all must not wait for it
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()


class Job(QObject):
    """`work(context)` on a QThread with its own Project; reports arrive on the GUI thread.

    `progressed(done, total, message)` while it runs; `succeeded(result)` or `failed(error)`
    once the thread has stopped, then `finished()`. The job has no Qt parent and keeps itself
    alive while it runs, so closing the dialog that started it never destroys a running
    thread (the dialog just stops listening); a write that was started still completes and the
    window still hears of it.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(
        self,
        project: Project,
        work: Callable[[JobContext], Any],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.project = project
        self.result: Any = None
        self.error: BaseException | None = None
        self.running = False
        self._on_cancel = on_cancel
        self._cancel_event = threading.Event()
        self._thread = QThread()
        self._worker = _Worker(project.path, project.user, work, self._cancel_event)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)  # queued: another thread
        self._worker.done.connect(self._on_done)

    def start(self) -> Job:
        _LIVE.add(self)
        self.running = True
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the function to stop (it polls `context.cancelled()`); `on_cancel` runs at once,
        e.g. to abort a worker process the function is waiting on."""
        self._cancel_event.set()
        if self._on_cancel is not None:
            self._on_cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_event.is_set()

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the thread ends (results still arrive through the event loop)."""
        return self._thread.wait(msecs)

    @Slot(object, object, object)
    def _on_done(self, result: Any, changes: list[Change], error: BaseException | None) -> None:
        self._thread.quit()
        self._thread.wait()
        self.running = False
        _LIVE.discard(self)
        for change in changes:  # what was committed, even by a job that failed later
            self.project.notify(change)  # a no-op once the window's project is closed
        if error is None:
            self.result = result
            self.succeeded.emit(result)
        else:
            self.error = error
            self.failed.emit(error)
        self.finished.emit()


def run_job(
    project: Project,
    work: Callable[[JobContext], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    on_finished: Callable[[], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
) -> Job:
    """Start `work` on its own connection to `project`'s database; callbacks run on the GUI
    thread (progress while it runs, then success or failure, then finished)."""
    job = Job(project, work, on_cancel)
    if on_progress is not None:
        job.progressed.connect(on_progress)
    job.succeeded.connect(on_success)
    job.failed.connect(on_failure)
    if on_finished is not None:
        job.finished.connect(on_finished)
    return job.start()


def wait_all(msecs: int = 60_000) -> None:
    """Let running jobs end before the process does (a running QThread must not be
    destroyed)."""
    for job in list(_LIVE):
        job.wait(msecs)


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
