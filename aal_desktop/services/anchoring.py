"""What a published release vouches for, checked: its files, its place in the chain of
releases, and the event log's head it recorded.

A manifest alone proves nothing against someone who rewrites a file and recomputes every
hash in it. So a release is trusted only through something recorded elsewhere: the
project's record of its manifest SHA-256 (the releases table), or the next link of the
chain (the previous release's manifest must hash to what this one names). And the log
head in a manifest is the outside memory of the event log: a history rewritten
consistently since the version was cut still breaks at that event's hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import AalError
from ..export.manifest import Problem
from ..export.publish import read_stored, verify_stored
from ..storage import StorageError, is_url, open_storage
from ..store import releases as release_rows
from ..store.audit import AuditReport
from .project import Project


@dataclass(frozen=True)
class ReleaseCheck:
    """`aal release verify`: files re-hashed where they are stored, and what anchors the
    manifest (`project`: this project recorded its hash; `chain`: only the previous
    release was checked; `none`: nothing outside the manifest vouches for it)."""

    url: str
    files: int
    manifest_sha256: str
    anchored_by: str
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AnchorCheck:
    """`aal audit verify --against RELEASE`: the local chain and the release's log head."""

    release: str
    event_id: int
    recorded_hash: str
    local_hash: str | None
    chain: AuditReport  # every local check of `aal audit verify`

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.local_hash == self.recorded_hash

    @property
    def problem(self) -> str | None:
        if not self.chain.ok:
            return f"audit log broken at event {self.chain.first_bad_id}: {self.chain.problem}"
        if self.local_hash is None:
            return (
                f"the log has no event {self.event_id}, which {self.release} recorded as "
                "its head: events were removed"
            )
        if self.local_hash != self.recorded_hash:
            return (
                f"event {self.event_id} hashes to {self.local_hash[:16]}…, but "
                f"{self.release} recorded {self.recorded_hash[:16]}…: the history up to "
                "that event was rewritten since the release"
            )
        return None


def _location(target: str) -> str:
    if is_url(target):
        return target.rstrip("/")
    return str(Path(target).expanduser().absolute())


def verify_release(target: str, project: Project | None = None) -> ReleaseCheck:
    """Re-hash a release where it is stored and check what vouches for its manifest."""
    store = open_storage(target)
    check = verify_stored(store)
    problems = list(check.problems)
    notes: list[str] = []
    anchored = "none"
    m = check.manifest
    previous, previous_at = m.get("previous_manifest_sha256"), m.get("previous_release")
    if previous and previous_at:
        try:
            _, found = read_stored(open_storage(str(previous_at)))
        except (StorageError, AalError) as exc:
            notes.append(f"previous release not checked ({exc})")
        else:
            if found != previous:
                problems.append(
                    Problem(
                        "chain",
                        "manifest.json",
                        f"names the previous manifest {previous[:16]}…, but "
                        f"{previous_at} now hashes to {found[:16]}…",
                    )
                )
            else:
                anchored = "chain"
    if project is not None:
        mine = release_rows.by_manifest(project.db, check.manifest_sha256)
        if mine is not None:
            anchored = "project"
        else:
            here = _location(target)
            same = [
                r
                for r in release_rows.list_releases(project.db, str(m.get("version")))
                if _location(r.path) == here
            ]
            if same:
                problems.append(
                    Problem(
                        "manifest",
                        "manifest.json",
                        f"its SHA-256 {check.manifest_sha256[:16]}… is not the "
                        f"{same[-1].manifest_sha256[:16]}… this project recorded when it wrote the "
                        "release: the manifest was rewritten",
                    )
                )
            else:
                notes.append("this project has no record of this release")
    if anchored == "none" and not problems:
        notes.append(
            "only self-consistent: nothing outside the manifest vouches for it "
            "(give --db of the project that wrote it)"
        )
    return ReleaseCheck(
        check.url, len(m["files"]), check.manifest_sha256, anchored, problems, notes
    )


def verify_against(project: Project, target: str) -> AnchorCheck:
    """The local chain, and the event the release recorded as the log head, unchanged."""
    from . import audit

    store = open_storage(target)
    manifest, _ = read_stored(store)
    head: Any = manifest.get("log_head")
    if not isinstance(head, dict) or "event_id" not in head or "hash" not in head:
        raise AalError(
            f"{store.url} records no event log head (released before AAL Desktop "
            "recorded one); use a newer release"
        )
    event_id, recorded = int(head["event_id"]), str(head["hash"])
    chain = audit.verify(project)
    if event_id == 0:
        from ..store.events import GENESIS

        local: str | None = GENESIS
    else:
        local = release_rows.event_hash_at(project.db, event_id)
    return AnchorCheck(store.url, event_id, recorded, local, chain)
