"""Long-lived, killable worker processes for PyMuPDF calls.

PyMuPDF holds the GIL while it works and some real PDFs hang MuPDF for minutes,
so slow calls run in a child process that the parent can kill and replace.
A child is long-lived (``import pymupdf`` costs about a second) and serves many
calls; it is started lazily (or at once with ``start()``) and restarted after a timeout
or a crash. A child can load PyMuPDF as soon as it starts (``preload``), before the first
request arrives. MuPDF's messages never reach the shared stdout: the child switches
their printing off and sends them back with each reply, and the parent logs them.
Large buffers in a result (pickle protocol 5 ``PickleBuffer``s, e.g. a rendered page's
pixels) travel out of band: raw bytes on the pipe after the pickled reply, read by the
parent straight into the buffers the result is rebuilt over, never copied through a pickle.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import importlib
import multiprocessing
import os
import pickle
import queue
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Literal, TypeVar

from . import engine

T = TypeVar("T")
Preload = Literal["pymupdf", "lean"] | None
"""What a child imports before its first call: PyMuPDF, PyMuPDF without its optional
layout model and pymupdf4llm (rendering and inspection only), or nothing."""

_SPAWN = multiprocessing.get_context("spawn")
_PR_SET_PDEATHSIG = 1
_OUT_OF_BAND = "oob"  # a reply header: the pickled reply and its raw buffers follow
_RAW_FD = sys.platform != "win32"  # the pipe is a socket pair with a file descriptor
_PIPE_BUFFER = 4 * 1024 * 1024  # a page's pixels pass in a few writes, not hundreds


class WorkerError(Exception):
    """An exception raised by the function inside the worker; the child stays alive."""

    def __init__(self, type_name: str, message: str, remote_traceback: str = "") -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message
        self.remote_traceback = remote_traceback


class WorkerTimeout(Exception):
    """The call ran past its time limit; the child was killed."""


class WorkerCrashed(Exception):
    """The child died during the call (segfault, kill, out of memory...)."""


def about(name: str, args: tuple[Any, ...]) -> str:
    """What a call's MuPDF messages are about, for a person reading them: the file's name
    when the first argument is a path (inspect, render, words), else the function."""
    first = args[0] if args else None
    if isinstance(first, str | os.PathLike):
        text = os.fspath(first)
        if isinstance(text, str) and text.strip():
            base = os.path.basename(text) or text
            stem = base.removesuffix(".pdf")
            if len(stem) == 64 and all(c in "0123456789abcdef" for c in stem):
                return f"document {stem[:12]}"  # a managed copy, named by its SHA-256
            return base
    return name.rpartition(":")[2] or name


def function_name(func: Callable[..., Any]) -> str:
    """Name a module-level function as "module:qualname" so the child can import it."""
    module = func.__module__
    qualname = func.__qualname__
    if "<locals>" in qualname or "<lambda>" in qualname:
        raise ValueError(f"{qualname} is not a module-level function")
    return f"{module}:{qualname}"


def _resolve(name: str) -> Callable[..., Any]:
    """Import the function a "module:qualname" string names."""
    module_name, _, qualname = name.partition(":")
    if module_name == "__main__" and "__mp_main__" in sys.modules:
        module: Any = sys.modules["__mp_main__"]
    else:
        module = importlib.import_module(module_name)
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _watch_parent(parent_pid: int) -> None:
    """Exit when the parent is gone (polling: works while Python code runs)."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


def _die_with_parent(parent_pid: int, deathsig: bool) -> None:
    """Make sure the child never outlives the parent.

    PR_SET_PDEATHSIG works even while MuPDF holds the GIL, but fires when the
    *thread* that started the child ends, so it is only used for children started
    from the main thread; the polling watchdog and the pipe's EOF cover the rest.
    """
    if deathsig and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:
        os._exit(0)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True
    ).start()


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _read_into(sock: socket.socket, buffer: bytearray) -> None:
    """Fill `buffer` from the pipe, in one call as a rule (MSG_WAITALL: the GIL is
    released once, not once a chunk); EOFError when the child dies half-way."""
    view, got = memoryview(buffer), 0
    while got < len(view):
        n = sock.recv_into(view[got:], len(view) - got, socket.MSG_WAITALL)
        if n == 0:
            raise EOFError("the worker's pipe closed during a reply")
        got += n


def _send_reply(conn: Connection, reply: tuple[Any, ...]) -> None:
    """Pickle `reply` (protocol 5) and send it; its PickleBuffers follow out of band."""
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(reply, protocol=5, buffer_callback=buffers.append)
    if not buffers:
        conn.send_bytes(data)  # what conn.recv() reads
        return
    raws = [b.raw() for b in buffers]
    conn.send((_OUT_OF_BAND, [r.nbytes for r in raws], data))
    for raw in raws:
        if _RAW_FD:
            _write_all(conn.fileno(), raw)
        else:
            conn.send_bytes(raw)


