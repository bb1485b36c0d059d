"""Team-sync bundles: real events of a project, signed, chained, refused whole when damaged."""

from __future__ import annotations

import pytest

from aal_desktop.core import bundle as bmod
from aal_desktop.core.bundle import (
    GENESIS,
    Bundle,
    BundleEvent,
    BundleLink,
    BundleRefused,
    BundleReplayed,
    build,
    open_bundle,
    parse,
    verify,
)
from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.signing import SigningKey
from aal_desktop.services import regions
from aal_desktop.services.project import Project
from aal_desktop.store import events as store_events

AT = "2026-12-01T09:00:00.000000+00:00"
ANA = SigningKey.generate()


def log_rows(project: Project, after: int = 0) -> list[BundleEvent]:
    cols = ", ".join(store_events.EVENT_COLUMNS)
    cur = project.db.conn.execute(f"SELECT {cols} FROM events WHERE id > ? ORDER BY id", [after])
    return [
        BundleEvent.from_row(dict(zip(store_events.EVENT_COLUMNS, r, strict=True)))
        for r in cur.fetchall()
    ]


def make_edits(project: Project, doc_id: int, n: int = 3) -> None:
    for i in range(n):
        r = regions.add_region(
            project, doc_id, 0, (70, 90 + 30 * i, 200, 110 + 30 * i), "text", reason="draw ünïcode"
        )
        regions.relabel(project, r.id, "table", reason="was a table")


def first_bundle(project: Project, doc_id: int) -> tuple[Bundle, bytes]:
    make_edits(project, doc_id)
    b = build(
        team="team-1", member="ana", key=ANA, events=log_rows(project), previous=None, created_at=AT
    )
    return b, b.serialize()


def test_a_bundle_carries_every_column_of_the_event_log(project: Project) -> None:
    """The bundle and the store share one field list (core/event_chain.py); it must still
    name every column of the events table but the lead-side provenance `source_hash`."""
    columns = [r[1] for r in project.db.execute("PRAGMA table_info(events)")]
    assert [c for c in columns if c != "source_hash"] == list(bmod.EVENT_FIELDS)
    assert store_events.EVENT_COLUMNS == bmod.EVENT_FIELDS


def test_round_trip_keeps_every_event_and_its_provenance(project: Project, doc_id: int) -> None:
    b, data = first_bundle(project, doc_id)
    back = open_bundle(data, "members/ana/000001.bundle", ANA.public, None, "ana", "team-1")
    assert back == b
    assert back.header.seq == 1 and back.header.prev_bundle_hash == GENESIS
    stored = log_rows(project)
    assert [e.hash for e in back.events] == [e.hash for e in stored]
    assert back.events[0].value("new")["class_key"] == "text"
    assert back.header.log_head_hash == store_events.last_hash(project.db)[1]
    assert back.digest == bmod.bundle_hash(data)
    assert data.count(b"\n") == len(stored) + 2


def test_from_record_gives_the_same_event_as_the_stored_row(project: Project, doc_id: int) -> None:
    make_edits(project, doc_id, 2)
    records = store_events.list_events(project.db)
    assert [BundleEvent.from_record(r) for r in records] == log_rows(project)


def test_chain_continues_across_bundles(project: Project, doc_id: int) -> None:
    b1, d1 = first_bundle(project, doc_id)
    make_edits(project, doc_id, 2)
    b2 = build(
        team="team-1",
        member="ana",
        key=ANA,
        events=log_rows(project, b1.header.log_head_id),
        previous=b1.link(),
        created_at=AT,
    )
    d2 = b2.serialize()
    got1 = open_bundle(d1, "000001", ANA.public, None)
    got2 = open_bundle(d2, "000002", ANA.public, got1.link())
    assert got2.header.seq == 2 and got2.header.prev_bundle_hash == bmod.bundle_hash(d1)
    assert got2.events[0].prev_hash == got1.events[-1].hash
    # The second bundle alone, as if the first had never arrived: refused.
    with pytest.raises(BundleRefused, match="none of ana's earlier bundles was received"):
        open_bundle(d2, "000002", ANA.public, None)


