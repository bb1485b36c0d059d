"""A sync killed mid-merge, mid-push or mid-publish (SIGKILL of a real process) leaves
nothing half-applied, and the next sync completes; every log still checks."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.storage import open_storage
from tests.conftest import make_pdf

from .harness import Person, make_team

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(tmp_path: Path) -> tuple[Person, Person, str]:
    shared = tmp_path / "shared"
    shared.mkdir()
    lead, (ann,) = make_team(
        tmp_path / "people",
        str(shared),
        [make_pdf(tmp_path / "d1.pdf", pages=2)],
        ("ann",),
        {1: ("ann",)},
    )
    return lead, ann, str(shared)


def _killed(p: Person, where: str, n: int, *args: str) -> None:
    env = {**os.environ, **p.env(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.team.killer",
            where,
            str(n),
            "--db",
            str(p.db),
            "--user",
            p.name,
            *args,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def _count(p: Person, sql: str) -> int:
    db = sqlite3.connect(p.db)
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


def _draw(p: Person, n: int) -> None:
    for i in range(n):
        y = 60 + 14 * i
        p.ok("region", "add", "1", str(1 + i % 2), "72", str(y), "200", str(y + 10), "text")


def test_lead_killed_mid_merge_applies_nothing_then_completes(
    team: tuple[Person, Person, str],
) -> None:
    lead, ann, _url = team
    _draw(ann, 30)
    assert ann.sync()["pushed"] == 30
    before = lead.event_count()
    _killed(lead, "replay", 12, "team", "sync")
    assert lead.event_count() == before  # the bundle's transaction never committed
    assert _count(lead, "SELECT COUNT(*) FROM team_members") == 0
    lead.verify()
    merged = lead.sync()
    assert (merged["applied"], merged["conflicts"], merged["refused"]) == (30, 0, 0)
    assert lead.sync()["applied"] == 0
    assert len(lead.regions()) == 30
    lead.verify()


def test_member_killed_between_write_and_record_adopts_her_bundle(
    team: tuple[Person, Person, str],
) -> None:
    lead, ann, url = team
    _draw(ann, 3)
    _killed(ann, "push-record", 1, "team", "sync")
    store = open_storage(url)
    assert [f.key for f in store.list("members/ann")] == ["members/ann/000001.bundle"]
    assert ann.ok_json("team", "status")["push_seq"] == 0
    ann.sync()  # finds its own bundle, adopts it, pushes nothing twice
    assert ann.ok_json("team", "status")["push_seq"] == 1
    assert [f.key for f in store.list("members/ann")] == ["members/ann/000001.bundle"]
    assert lead.sync()["applied"] == 3
    _draw(ann, 1)
    assert ann.sync()["pushed"] == 1
    assert lead.sync()["applied"] == 1
    for p in (lead, ann):
        p.verify()


def test_lead_killed_between_publishing_and_recording_adopts_its_file(
    team: tuple[Person, Person, str], tmp_path: Path
) -> None:
    lead, ann, url = team
    lead.ok("doc", "import", str(make_pdf(tmp_path / "d2.pdf", text="Second")))
    lead.ok("team", "assign", "2", "ann")
    _killed(lead, "publish-record", 1, "team", "sync")
    store = open_storage(url)
    assert len(store.list("lead")) == 2
    assert lead.sync()["published"] == 0  # adopted, not published twice
    assert len(store.list("lead")) == 2
    ann.sync()
    assert sorted(d["id"] for d in ann.ok_json("doc", "list")) == [1, 2]
    for p in (lead, ann):
        p.verify()
