"""Refusal, not damage: a bundle that is cut short, altered by one byte, signed by an
unknown or wrong key, replayed under another name, or holding an event that claims another
author or a kind an annotator may not make is refused whole with one line naming it; the
lead's log is untouched, and the real bundle is accepted once it is there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.core import bundle as bundle_format
from aal_desktop.core.bundle import GENESIS, BundleEvent
from aal_desktop.core.signing import SigningKey
from aal_desktop.identity import keys
from aal_desktop.storage import open_storage
from tests.conftest import make_pdf

from .harness import Person, make_team


@pytest.fixture(params=["folder", "s3"])
def team(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Person, Person, str]:
    """A lead and ann over a folder, and over S3 on 127.0.0.1."""
    if request.param == "folder":
        shared = tmp_path / "shared"
        shared.mkdir()
        url = str(shared)
    else:
        url = f"s3://{request.getfixturevalue('s3_bucket')}/team"
    lead, (ann,) = make_team(
        tmp_path / "people", url, [make_pdf(tmp_path / "d1.pdf")], ("ann",), {1: ("ann",)}
    )
    return lead, ann, url


def _log_head(p: Person) -> tuple[int, str]:
    db = sqlite3.connect(p.db)
    try:
        row = db.execute("SELECT COUNT(*), MAX(hash) FROM events").fetchone()
        return int(row[0]), str(row[1])
    finally:
        db.close()


def _refused(lead: Person, name: str, who: str, why: str) -> None:
    before = _log_head(lead)
    r = lead.run("team", "sync", "--json")
    assert r.code == 1
    assert r.err.splitlines() == [
        line for line in r.err.splitlines() if line.startswith(f"refused {name} from {who}: ")
    ]
    assert why in r.err, r.err
    assert r.json()["refused"] == 1 and r.json()["applied"] == 0
    assert _log_head(lead) == before  # nothing of it applied


def _pushed_bundle(ann: Person, url: str) -> tuple[str, bytes]:
    """Ann's newest bundle, taken back off the storage (as if it never arrived whole)."""
    store = open_storage(url)
    name = sorted(f.key for f in store.list("members/ann"))[-1]
    data = store.read(name)
    store.delete(name)
    return name, data


