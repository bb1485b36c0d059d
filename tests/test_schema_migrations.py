"""Schema migrations over a project: previews equal effects, one schema event per region,
published versions stay byte-identical, invalid plans write nothing, history per version."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.core.errors import PermissionDenied, ValidationFailed
from aal_desktop.core.geometry import Box
from aal_desktop.core.migration_plan import parse_plan
from aal_desktop.core.records import Region
from aal_desktop.services import migrations, regions, schema_history, schemas
from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log
from aal_desktop.store import regions as region_rows
from aal_desktop.store.db import transaction
from aal_desktop.store.events import NewEvent, now_iso

PLAN = """\
from_version: 1
operations:
  - {op: rename, key: text, new_key: paragraph, name: Paragraph}
  - {op: merge, sources: [page_header, page_footer], into: furniture, name: Furniture}
  - op: split
    source: list_item
    targets: [list_item, {key: enum_item, name: Enumerated item, color: "#123456"}]
  - {op: deprecate, key: formula}
  - {op: add_attribute, key: table, attribute: {key: bordered, type: bool, default: false}}
"""


def counts(project: Project) -> tuple[int, int, int, int]:
    q = project.db.execute
    return tuple(
        int(q(f"SELECT COUNT(*) FROM {t}").fetchone()[0])  # type: ignore[return-value]
        for t in ("regions", "events", "schema_versions", "schema_migrations")
    )


def bulk_regions(project: Project, doc_id: int, plan: list[tuple[str, int]]) -> list[Region]:
    """Many regions fast: rows and their create events in one transaction, as add_region does."""
    schemas.ensure_default(project)
    made: list[Region] = []
    now = now_iso()
    with transaction(project.db):
        for class_key, n in plan:
            for i in range(n):
                page = i % 3
                y = 20 + (i // 3) % 700
                r = Region(
                    id=str(uuid.uuid4()),
                    document_id=doc_id,
                    page=page,
                    box=Box(10 + i % 50, y, 300, y + 10),
                    class_key=class_key,
                    schema_version=1,
                    annotator="lead1",
                    created_by="lead1",
                    created_at=now,
                )
                region_rows.insert(project.db, r)
                event_log.append(
                    project.db,
                    NewEvent(
                        kind="region.create",
                        user="lead1",
                        change_type="additive",
                        region_id=r.id,
                        document_id=doc_id,
                        page=page,
                        new=r.snapshot(),
                        schema_version=1,
                        guideline_version="doclaynet-1.0",
                    ),
                    at=now,
                )
                made.append(r)
    return made


@pytest.fixture
def labelled(project: Project, doc_id: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, y in (
        ("text", 100),
        ("text", 200),
        ("page_header", 20),
        ("page_footer", 760),
        ("list_item", 300),
        ("formula", 400),
        ("table", 500),
        ("picture", 600),
    ):
        r = regions.add_region(project, doc_id, 0, (70, y, 300, y + 20), key)
        out.setdefault(key, []).append(r.id)
    regions.delete(project, out["text"][1], reason="duplicate")
    return out


def test_dry_run_counts_equal_what_apply_does(
    project: Project, labelled: dict[str, list[str]]
) -> None:
    plan = parse_plan(PLAN)
    before = counts(project)
    preview = migrations.dry_run(project, plan)
    assert counts(project) == before  # nothing written
    per_op = [(e.op, e.regions, e.documents, e.deleted) for e in preview.operations]
    assert per_op == [
        ("rename", 2, 1, 1),
        ("merge", 2, 1, 0),
        ("split", 1, 1, 0),
        ("deprecate", 1, 1, 0),
        ("add_attribute", 1, 1, 0),
    ]
    assert preview.regions == 7 and preview.to_version == 2
    result = migrations.apply(project, plan, reason="v2 taxonomy")
    assert result.preview.operations == preview.operations
    assert result.events == preview.regions
    r, e, v, m = counts(project)
    assert (r, e, v, m) == (before[0], before[1] + 1 + 7, before[2] + 1, 1)
    written = event_log.list_events(
        project.db, event_log.EventFilter(batch=result.batch, kind="region.schema")
    )
    assert len(written) == 7
    assert {ev.region_id for ev in written} == set(preview.region_ids)
    assert all(ev.change_type == "schema" and ev.schema_version == 2 for ev in written)


def test_every_affected_region_records_its_schema_event(
    project: Project, labelled: dict[str, list[str]]
) -> None:
    result = migrations.apply(project, parse_plan(PLAN), reason="v2 taxonomy")
    expected = {
        "text": "paragraph",
        "page_header": "furniture",
        "page_footer": "furniture",
        "list_item": "list_item",
        "formula": "formula",
        "table": "table",
    }
    for old, new in expected.items():
        for rid in labelled[old]:
            history = regions.history(project, rid)
            last = history[-1]
            assert last.kind == "region.schema" and last.change_type == "schema"
            assert last.batch == result.batch and last.reason == "v2 taxonomy"
            assert last.original["class_key"] == old and last.new["class_key"] == new
            assert last.original["schema_version"] == 1 and last.new["schema_version"] == 2
            r = regions.get(project, rid)
            assert r.class_key == new and r.schema_version == 2
    split = regions.get(project, labelled["list_item"][0])
    assert split.attention == "split: choose one of list_item, enum_item"
    assert regions.get(project, labelled["formula"][0]).attention.startswith("deprecated:")
    assert regions.get(project, labelled["table"][0]).attrs == {"bordered": False}
    picture = regions.get(project, labelled["picture"][0])
    assert picture.schema_version == 1 and len(regions.history(project, picture.id)) == 1
    assert event_log.verify_chain(project.db).ok


def test_published_version_exports_the_same_bytes_after_a_migration(
    project: Project, labelled: dict[str, list[str]]
) -> None:
    yaml_before = schemas.export_text(project, 1, "yaml").encode()
    json_before = schemas.export_text(project, 1, "json").encode()
    result = migrations.apply(project, parse_plan(PLAN))
    migrations.publish(project, result.version)
    assert schemas.export_text(project, 1, "yaml").encode() == yaml_before
    assert schemas.export_text(project, 1, "json").encode() == json_before
    assert schemas.current_version(project) == 2


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ("[{op: rename, key: txt, new_key: para}]", "unknown class 'txt'"),
        (
            "[{op: add_attribute, key: table, attribute: {key: kind, type: text}},"
            " {op: merge, sources: [table], into: picture}]",
            "cannot merge 'table' into existing class 'picture': their attributes differ",
        ),
        ("[{op: split, source: list_item, targets: []}]", "needs at least two targets"),
        ("[{op: rename, key: text, new_key: title}]", "that key already exists"),
    ],
)
def test_invalid_migration_is_refused_and_writes_nothing(
    project: Project, labelled: dict[str, list[str]], ops: str, message: str
) -> None:
    before = counts(project)
    plan = parse_plan(f"from_version: 1\noperations: {ops}\n")
    with pytest.raises(ValidationFailed, match=message):
        migrations.dry_run(project, plan)
    with pytest.raises(ValidationFailed, match=message):
        migrations.apply(project, plan)
    assert counts(project) == before


def test_plan_must_start_from_the_current_version_and_one_draft_at_a_time(
    project: Project, labelled: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationFailed, match="current published version is v1"):
        migrations.dry_run(
            project, parse_plan("from_version: 2\noperations: [{op: deprecate, key: text}]\n")
        )
    migrations.apply(project, parse_plan(PLAN))
    with pytest.raises(ValidationFailed, match="v2 from an earlier migration is still a draft"):
        migrations.apply(
            project, parse_plan("from_version: 1\noperations: [{op: deprecate, key: title}]\n")
        )


def test_annotators_cannot_migrate(project: Project, labelled: dict[str, list[str]]) -> None:
    project.switch_user("ann1")
    before = counts(project)
    with pytest.raises(PermissionDenied, match="only a lead can migrate"):
        migrations.apply(project, parse_plan(PLAN))
    assert counts(project) == before


def test_regions_drawn_while_the_draft_waits_are_brought_along_at_publish(
    project: Project, doc_id: int, labelled: dict[str, list[str]]
) -> None:
    result = migrations.apply(project, parse_plan(PLAN))
    late = regions.add_region(project, doc_id, 1, (70, 100, 300, 120), "text")
    assert late.schema_version == 1  # the draft is not what new regions use yet
    published, caught_up = migrations.publish(project)
    assert published.version == result.version and caught_up == 1
    r = regions.get(project, late.id)
    assert (r.class_key, r.schema_version) == ("paragraph", 2)
    assert regions.history(project, late.id)[-1].batch == result.batch
    assert schemas.current(project).require("paragraph").name == "Paragraph"
    # after publishing, the new classes are what people draw with
    again = regions.add_region(project, doc_id, 1, (70, 200, 300, 220), "enum_item")
    assert again.schema_version == 2


def test_thousands_of_regions_rename_merge_split_and_names_under_every_version(
    project: Project, doc_id: int
) -> None:
    made = bulk_regions(
        project,
        doc_id,
        [
            ("text", 1500),
            ("page_header", 400),
            ("page_footer", 400),
            ("list_item", 500),
            ("picture", 200),
        ],
    )
    plan = parse_plan(PLAN)
    preview = migrations.dry_run(project, plan)
    assert [e.regions for e in preview.operations] == [1500, 800, 500, 0, 0]
    result = migrations.apply(project, plan, reason="big")
    assert result.events == 2800
    migrations.publish(project, result.version)
    plan3 = parse_plan(
        "from_version: 2\noperations:\n"
        "  - {op: rename, key: paragraph, new_key: body, name: Body}\n"
    )
    r3 = migrations.apply(project, plan3)
    assert r3.events == 1500
    by_key = {r.class_key: r for r in made}
    names = schema_history.names_by_version(project, by_key["text"].id)
    assert [(n.version, n.class_key, n.class_name, n.status) for n in names] == [
        (1, "text", "Text", "published"),
        (2, "paragraph", "Paragraph", "published"),
        (3, "body", "Body", "draft"),
    ]
    footer = schema_history.names_by_version(project, by_key["page_footer"].id)
    assert [(n.version, n.class_key) for n in footer] == [
        (1, "page_footer"),
        (2, "furniture"),
        (3, "furniture"),
    ]
    item = schema_history.names_by_version(project, by_key["list_item"].id)
    assert item[1].attention == "split: choose one of list_item, enum_item"
    assert [
        n.class_key for n in schema_history.names_by_version(project, by_key["picture"].id)
    ] == ["picture"] * 3
    assert len(migrations.attention(project)) == 500
    assert event_log.verify_chain(project.db).ok


# --- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--user", "lead1", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_dry_run_migrate_diff_attention_and_names(
    project: Project,
    labelled: dict[str, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = project.path
    f = tmp_path / "plan.yaml"
    f.write_text(PLAN, encoding="utf-8")
    code, out, _ = run(capsys, db, "schema", "migrate", str(f), "--dry-run", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["dry_run"] is True and data["regions"] == 7 and data["to_version"] == 2
    assert [op["regions"] for op in data["operations"]] == [2, 2, 1, 1, 1]
    assert schemas.latest_version(project) == 1
    code, out, _ = run(capsys, db, "schema", "migrate", str(f), "--dry-run")
    assert code == 0 and "rename text → paragraph" in out and "dry run: nothing was changed" in out

    code, out, _ = run(capsys, db, "schema", "migrate", str(f), "--reason", "taxonomy", "--json")
    assert code == 0
    applied = json.loads(out)
    assert applied["version"] == 2 and applied["events"] == 7

    code, out, _ = run(capsys, db, "schema", "diff", "1", "2", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["renamed"][0]["new_key"] == "paragraph"
    assert d["split"] == [{"source": "list_item", "targets": ["list_item", "enum_item"]}]
    code, out, _ = run(capsys, db, "schema", "diff", "1", "2")
    assert code == 0 and out.startswith("# Schema v1 → v2") and "## Merged" in out

    code, out, _ = run(capsys, db, "schema", "attention", "--json")
    assert code == 0
    flagged = {r["class_key"]: r["attention"] for r in json.loads(out)}
    assert set(flagged) == {"list_item", "formula"}

    rid = labelled["text"][0]
    code, out, _ = run(capsys, db, "schema", "names", rid, "--json")
    assert code == 0
    assert [(n["version"], n["class_key"]) for n in json.loads(out)] == [
        (1, "text"),
        (2, "paragraph"),
    ]


def test_cli_refuses_an_invalid_plan_with_exit_1_and_writes_nothing(
    project: Project,
    labelled: dict[str, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = counts(project)
    f = tmp_path / "bad.yaml"
    f.write_text("from_version: 1\noperations:\n  - {op: split, source: text}\n", encoding="utf-8")
    code, out, err = run(capsys, project.path, "schema", "migrate", str(f))
    assert code == 1 and out == ""
    assert "aal: operation 1 (split text → (no targets)): split of 'text' needs at least two" in err
    code, _, err = run(capsys, project.path, "schema", "migrate", str(tmp_path / "none.yaml"))
    assert code == 1 and "no such file" in err
    assert counts(project) == before
