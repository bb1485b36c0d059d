"""Worker processes: results, errors, timeouts, crashes, and the pool."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from aal_desktop.pdf.worker import (
    WorkerCrashed,
    WorkerError,
    WorkerPool,
    WorkerProcess,
    WorkerTimeout,
)

REPO = Path(__file__).resolve().parents[2]


# Module-level helpers: the child imports them by name.
def add(a: int, b: int) -> int:
    return a + b


def child_pid() -> int:
    return os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def die() -> None:
    os._exit(3)


def unpicklable() -> object:
    return lambda: None


def _alive(pid: int) -> bool:
    """Alive means not yet waitable; checked without reaping, so WorkerProcess still can."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return info is None
    except ChildProcessError:  # not our child (a grandchild): look at /proc
        pass
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _wait_dead(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def worker() -> WorkerProcess:
    with WorkerProcess("test-worker") as w:
        yield w


def test_call_runs_the_function_in_another_process(worker: WorkerProcess) -> None:
    assert worker.call(add, 2, 3, timeout=30) == 5
    assert worker.call(child_pid, timeout=30) != os.getpid()


def test_child_is_long_lived_between_calls(worker: WorkerProcess) -> None:
    assert worker.call(child_pid, timeout=30) == worker.call(child_pid, timeout=30)


def test_exception_in_function_carries_type_and_message_and_keeps_child(
    worker: WorkerProcess,
) -> None:
    before = worker.call(child_pid, timeout=30)
    with pytest.raises(WorkerError) as info:
        worker.call(fail, "bad page", timeout=30)
    assert info.value.type_name == "ValueError"
    assert info.value.message == "bad page"
    assert "fail" in info.value.remote_traceback
    assert worker.call(child_pid, timeout=30) == before


def test_unpicklable_result_is_a_worker_error(worker: WorkerProcess) -> None:
    with pytest.raises(WorkerError):
        worker.call(unpicklable, timeout=30)
    assert worker.call(add, 1, 1, timeout=30) == 2


def test_timeout_kills_the_child_and_the_next_call_gets_a_fresh_one() -> None:
    with WorkerProcess() as worker:
        old = worker.call(child_pid, timeout=30)
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            worker.call(sleep_then_pid, 60.0, timeout=0.5)
        assert time.monotonic() - started < 5
        assert _wait_dead(old)
        assert worker.call(add, 40, 2, timeout=30) == 42
        assert worker.call(child_pid, timeout=30) != old


def test_dead_child_raises_crashed_and_is_restarted() -> None:
    with WorkerProcess() as worker:
        old = worker.call(child_pid, timeout=30)
        with pytest.raises(WorkerCrashed):
            worker.call(die, timeout=30)
        new = worker.call(child_pid, timeout=30)
        assert new != old


def test_child_killed_between_calls_is_replaced_silently() -> None:
    with WorkerProcess() as worker:
        old = worker.call(child_pid, timeout=30)
        os.kill(old, signal.SIGKILL)
        assert _wait_dead(old)
        assert worker.call(child_pid, timeout=30) != old


def test_local_functions_and_lambdas_are_refused(worker: WorkerProcess) -> None:
    def local() -> None:
        pass

    with pytest.raises(ValueError):
        worker.call(local, timeout=1)
    with pytest.raises(ValueError):
        worker.call(lambda: None, timeout=1)


def test_close_stops_the_child() -> None:
    worker = WorkerProcess()
    pid = worker.call(child_pid, timeout=30)
    worker.close()
    assert _wait_dead(pid)
    with pytest.raises(RuntimeError):
        worker.call(child_pid, timeout=30)


def test_child_exits_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path[:0] = [{str(REPO)!r}]
        from aal_desktop.pdf.worker import WorkerProcess
        from aal_desktop.pdf.worker import function_name
        w = WorkerProcess()
        print(w.call(os.getpid, timeout=30), flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.kill()
        parent.wait(10)
        assert _wait_dead(child, 10.0)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_worker_module_imports_neither_qt_nor_pymupdf() -> None:
    code = (
        "import sys, aal_desktop.pdf.worker, aal_desktop.pdf.words; "
        "print(any(m.startswith(('PySide6', 'pymupdf', 'fitz')) for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "False"


# --- pool -----------------------------------------------------------------------


def test_pool_default_size_is_between_one_and_four() -> None:
    pool = WorkerPool()
    try:
        assert 1 <= pool.size <= 4
        assert pool.size == max(1, min(os.cpu_count() or 1, 4))
    finally:
        pool.close()
    assert WorkerPool(0).size == 1


def test_pool_runs_jobs_on_different_workers_at_once() -> None:
    with WorkerPool(2) as pool:
        futures = [pool.submit(sleep_then_pid, 1.0, timeout=30) for _ in range(2)]
        pids = {f.result(timeout=60) for f in futures}
        assert len(pids) == 2


def test_map_unordered_gives_every_index_a_result_or_an_exception() -> None:
    with WorkerPool(2) as pool:
        args = [(1, 2), (3, 4), ("a", 1), (5, 6)]
        results = dict(pool.map_unordered(add, args, timeout=30))
    assert sorted(results) == [0, 1, 2, 3]
    assert results[0] == 3 and results[1] == 7 and results[3] == 11
    assert isinstance(results[2], WorkerError) and results[2].type_name == "TypeError"


def test_a_timeout_in_the_pool_fails_only_that_job() -> None:
    with WorkerPool(1) as pool:
        slow = pool.submit(sleep_then_pid, 60.0, timeout=0.5)
        quick = pool.submit(add, 1, 2, timeout=30)
        with pytest.raises(WorkerTimeout):
            slow.result(timeout=30)
        assert quick.result(timeout=30) == 3


def test_cancel_pending_cancels_queued_jobs_but_not_the_running_one() -> None:
    with WorkerPool(1) as pool:
        running = pool.submit(sleep_then_pid, 1.5, timeout=30)
        time.sleep(0.3)
        queued = [pool.submit(add, i, i, timeout=30) for i in range(3)]
        pool.cancel_pending()
        assert all(f.cancelled() for f in queued)
        assert isinstance(running.result(timeout=30), int)
        assert pool.submit(add, 2, 2, timeout=30).result(timeout=30) == 4


def test_close_ends_running_jobs_and_refuses_new_ones() -> None:
    pool = WorkerPool(1)
    running = pool.submit(sleep_then_pid, 60.0, timeout=120)
    time.sleep(0.5)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 10
    with pytest.raises((WorkerCrashed, concurrent.futures.CancelledError)):
        running.result(timeout=10)
    with pytest.raises(RuntimeError):
        pool.submit(add, 1, 1, timeout=1)


def big_buffer(n: int) -> object:
    """A result carrying a protocol-5 PickleBuffer, like a rendered page's pixels."""
    import pickle

    from aal_desktop.pdf.render import RenderedPage

    data = bytearray(range(256)) * (n // 256)
    return ("head", RenderedPage(n // 4, 1, n, data, 1.0, pixel_format="BGRX"), pickle.dumps(1))


def test_large_buffers_come_out_of_band_into_a_bytearray(worker: WorkerProcess) -> None:
    n = 4 * 1024 * 1024
    head, page, tail = worker.call(big_buffer, n, timeout=30)
    assert head == "head" and tail == __import__("pickle").dumps(1)
    assert isinstance(page.samples, bytearray) and len(page.samples) == n
    assert page.samples[:256] == bytearray(range(256)) and page.pixel_format == "BGRX"
    assert worker.call(add, 2, 3, timeout=30) == 5  # the pipe is in step afterwards


def test_send_then_receive_when_the_pipe_is_readable() -> None:
    import select

    with WorkerProcess() as w:
        fd = w.send(add, 4, 5)
        assert select.select([fd], [], [], 30)[0] == [fd]
        assert w.receive() == 9
        w.send(fail, "no")
        with pytest.raises(WorkerError):
            w.receive()
        w.send(sleep_then_pid, 60)
        w.reset()  # the owner's time limit: the child is killed, the next call gets a new one
        assert w.call(add, 1, 1, timeout=30) == 2
        fd = w.send(die)
        select.select([fd], [], [], 30)
        with pytest.raises(WorkerCrashed):
            w.receive()
        assert w.call(add, 2, 2, timeout=30) == 4
