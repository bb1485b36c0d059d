"""Worker processes whose replies the GUI thread's event loop reads: no thread in between.

WorkerPool parks a thread on each worker's pipe; the reply then needs that thread woken,
the GIL handed to it, and a queued signal back to the GUI thread. On a busy machine with
two cores (the GUI, the page's render, a neighbour's prefetch) each of those hand-overs
waited for a turn on a CPU, and a page someone waits for came back late. A LoopWorkerPool
watches each worker's pipe with a QSocketNotifier instead: the GUI thread sends the call,
and reads the reply the moment its event loop sees the pipe readable (the pixels come out
of band, see pdf/worker.py). Same `submit` → Future as WorkerPool, the futures completed
on the GUI thread; time limits are QTimers that kill the worker (the next call starts a
fresh one), and a worker that dies ends its call with WorkerCrashed.

Unix only (a pipe's descriptor in a notifier); the render service falls back to WorkerPool
elsewhere.
"""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Slot

from ..pdf.worker import Preload, WorkerCrashed, WorkerProcess, WorkerTimeout, function_name

T = TypeVar("T")
_Job = tuple[concurrent.futures.Future[Any], Callable[..., Any], tuple[Any, ...], float]


@dataclass
class _Running:
    future: concurrent.futures.Future[Any]
    name: str
    timeout: float


class LoopWorkerPool(QObject):
    """A few WorkerProcesses driven from the GUI thread (create and use it there)."""

    def __init__(
        self, size: int, parent: QObject | None = None, *, preload: Preload = "lean", nice: int = 0
    ) -> None:
        super().__init__(parent)
        self.size = max(1, size)
        self._workers = [
            WorkerProcess(f"aal-pdf-worker-{i}", preload, nice) for i in range(self.size)
        ]
        self._queue: deque[_Job] = deque()
        self._running: dict[int, _Running] = {}  # worker index -> its call
        self._closed = False
        # one notifier and one timer a worker, made once and reused (pointed at the pipe of
        # the child running then): nothing is deleted while the event loop may hold it
        self._notifiers: list[QSocketNotifier] = []
        self._timers: list[QTimer] = []
        for index in range(self.size):
            notifier = QSocketNotifier(QSocketNotifier.Type.Read, self)
            notifier.setEnabled(False)
            notifier.activated.connect(partial(self._on_readable, index))
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(partial(self._on_timeout, index))
            self._notifiers.append(notifier)
            self._timers.append(timer)

    def start(self) -> None:
        """Start every child now (each loads PyMuPDF at once); returns without waiting."""
        for worker in self._workers:
            worker.start()

    def submit(
        self, func: Callable[..., T], *args: Any, timeout: float
    ) -> concurrent.futures.Future[T]:
        """Queue ``func(*args)`` for the next free worker; the future completes on this
        thread, from the event loop."""
        function_name(func)  # fail here for lambdas and locals
        if self._closed:
            raise RuntimeError("pool is closed")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.append((future, func, tuple(args), timeout))
        self._dispatch()
        return future

    def cancel_pending(self) -> None:
        """Cancel the jobs that have not started; running jobs finish."""
        while self._queue:
            self._queue.popleft()[0].cancel()

    def close(self) -> None:
        """Cancel pending jobs, kill the children; running jobs end with WorkerCrashed."""
        self._closed = True
        self.cancel_pending()
        for index in list(self._running):
            running = self._finish(index)
            running.future.set_exception(WorkerCrashed(f"{running.name}: the pool was closed"))
        for worker in self._workers:
            worker.close()

    def _dispatch(self) -> None:
        for index, worker in enumerate(self._workers):
            if self._closed or not self._queue:
                return
            if index in self._running:
                continue
            while self._queue:
                future, func, args, timeout = self._queue.popleft()
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    fd = worker.send(func, *args)
                except BaseException as exc:  # handed to the future
                    future.set_exception(exc)
                    continue
                self._running[index] = _Running(future, function_name(func), timeout)
                self._notifiers[index].setSocket(fd)  # which leaves it disabled
                self._notifiers[index].setEnabled(True)
                self._timers[index].start(max(1, round(timeout * 1000)))
                break

    def _finish(self, index: int) -> _Running:
        self._timers[index].stop()
        self._notifiers[index].setEnabled(False)  # before the pipe may close
        return self._running.pop(index)

    @Slot()
    def _on_readable(self, index: int, *_: Any) -> None:
        if index not in self._running:
            return
        running = self._finish(index)
        try:
            result = self._workers[index].receive()
        except BaseException as exc:  # handed to the future
            running.future.set_exception(exc)
        else:
            running.future.set_result(result)
        self._dispatch()

    @Slot()
    def _on_timeout(self, index: int) -> None:
        if index not in self._running:
            return
        running = self._finish(index)
        self._workers[index].reset()
        running.future.set_exception(
            WorkerTimeout(f"{running.name} timed out after {running.timeout:g} s")
        )
        self._dispatch()