def test_cut_short_and_flipped_byte_are_refused_then_the_real_bundle_goes_in(
    team: tuple[Person, Person, str],
) -> None:
    lead, ann, url = team
    store = open_storage(url)
    ann.ok("region", "add", "1", "1", "72", "90", "200", "110", "text")
    ann.sync()
    name, data = _pushed_bundle(ann, url)
    store.write_new(name, data[: len(data) // 2])
    _refused(lead, name, "ann", "cut short")
    store.delete(name)
    at = data.index(b'class_key\\":\\"text') + len(b'class_key\\":\\"t')
    store.write_new(name, data[:at] + b"u" + data[at + 1 :])  # text -> tuxt
    _refused(lead, name, "ann", "signature does not match ann's key")
    store.delete(name)
    store.write_new(name, data)
    merged = lead.sync()
    assert (merged["applied"], merged["refused"]) == (1, 0)
    assert [r["class_key"] for r in lead.regions().values()] == ["text"]
    lead.verify()


def test_unknown_member_and_wrong_key_are_refused(
    team: tuple[Person, Person, str], tmp_path: Path
) -> None:
    lead, ann, url = team
    store = open_storage(url)
    mallory = SigningKey.generate()
    ann.ok("region", "add", "1", "1", "72", "90", "200", "110", "text")
    ann.sync()
    name, data = _pushed_bundle(ann, url)
    real = bundle_format.parse(data, name)
    forged = bundle_format.build(
        team=real.header.team,
        member="ann",
        key=mallory,
        events=real.events,
        previous=None,
        created_at=real.header.created_at,
        start=(real.header.log_head_id - 1, real.header.log_prev_hash),
    )
    store.write_new(name, forged.serialize())
    _refused(lead, name, "ann", "not ann's registered key")
    store.delete(name)
    store.write_new(name, data)
    # a stranger's folder: no such member
    stranger = bundle_format.build(
        team=real.header.team,
        member="mallory",
        key=mallory,
        events=[],
        previous=None,
        created_at=real.header.created_at,
    )
    store.write_new("members/mallory/000001.bundle", stranger.serialize())
    r = lead.run("team", "sync", "--json")
    assert r.code == 1 and r.json()["applied"] == 1 and r.json()["refused"] == 1
    assert r.err == (
        "refused members/mallory/000001.bundle from mallory: mallory is not a "
        "member with a registered key (aal user add … --key)\n"
    )
    lead.verify()


def test_replayed_bundle_under_a_new_name_is_refused(team: tuple[Person, Person, str]) -> None:
    lead, ann, url = team
    store = open_storage(url)
    ann.ok("region", "add", "1", "1", "72", "90", "200", "110", "text")
    ann.sync()
    assert lead.sync()["applied"] == 1
    store.write_new("members/ann/000002.bundle", store.read("members/ann/000001.bundle"))
    _refused(lead, "members/ann/000002.bundle", "ann", "replayed")
    store.delete("members/ann/000002.bundle")
    ann.ok("region", "add", "1", "1", "72", "130", "200", "150", "title")
    assert ann.sync()["pushed"] == 1
    again = lead.sync()
    assert (again["applied"], again["refused"]) == (1, 0)
    assert len(lead.regions()) == 2


def _forge_events(ann: Person, url: str, user: str, kind: str) -> tuple[str, bytes]:
    """A bundle truly signed by ann whose one event claims `user` / `kind`."""
    with ann.project():
        key = keys.load(ann.keys / keys.KEY_FILE)
    store = open_storage(url)
    team_id = store.read("team.json").decode()
    import json

    team_id = json.loads(team_id)["team"]
    row = {f: None for f in bundle_format.EVENT_FIELDS}
    row.update(
        id=1, at="2026-01-01T00:00:00.000000+00:00", user=user, kind=kind, new='{"version":9}'
    )
    row["prev_hash"] = GENESIS
    row["hash"] = bundle_format.event_hash(GENESIS, row)
    b = bundle_format.build(
        team=team_id,
        member="ann",
        key=key,
        events=[BundleEvent(**row)],
        previous=None,
        created_at=row["at"],
        start=(0, GENESIS),
    )
    return "members/ann/000001.bundle", b.serialize()


@pytest.mark.parametrize(
    ("user", "kind", "why"),
    [
        ("cyd", "region.create", "event 1 claims to be by cyd"),
        (
            "ann",
            "schema.publish",
            "event 1 is a schema.publish event, which an annotator may not make",
        ),
    ],
)
def test_an_event_claiming_another_author_or_a_lead_kind_refuses_the_bundle(
    team: tuple[Person, Person, str], user: str, kind: str, why: str
) -> None:
    lead, ann, url = team
    name, data = _forge_events(ann, url, user, kind)
    open_storage(url).write_new(name, data)
    _refused(lead, name, "ann", why)
    lead.verify()


def test_a_member_cannot_push_work_done_under_another_name(
    team: tuple[Person, Person, str],
) -> None:
    lead, ann, _url = team
    someone = Person("root", ann.home)  # same project and keys, another --user
    someone.ok("region", "add", "1", "1", "72", "90", "200", "110", "text")
    r = ann.run("team", "sync")
    assert r.code == 1
    assert r.err == (
        "aal: this project holds events by root, which cannot be pushed as "
        "ann's: work here as ann (--user ann or AAL_USER=ann)\n"
    )
    assert ann.ok_json("team", "status")["push_seq"] == 0


def test_her_prelabel_run_record_is_noted_not_refused(team: tuple[Person, Person, str]) -> None:
    lead, ann, url = team
    name, data = _forge_events(ann, url, "ann", "prelabel.run")
    open_storage(url).write_new(name, data)
    before = _log_head(lead)
    merged = lead.sync()
    assert (merged["pulled"], merged["applied"], merged["refused"]) == (1, 0, 0)
    assert _log_head(lead) == before
    assert lead.ok_json("team", "status")["members"][0]["seq"] == 1


def test_replaying_an_applied_create_again_is_a_no_op(team: tuple[Person, Person, str]) -> None:
    """The replay rule itself: a create of a region that exists with the same content
    writes nothing; with other content it is a conflict, never an overwrite."""
    from aal_desktop.services import team_merge
    from aal_desktop.store.db import transaction

    lead, ann, url = team
    ann.ok("region", "add", "1", "1", "72", "90", "200", "110", "text")
    ann.sync()
    assert lead.sync()["applied"] == 1
    raw = open_storage(url).read("members/ann/000001.bundle")
    (create,) = [e for e in bundle_format.parse(raw, "b").events if e.kind == "region.create"]
    before = _log_head(lead)
    with lead.project() as p, transaction(p.db):
        out = team_merge._Outcome()
        team_merge._replay(p, "ann", 1, create, 1, out)
        assert (out.applied, out.conflicts) == (0, 0)
        other = create.model_copy(
            update={"new": create.new.replace('"class_key":"text"', '"class_key":"title"')}
        )
        team_merge._replay(p, "ann", 1, other, 1, out)
        assert (out.applied, out.conflicts) == (0, 1)
    assert _log_head(lead) == before
    (c,) = lead.ok_json("review", "conflicts")
    assert "already exists on the lead with other values" in c["problem"]
