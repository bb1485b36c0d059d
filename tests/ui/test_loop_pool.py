"""The GUI thread's worker pool: replies read by the event loop, time limits, crashes."""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aal_desktop.pdf.worker import WorkerCrashed, WorkerError, WorkerTimeout  # noqa: E402
from aal_desktop.ui.loop_pool import LoopWorkerPool  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pipe in a QSocketNotifier")


def add(a: int, b: int) -> int:
    return a + b


def fail(message: str) -> None:
    raise ValueError(message)


def nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def die() -> None:
    os._exit(3)


def _result(qtbot, future: concurrent.futures.Future, timeout: int = 60000):
    qtbot.waitUntil(future.done, timeout=timeout)
    return future.result()


def test_results_errors_and_the_queue(qtbot) -> None:
    pool = LoopWorkerPool(1, preload=None)
    try:
        futures = [pool.submit(add, i, 1, timeout=30) for i in range(3)]  # one at a time
        assert [_result(qtbot, f) for f in futures] == [1, 2, 3]
        with pytest.raises(WorkerError, match="bad"):
            _result(qtbot, pool.submit(fail, "bad", timeout=30))
        with pytest.raises(ValueError):
            pool.submit(lambda: 1, timeout=30)
    finally:
        pool.close()


def test_a_call_past_its_limit_kills_the_worker_and_the_next_gets_a_new_one(qtbot) -> None:
    pool = LoopWorkerPool(1, preload=None)
    try:
        first = _result(qtbot, pool.submit(nap, 0, timeout=30))
        slow = pool.submit(nap, 60, timeout=1.0)
        queued = pool.submit(nap, 0, timeout=30)
        with pytest.raises(WorkerTimeout, match="timed out after 1 s"):
            _result(qtbot, slow)
        assert _result(qtbot, queued) != first  # a fresh child
    finally:
        pool.close()


def test_a_dead_worker_ends_its_call_and_is_restarted(qtbot) -> None:
    pool = LoopWorkerPool(1, preload=None)
    try:
        with pytest.raises(WorkerCrashed, match="exit code 3"):
            _result(qtbot, pool.submit(die, timeout=30))
        assert _result(qtbot, pool.submit(add, 1, 2, timeout=30)) == 3
    finally:
        pool.close()


def test_cancel_pending_and_close(qtbot) -> None:
    pool = LoopWorkerPool(1, preload=None)
    running = pool.submit(nap, 60, timeout=120)
    waiting = pool.submit(add, 1, 1, timeout=30)
    pool.cancel_pending()
    assert waiting.cancelled() and running.running()
    pool.close()
    with pytest.raises(WorkerCrashed):
        running.result(timeout=0)
    with pytest.raises(RuntimeError):
        pool.submit(add, 1, 1, timeout=30)
