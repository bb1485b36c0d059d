"""Dataset releases: a frozen version written as one self-describing, verifiable folder.

The writers in this package take a `ReleaseSnapshot` (snapshot.py), never the database,
so each format can be tested against a small in-memory snapshot and every writer sees
exactly the same data.
"""

from .snapshot import ReleaseSnapshot, SnapshotDocument

__all__ = ["ReleaseSnapshot", "SnapshotDocument"]