def test_one_byte_flipped_anywhere_is_refused(project: Project, doc_id: int) -> None:
    _, data = first_bundle(project, doc_id)
    refused = 0
    for pos in range(0, len(data), max(1, len(data) // 97)):
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        with pytest.raises(BundleRefused) as err:
            open_bundle(bytes(damaged), "members/ana/000001.bundle", ANA.public, None)
        assert str(err.value).startswith("bundle members/ana/000001.bundle")
        assert "\n" not in str(err.value)
        refused += 1
    assert refused >= 90


def test_a_flipped_value_in_an_event_is_caught_by_the_signature(
    project: Project, doc_id: int
) -> None:
    _, data = first_bundle(project, doc_id)
    damaged = data.replace(b'"class_key\\":\\"table', b'"class_key\\":\\"tablf', 1)
    assert damaged != data and len(damaged) == len(data)
    with pytest.raises(BundleRefused, match="signature does not match ana's key"):
        open_bundle(damaged, "members/ana/000001.bundle", ANA.public, None)


def test_wrong_key_is_refused(project: Project, doc_id: int) -> None:
    b, data = first_bundle(project, doc_id)
    mallory = SigningKey.generate()
    with pytest.raises(BundleRefused, match="not ana's registered key"):
        open_bundle(data, "members/ana/000001.bundle", mallory.public, None)
    # Re-signed by someone else who also rewrites the header's key: the registered key
    # still does not verify it.
    forged = build(
        team="team-1", member="ana", key=mallory, events=b.events, previous=None, created_at=AT
    )
    with pytest.raises(BundleRefused, match="not ana's registered key"):
        open_bundle(forged.serialize(), "members/ana/000001.bundle", ANA.public, None)
    # The header keeps ana's key, the signature is mallory's.
    spoofed = Bundle(b.header, b.events, bmod.signature_text(mallory.sign(b.body())))
    with pytest.raises(BundleRefused, match="signature does not match ana's key"):
        open_bundle(spoofed.serialize(), "members/ana/000001.bundle", ANA.public, None)


@pytest.mark.parametrize("cut", ["mid_line", "last_line", "one_event", "header_only"])
def test_a_bundle_cut_short_is_refused(project: Project, doc_id: int, cut: str) -> None:
    _, data = first_bundle(project, doc_id)
    lines = data.split(b"\n")[:-1]
    short = {
        "mid_line": data[: len(data) - 10],
        "last_line": b"\n".join(lines[:-1]) + b"\n",
        "one_event": b"\n".join(lines[:-2] + lines[-1:]) + b"\n",
        "header_only": lines[0] + b"\n",
    }[cut]
    with pytest.raises(BundleRefused, match=r"cut short"):
        open_bundle(short, "members/ana/000001.bundle", ANA.public, None)


def test_a_replayed_or_duplicated_bundle_is_detected(project: Project, doc_id: int) -> None:
    b1, d1 = first_bundle(project, doc_id)
    make_edits(project, doc_id, 1)
    b2 = build(
        team="team-1",
        member="ana",
        key=ANA,
        events=log_rows(project, b1.header.log_head_id),
        previous=b1.link(),
        created_at=AT,
    )
    applied = b2.link()
    with pytest.raises(BundleReplayed) as dup:
        open_bundle(b2.serialize(), "000002", ANA.public, applied)
    assert dup.value.identical and "a copy of bundle 2" in str(dup.value)
    with pytest.raises(BundleReplayed) as old:
        open_bundle(d1, "000001", ANA.public, applied)
    assert not old.value.identical and "already applied (last applied: 2)" in str(old.value)


def test_a_fork_and_a_gap_are_refused(project: Project, doc_id: int) -> None:
    b1, _ = first_bundle(project, doc_id)
    make_edits(project, doc_id, 1)
    rest = log_rows(project, b1.header.log_head_id)
    b2 = build(team="team-1", member="ana", key=ANA, events=rest, previous=b1.link(), created_at=AT)
    other_b1 = BundleLink("ana", 1, "f" * 64, b1.header.log_head_id, b1.header.log_head_hash)
    with pytest.raises(BundleRefused, match="does not continue ana's chain"):
        verify(b2, ANA.public, other_b1, "000002")
    b3 = build(team="team-1", member="ana", key=ANA, events=[], previous=b2.link(), created_at=AT)
    with pytest.raises(BundleRefused, match=r"bundles 2\.\.2 of ana are missing"):
        verify(b3, ANA.public, b1.link(), "000003")
    verify(b3, ANA.public, b2.link(), "000003")  # the empty bundle itself is fine


def test_events_must_follow_the_last_applied_event(project: Project, doc_id: int) -> None:
    b1, _ = first_bundle(project, doc_id)
    make_edits(project, doc_id, 2)
    skipping = log_rows(project, b1.header.log_head_id + 1)  # one event left out
    with pytest.raises(ValidationFailed, match="cannot bundle ana's events"):
        build(
            team="team-1", member="ana", key=ANA, events=skipping, previous=b1.link(), created_at=AT
        )


def test_a_rewritten_chain_signed_by_the_member_is_still_refused(
    project: Project, doc_id: int
) -> None:
    """A signature proves who; the recomputed hashes prove the events are as logged."""
    b, _ = first_bundle(project, doc_id)
    first = b.events[0].model_dump()
    first["reason"] = "rewritten"
    events = (BundleEvent(**first), *b.events[1:])
    header = b.header
    unsigned = Bundle(header, events, "")
    forged = Bundle(header, events, bmod.signature_text(ANA.sign(unsigned.body())))
    with pytest.raises(BundleRefused, match="event 1 was altered"):
        open_bundle(forged.serialize(), "000001", ANA.public, None)


def test_member_and_team_claims_are_checked(project: Project, doc_id: int) -> None:
    _, data = first_bundle(project, doc_id)
    with pytest.raises(BundleRefused, match="claims to be from 'ana'"):
        open_bundle(data, "members/bob/000001.bundle", ANA.public, None, member="bob")
    with pytest.raises(BundleRefused, match="belongs to team 'team-1', not 'team-2'"):
        open_bundle(data, "000001", ANA.public, None, team="team-2")


def test_non_canonical_spelling_is_refused(project: Project, doc_id: int) -> None:
    _, data = first_bundle(project, doc_id)
    spaced = data.replace(b'{"signature":', b'{"signature": ', 1)
    with pytest.raises(BundleRefused, match="not in canonical form"):
        parse(spaced, "000001")


def test_a_first_bundle_after_joining_starts_where_the_log_stood(
    project: Project, doc_id: int
) -> None:
    make_edits(project, doc_id, 1)
    joined: tuple[int, str] = store_events.last_hash(project.db)
    empty = build(
        team="t", member="ana", key=ANA, events=[], previous=None, created_at=AT, start=joined
    )
    assert (empty.header.log_head_id, empty.header.log_head_hash) == joined
    make_edits(project, doc_id, 1)
    nxt = build(
        team="t",
        member="ana",
        key=ANA,
        events=log_rows(project, joined[0]),
        previous=empty.link(),
        created_at=AT,
    )
    back = open_bundle(
        nxt.serialize(),
        "000002",
        ANA.public,
        open_bundle(empty.serialize(), "000001", ANA.public, None).link(),
    )
    assert back.events[0].id == joined[0] + 1