def _receive_reply(conn: Connection, sock: socket.socket | None) -> Any:
    """The counterpart of `_send_reply`: out-of-band buffers land in bytearrays that the
    rebuilt result keeps (no copy after the pipe's own). `sock`: the pipe as a socket."""
    reply = conn.recv()
    if not (isinstance(reply, tuple) and reply and reply[0] == _OUT_OF_BAND):
        return reply
    _, sizes, data = reply
    buffers = [bytearray(n) for n in sizes]
    for buffer in buffers:
        if sock is not None:
            _read_into(sock, buffer)
        else:
            conn.recv_bytes_into(buffer)
    return pickle.loads(data, buffers=buffers)


def _child_main(
    conn: Connection, parent_pid: int, deathsig: bool, preload: Preload = None, nice: int = 0
) -> None:
    """Serve calls until the pipe closes: the parent closed us or died."""
    _die_with_parent(parent_pid, deathsig)
    if nice:
        with contextlib.suppress(OSError, AttributeError):  # Windows has no nice()
            os.nice(nice)
    if preload is not None:
        try:
            engine.load(lean=preload == "lean")
        except ImportError:
            pass  # the first call that needs it reports the failure
    cache: dict[str, Callable[..., Any]] = {}
    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            func = cache.get(name)
            if func is None:
                func = cache[name] = _resolve(name)
            reply: tuple[Any, ...] = ("ok", func(*args))
        except BaseException as exc:  # everything goes back to the parent
            reply = ("err", type(exc).__name__, str(exc), traceback.format_exc())
        notes = engine.messages()  # also silences a PyMuPDF the call imported directly
        try:
            _send_reply(conn, (*reply, notes))
        except (EOFError, OSError):
            return
        except Exception as exc:  # e.g. the result cannot be pickled
            conn.send(("err", type(exc).__name__, f"cannot send the result: {exc}", "", notes))


