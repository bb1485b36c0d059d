"""Write-ahead-log checkpoints off the committing thread.

Why: SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold and
ends with an fsync of the database file. On a project of 100,000 regions that made one edit
in about two hundred wait tens of milliseconds, half of an edit's average cost. Here a commit
counts itself and, every few commits, looks at the log's size (one stat); every
`BACKGROUND_COMMITS` commits, or when the log has grown by `BACKGROUND_BYTES` since the last
checkpoint (a checkpoint resets the log but does not shrink its file, so its size alone says
little), a thread opens its own connection and copies the log back (PASSIVE: it neither
waits for nor blocks a writer), then closes it, so no connection outlives the project's.
SQLite's own automatic checkpoint (store/db.py) stays as the bound should it fall behind.

A checkpoint waits for a quiet moment: it starts once no commit came for `QUIET_S`, so a
burst of edits (a batch script, a group of relabels) is not slowed by one running beside
it (~20 % per edit on a project of 1,000,000 regions, measured), unless `URGENT_COMMITS`
commits or `URGENT_BYTES` of log came since it was asked for. A person's edits come
seconds apart: for them the wait is a fraction of a second.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

# An edit writes about ten pages: ~1,000 pages (4 MB) between checkpoints either way.
BACKGROUND_COMMITS = 100
BACKGROUND_BYTES = 4 * 1024 * 1024
# The log's size is looked at every few commits, not after each (a stat is a system call on
# every edit's path); a big commit past the byte bound waits at most this many commits.
STAT_EVERY = 8
QUIET_S = 0.25  # no commit for this long: the checkpoint starts
# past either of these since it was asked for, it starts at once: a long burst checkpoints
# well before SQLite's own bound (10,000 pages, ~700 edits), which would run in a COMMIT
URGENT_COMMITS = 500
URGENT_BYTES = 24 * 1024 * 1024


class Checkpointer:
    """Starts a background checkpoint of one database when its log has grown enough."""

    def __init__(
        self,
        path: Path,
        commits: int = BACKGROUND_COMMITS,
        grown: int = BACKGROUND_BYTES,
        quiet: float = QUIET_S,
        urgent_commits: int = URGENT_COMMITS,
        urgent_bytes: int = URGENT_BYTES,
    ) -> None:
        self.path = path
        self.wal = Path(f"{path}-wal")
        self.commits, self.grown = commits, grown
        self.quiet = quiet
        self.urgent_commits, self.urgent_bytes = urgent_commits, urgent_bytes
        self._since = 0  # commits since the last checkpoint was asked for
        self._size_then = 0  # the log's file size then
        self._last_commit = 0.0  # time.monotonic() of the last commit
        self.last_error: str | None = None  # e.g. a full disk; the log still holds the data
        self.runs = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closing = False
        self._wake = threading.Event()  # set: stop waiting for quiet (urgent, or closing)

    def committed(self) -> None:
        """After a commit: ask for a checkpoint when enough was written and none is on its
        way (it starts at the next quiet moment)."""
        self._since += 1
        self._last_commit = time.monotonic()
        if self._since >= self.urgent_commits:
            self._wake.set()  # a checkpoint waiting for quiet starts now
        if self._since % STAT_EVERY and self._since < self.commits:
            return
        try:
            size = os.stat(self.wal).st_size
        except OSError:
            return
        if self._since < self.commits and size < self._size_then + self.grown:
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._since, self._size_then = 0, size
            self._wake.clear()
            self._thread = threading.Thread(
                target=self._run_when_quiet, name="aal-wal-checkpoint", daemon=True
            )
            self._thread.start()

    def _run_when_quiet(self) -> None:
        """Wait until no commit came for `quiet` seconds (or enough came: `_urgent`), then
        checkpoint; give up when the database closes (its close checkpoints)."""
        while True:
            idle = time.monotonic() - self._last_commit
            if idle >= self.quiet or self._urgent():
                break
            self._wake.wait(self.quiet - idle)
        if not self._closing:
            self._run()

    def _urgent(self) -> bool:
        if self._closing or self._since >= self.urgent_commits:
            return True
        try:
            return os.stat(self.wal).st_size >= self._size_then + self.urgent_bytes
        except OSError:
            return False

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), timeout=1.0)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                conn.close()
            self.last_error = None
            self.runs += 1
        except sqlite3.Error as exc:  # the next commit (or close) reports a real failure
            self.last_error = str(exc)

    def wait(self, timeout: float | None = None) -> None:
        """Let the checkpoint asked for happen (after its quiet moment) and finish."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def close(self) -> None:
        """Before the project's own connection closes: a checkpoint still waiting for quiet
        is dropped (closing the last connection checkpoints anyway), one running finishes."""
        self._closing = True
        self._wake.set()
        self.wait()
