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
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

# An edit writes about ten pages: ~1,000 pages (4 MB) between checkpoints either way.
BACKGROUND_COMMITS = 100
BACKGROUND_BYTES = 4 * 1024 * 1024
# The log's size is looked at every few commits, not after each (a stat is a system call on
# every edit's path); a big commit past the byte bound waits at most this many commits.
STAT_EVERY = 8


class Checkpointer:
    """Starts a background checkpoint of one database when its log has grown enough."""

    def __init__(
        self, path: Path, commits: int = BACKGROUND_COMMITS, grown: int = BACKGROUND_BYTES
    ) -> None:
        self.path = path
        self.wal = Path(f"{path}-wal")
        self.commits, self.grown = commits, grown
        self._since = 0  # commits since the last checkpoint started
        self._size_then = 0  # the log's file size when it started
        self.last_error: str | None = None  # e.g. a full disk; the log still holds the data
        self.runs = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def committed(self) -> None:
        """After a commit: start a checkpoint when enough was written and none runs."""
        self._since += 1
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
            self._thread = threading.Thread(
                target=self._run, name="aal-wal-checkpoint", daemon=True
            )
            self._thread.start()

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
        """Let a running checkpoint finish (before the project's own connection closes)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