class WorkerProcess:
    """One child process that runs one call at a time and is replaced when it hangs."""

    def __init__(
        self, name: str = "aal-pdf-worker", preload: Preload = None, nice: int = 0
    ) -> None:
        self.name = name
        self.preload = preload
        self.nice = nice  # > 0: background work, which yields the CPU to the rest
        self._process: Any = None
        self._conn: Connection | None = None
        self._sock: socket.socket | None = None  # the same pipe, for raw reads
        # the call `send()` started (its name, what it is about), until `receive()`
        self._sent: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The running child's pid, or None when no child is running."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def _start(self) -> None:
        parent_conn, child_conn = _SPAWN.Pipe(duplex=True)
        sock: socket.socket | None = None
        if _RAW_FD:  # the pipe is a socket pair: raw reads (see above), large buffers
            sock = socket.socket(fileno=os.dup(parent_conn.fileno()))
            with socket.socket(fileno=os.dup(child_conn.fileno())) as child_end:
                for end in (sock, child_end):
                    end.setblocking(True)  # as the Connection expects, whatever the default
                    with contextlib.suppress(OSError):
                        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _PIPE_BUFFER)
        deathsig = threading.current_thread() is threading.main_thread()
        process = _SPAWN.Process(
            target=_child_main,
            args=(child_conn, os.getpid(), deathsig, self.preload, self.nice),
            name=self.name,
            daemon=True,
        )
        process.start()
        child_conn.close()
        self._process, self._conn, self._sock = process, parent_conn, sock

    def _kill(self) -> None:
        """Kill the child (SIGKILL) and forget it; the next call starts a fresh one."""
        process, conn, sock = self._process, self._conn, self._sock
        self._process, self._conn, self._sock = None, None, None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5.0)
            try:
                process.close()
            except ValueError:
                pass
        if conn is not None:
            conn.close()
        if sock is not None:
            sock.close()

    def start(self) -> None:
        """Start the child now (it loads `preload` at once), so the first call need not wait
        for it; the call after returns at once when the child is already running."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self.name} is closed")
            if self._process is None or not self._process.is_alive():
                self._kill()
                self._start()

    def call(self, func: Callable[..., T], *args: Any, timeout: float) -> T:
        """Run module-level ``func(*args)`` in the child and return its result."""
        name = function_name(func)
        with self._lock:
            conn = self._send_locked(name, args)
            try:
                ready = conn.poll(timeout)
            except (OSError, EOFError) as exc:
                self._kill()
                raise WorkerCrashed(f"{self.name} died: {exc}") from exc
            if not ready:
                self._kill()
                raise WorkerTimeout(f"{name} timed out after {timeout:g} s")
            reply = self._receive_locked()
        return self._result(about(name, args), reply)

    def send(self, func: Callable[..., Any], *args: Any) -> int:
        """Start ``func(*args)`` in the child without waiting for it. Returns the pipe's file
        descriptor, readable once the reply (or the child's death) is there: then
        `receive()`. For one event-loop owner that watches the descriptor instead of
        parking a thread in `call`; the owner keeps its own time limit (`reset()`)."""
        name = function_name(func)
        with self._lock:
            conn = self._send_locked(name, args)
            self._sent = (name, about(name, args))
            return conn.fileno()

    def receive(self) -> Any:
        """The result of the call `send()` started (blocks until the reply is complete)."""
        with self._lock:
            sent, self._sent = self._sent, None
            if sent is None:
                raise RuntimeError(f"{self.name}: nothing was sent")
            reply = self._receive_locked()
        return self._result(sent[1], reply)

    def reset(self) -> None:
        """Kill the child and forget it (a call sent is dropped); the next starts afresh."""
        with self._lock:
            self._sent = None
            self._kill()

    def _send_locked(self, name: str, args: tuple[Any, ...]) -> Connection:
        if self._closed:
            raise RuntimeError(f"{self.name} is closed")
        if self._process is None or not self._process.is_alive():
            self._kill()
            self._start()
        conn = self._conn
        assert conn is not None
        try:
            conn.send((name, args))
        except (OSError, EOFError) as exc:
            self._kill()
            raise WorkerCrashed(f"{self.name} died: {exc}") from exc
        return conn

    def _receive_locked(self) -> Any:
        conn, process, sock = self._conn, self._process, self._sock
        if conn is None or process is None:
            raise WorkerCrashed(f"{self.name} died")
        try:
            return _receive_reply(conn, sock)
        except (OSError, EOFError) as exc:
            process.join(1.0)
            code = process.exitcode
            self._kill()
            raise WorkerCrashed(f"{self.name} died (exit code {code})") from exc

    def _result(self, about: str, reply: Any) -> Any:
        *reply, notes = reply
        if notes:
            engine.log_messages(notes, about)
        if reply[0] == "ok":
            return reply[1]
        raise WorkerError(reply[1], reply[2], reply[3])

    def abort(self) -> None:
        """Kill the child now, even during a call (which then raises WorkerCrashed)."""
        process = self._process
        if process is not None:
            try:
                process.kill()
            except (ValueError, AttributeError):
                pass

    def close(self) -> None:
        """Stop the child; a call in progress ends with WorkerCrashed."""
        self._closed = True
        self.abort()
        with self._lock:
            self._kill()

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_Job = tuple[concurrent.futures.Future[Any], Callable[..., Any], tuple[Any, ...], float]


class WorkerPool:
    """A few WorkerProcesses fed from one queue; a small thread per worker waits on its pipe.

    Its children load PyMuPDF without the layout model (``preload="lean"``): a pool renders
    and inspects pages. ``start=True`` (or ``start()``) starts them at once, so they have
    PyMuPDF loaded before the first page is asked for.
    """

    def __init__(
        self,
        size: int | None = None,
        *,
        preload: Preload = "lean",
        start: bool = False,
        nice: int = 0,
    ) -> None:
        if size is None:
            size = min(os.cpu_count() or 1, 4)
        self.size = max(1, size)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._workers = [
            WorkerProcess(f"aal-pdf-worker-{i}", preload, nice) for i in range(self.size)
        ]
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._lock = threading.Lock()
        if start:
            self.start()

    def start(self) -> None:
        """Start every child now, in parallel (each loads PyMuPDF at once); returns without
        waiting for them."""
        for worker in self._workers:
            worker.start()

    def _ensure_threads(self) -> None:
        if self._threads:
            return
        for worker in self._workers:
            thread = threading.Thread(
                target=self._serve, args=(worker,), name=f"{worker.name}-wait", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _serve(self, worker: WorkerProcess) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            future, func, args, timeout = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = worker.call(func, *args, timeout=timeout)
            except BaseException as exc:  # handed to the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def submit(
        self, func: Callable[..., T], *args: Any, timeout: float
    ) -> concurrent.futures.Future[T]:
        """Queue ``func(*args)`` for the next free worker."""
        function_name(func)  # fail here, not in a thread, for lambdas and locals
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("pool is closed")
            self._ensure_threads()
            self._queue.put((future, func, tuple(args), timeout))
        return future

    def map_unordered(
        self, func: Callable[..., T], argslist: Iterable[Sequence[Any]], timeout: float
    ) -> Iterator[tuple[int, T | BaseException]]:
        """Yield (index, result or exception) as jobs finish, in completion order."""
        futures = {self.submit(func, *args, timeout=timeout): i for i, args in enumerate(argslist)}
        try:
            for future in concurrent.futures.as_completed(futures):
                if future.cancelled():
                    yield futures[future], concurrent.futures.CancelledError()
                    continue
                exc = future.exception()
                yield futures[future], exc if exc is not None else future.result()
        finally:
            for future in futures:
                future.cancel()

    def cancel_pending(self) -> None:
        """Cancel the jobs that have not started; running jobs finish."""
        kept: list[_Job | None] = []
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                kept.append(job)
            else:
                job[0].cancel()
        for item in kept:
            self._queue.put(item)

    def close(self) -> None:
        """Cancel pending jobs, kill the children and stop the waiting threads."""
        with self._lock:
            self._closed = True
        self.cancel_pending()
        for _ in self._threads:
            self._queue.put(None)
        for worker in self._workers:
            worker.close()
        for thread in self._threads:
            thread.join(10.0)
        self._threads = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
