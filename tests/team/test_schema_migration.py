"""A schema migration published while members work on the old version: their pull applies
it to their regions as the lead did, and the lead's merge takes their old-version work
through the same migration instead of refusing it or calling it a conflict."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_pdf

from .harness import make_team

PLAN = (
    "from_version: 1\noperations:\n"
    "  - {op: rename, key: text, new_key: paragraph, name: Paragraph}\n"
)


def test_migration_published_while_members_work_on_the_old_version(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    root = tmp_path / "people"
    lead, (ann, bob) = make_team(
        root, str(shared), [make_pdf(tmp_path / "d1.pdf")], ("ann", "bob"), {1: ("ann", "bob")}
    )
    r0 = ann.ok_json("region", "add", "1", "1", "72", "90", "200", "110", "text")["id"]
    t0 = ann.ok_json("region", "add", "1", "1", "72", "200", "200", "220", "title")["id"]
    ann.sync()
    lead.sync()
    bob.sync()  # bob has nothing of ann's (double annotation), but the same schema
    # the lead migrates text -> paragraph and publishes, while both keep working on v1
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    lead.ok("schema", "migrate", str(plan), "--reason", "DocLayNet text is a paragraph")
    lead.ok("schema", "publish")
    assert lead.regions()[r0]["class_key"] == "paragraph"
    r1 = ann.ok_json("region", "add", "1", "1", "72", "130", "200", "150", "text")["id"]
    ann.ok("region", "move", r0, "70", "88", "205", "112")
    ann.ok("region", "move", t0, "70", "198", "205", "222")  # a class the plan leaves alone
    b1 = bob.ok_json("region", "add", "1", "1", "72", "130", "200", "150", "text")["id"]
    lead.sync()  # publishes v2
    for member in (ann, bob):
        member.sync()
        assert [v["version"] for v in member.ok_json("schema", "list")][-1] == 2
    assert {r["class_key"] for r in ann.regions().values()} == {"paragraph", "title"}
    assert {r["class_key"] for r in bob.regions().values()} == {"paragraph"}
    merged = lead.sync()
    assert (merged["applied"], merged["conflicts"], merged["refused"]) == (4, 0, 0)
    assert lead.regions()[t0]["box"] == [70, 198, 205, 222]
    regions = lead.regions()
    assert {regions[r]["class_key"] for r in (r0, r1, b1)} == {"paragraph"}
    assert regions[r0]["box"] == [70, 88, 205, 112]
    for p in (lead, ann, bob):
        p.verify()
