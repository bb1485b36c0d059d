"""The issue's "Done when": a lead and three members, each with her own project folder and
key folder, over a shared folder and over S3 on 127.0.0.1: init, join, label offline, sync
both ways, revert, conflicts (between members and with the lead), double annotation, and
every project's `aal audit verify` passes at the end."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_pdf

from .harness import Person, make_team


@pytest.fixture(params=["folder", "s3"])
def team_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "folder":
        shared = tmp_path / "shared"
        shared.mkdir()
        return str(shared)
    bucket = request.getfixturevalue("s3_bucket")
    return f"s3://{bucket}/team"


def _ids(p: Person, **match: Any) -> list[int]:
    args = ["events", "list"]
    for k, v in match.items():
        args += [f"--{k}", str(v)]
    return [e["id"] for e in p.ok_json(*args)]


def _content(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["class_key"], [round(v, 2) for v in r["box"]], r["deleted"], r["annotator"])


def test_lead_and_three_members_round_trip(tmp_path: Path, team_url: str) -> None:
    pdfs = [
        make_pdf(tmp_path / "d1.pdf", pages=2),
        make_pdf(tmp_path / "d2.pdf", text="Second document"),
        make_pdf(tmp_path / "d3.pdf", text="Third document"),
    ]
    root = tmp_path / "people"
    # the lead's starting region on d1, before the team exists
    lead = Person("lead", root / "lead")
    lead.ok("doc", "import", *map(str, pdfs))
    r0 = lead.ok_json("region", "add", "1", "1", "72", "90", "200", "110", "text")["id"]
    lead, (ann, bob, cyd) = make_team(
        root, team_url, [], ("ann", "bob", "cyd"), {1: ("ann", "bob"), 2: ("cyd",), 3: ("ann",)}
    )
    # a second `team init` on the same storage is refused, from any project
    other = Person("lead", root / "other-lead")
    refused = other.run("team", "init", team_url)
    assert refused.code == 1 and "team.json" in refused.err and refused.err.count("\n") == 1

    # each member holds her documents and their starting regions, nothing else
    assert sorted(d["id"] for d in ann.ok_json("doc", "list")) == [1, 3]
    assert [d["id"] for d in bob.ok_json("doc", "list")] == [1]
    assert [d["id"] for d in cyd.ok_json("doc", "list")] == [2]
    assert list(ann.regions()) == [r0] and list(bob.regions()) == [r0] and cyd.regions() == {}
    assert {u["name"] for u in ann.ok_json("user", "list")} >= {"lead", "ann", "bob", "cyd"}

    # offline work, concurrently
    a1 = ann.ok_json("region", "add", "1", "1", "72", "130", "200", "150", "title")["id"]
    ann.ok("region", "relabel", r0, "title", "--reason", "it is a heading")
    b1 = bob.ok_json("region", "add", "1", "1", "72", "130", "200", "150", "text")["id"]
    bob.ok("region", "move", r0, "70", "88", "205", "112")  # ann relabels it first: conflict
    c1 = cyd.ok_json("region", "add", "2", "1", "72", "90", "260", "110", "text")["id"]
    c2 = cyd.ok_json("region", "add", "2", "1", "72", "130", "200", "150", "text")["id"]
    cyd.ok("region", "delete", c2, "--reason", "duplicate")

    assert ann.sync()["pushed"] == 2
    assert bob.sync()["pushed"] == 2
    assert cyd.sync()["pushed"] == 3
    before = lead.event_count()
    merged = lead.sync()
    assert (merged["pulled"], merged["applied"], merged["conflicts"], merged["refused"]) == (
        3,
        6,
        1,
        0,
    )
    assert lead.event_count() == before + 6
    regions = lead.regions()
    # double annotation stays double: ann's and bob's regions on d1, each with its annotator
    assert regions[a1]["annotator"] == "ann" and regions[b1]["annotator"] == "bob"
    assert regions[r0]["class_key"] == "title" and regions[c1]["document_id"] == 2
    assert c2 not in regions  # deleted by cyd
    # replayed as the author, at her time, with her event's hash as provenance
    ann_db = sqlite3.connect(ann.db)
    ann_create = ann_db.execute(
        "SELECT at, hash FROM events WHERE user = 'ann' AND region_id = ?", [a1]
    ).fetchone()
    lead_db = sqlite3.connect(lead.db)
    assert lead_db.execute(
        "SELECT user, at, source_hash FROM events WHERE region_id = ? AND kind = 'region.create'",
        [a1],
    ).fetchone() == ("ann", *ann_create)
    # merged work is nobody's undo step on the lead's workstation (her Undo cannot take it)
    merged_ids = {i for (i,) in lead_db.execute("SELECT id FROM events WHERE id > ?", [before])}
    recorded = {
        i
        for (ids,) in lead_db.execute("SELECT event_ids FROM history_steps")
        for i in json.loads(ids)
    }
    assert len(merged_ids) == 6 and not merged_ids & recorded
    # idempotent: a second sync applies nothing
    again = lead.sync()
    assert (again["pulled"], again["applied"], again["conflicts"]) == (0, 0, 0)

    # the conflict: bob moved the region ann relabelled
    (conflict,) = lead.ok_json("review", "conflicts")
    assert conflict["member"] == "bob" and conflict["event"]["kind"] == "region.move"
    assert conflict["lead_state"]["class_key"] == "title"
    assert "c1" in lead.ok("review", "conflicts").out
    # the lead reverts ann's relabel, and discards bob's move
    (relabel,) = _ids(lead, user="ann", kind="region.relabel")
    lead.ok("review", "revert", str(relabel), "--reason", "it is body text")
    lead.ok("review", "revert", "c1", "--reason", "the box was right")
    assert lead.ok_json("review", "conflicts") == []
    assert (
        lead.ok_json("review", "conflicts", "--status", "reverted")[0]["reason"]
        == "the box was right"
    )
    # a conflicting edit by the lead, while ann moves the same region offline
    lead.ok("region", "relabel", a1, "section_header")
    ann.ok("region", "move", a1, "72", "128", "210", "152")
    assert lead.sync()["published"] == 2  # the two decisions
    ann.sync()
    bob.sync()
    cyd.sync()
    # the decisions came back: r0 is text again, with its first box, for ann and bob
    for member in (ann, bob):
        r = member.regions()[r0]
        assert (r["class_key"], r["box"]) == ("text", [72, 90, 200, 110])
    lead_r0 = lead_db.execute(
        "SELECT reason FROM events WHERE region_id = ? ORDER BY id DESC", [r0]
    ).fetchone()
    assert lead_r0 == ("it is body text",)
    merged = lead.sync()
    assert merged["conflicts"] == 1
    (mine,) = lead.ok_json("review", "conflicts")
    assert mine["member"] == "ann" and mine["lead_state"]["class_key"] == "section_header"
    accepted = lead.ok("review", "accept", f"c{mine['id']}")
    assert "applied" in accepted.out
    a1_now = lead.regions()[a1]
    assert a1_now["box"] == [72, 128, 210, 152]
    last = lead_db.execute(
        "SELECT user, reason FROM events WHERE region_id = ? ORDER BY id DESC", [a1]
    ).fetchone()
    assert last == ("ann", "conflict accepted by lead")
    lead.sync()
    ann.sync()
    assert _content(ann.regions()[a1]) == _content(lead.regions()[a1])

    # everyone agrees on what they share, and every log checks
    lead_regions = lead.regions()
    for member in (ann, bob, cyd):
        for rid, r in member.regions().items():
            assert _content(r) == _content(lead_regions[rid]), (member.name, rid)
    status = lead.ok_json("team", "status")
    assert {m["member"]: m["seq"] for m in status["members"]}["ann"] >= 2
    assert ann.ok_json("team", "status")["role"] == "member"
    for p in (lead, ann, bob, cyd):
        p.verify()
