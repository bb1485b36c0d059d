"""Label schema: validation that explains itself, YAML/JSON round trips, frozen versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aal_desktop.core.errors import Frozen, PermissionDenied, ValidationFailed
from aal_desktop.core.schema import LabelSchema, default_schema, parse_schema
from aal_desktop.services import schemas, users
from aal_desktop.services.project import Project

GOOD = """\
name: Invoices
guideline_version: g-2
classes:
  - key: total
    name: Total
    color: "#ff0000"
    hotkey: t
    attributes:
      - {key: currency, type: enum, options: [EUR, USD], required: true}
      - {key: handwritten, type: bool}
  - key: logo
    name: Logo
    color: "#00ff00"
    hotkey: l
    snap_to_text: false
"""


def test_default_schema_is_the_eleven_doclaynet_classes() -> None:
    s = default_schema()
    assert [c.name for c in s.classes] == [
        "Caption",
        "Footnote",
        "Formula",
        "List-item",
        "Page-footer",
        "Page-header",
        "Picture",
        "Section-header",
        "Table",
        "Text",
        "Title",
    ]
    assert len({c.color for c in s.classes}) == 11
    assert len({c.hotkey for c in s.classes}) == 11
    assert not s.get("picture").snap_to_text and not s.get("table").snap_to_text
    assert s.get("text").snap_to_text
    assert s.status == "published"


def test_yaml_and_json_round_trip() -> None:
    s = parse_schema(GOOD, "inv.yaml")
    assert parse_schema(s.to_yaml(), "again.yaml") == s
    assert parse_schema(s.to_json(), "again.json") == s
    assert s.get("total").attribute("currency").options == ["EUR", "USD"]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (('color: "#00ff00"', "color: green"), r"line 13 \(classes\[1\]\.color\).*#RRGGBB"),
        (
            ("hotkey: l", "hotkey: t"),
            r"hotkey 't' of class 'logo' is already used by class 'total'",
        ),
        (("key: logo", "key: total"), r"class key 'total' is used twice"),
        (("type: bool", "type: date"), r"line 10 .*attributes\[1\]\.type.*'bool', 'enum'"),
        (("snap_to_text: false", "snap_to_txt: false"), r"unknown field 'snap_to_txt'"),
        (("options: [EUR, USD], ", ""), r"enum attribute 'currency' needs a non-empty 'options'"),
    ],
)
def test_validation_names_the_line_field_and_fix(mutation: tuple[str, str], expected: str) -> None:
    bad = GOOD.replace(*mutation)
    assert bad != GOOD
    with pytest.raises(ValidationFailed, match=expected) as info:
        parse_schema(bad, "inv.yaml")
    assert str(info.value).startswith("inv.yaml")


def test_broken_yaml_and_json_say_where() -> None:
    with pytest.raises(ValidationFailed, match=r"bad.yaml line 4: not valid YAML"):
        parse_schema("name: x\nclasses:\n  - key: [unclosed\n", "bad.yaml")
    with pytest.raises(ValidationFailed, match=r"bad.json line 2: not valid JSON"):
        parse_schema('{"name": "x",\n "classes": [}', "bad.json")


def test_project_starts_with_published_default(project: Project) -> None:
    assert schemas.current_version(project) == 1
    assert schemas.current(project).classes == default_schema().classes


def test_import_publish_and_frozen(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "inv.yaml"
    f.write_text(GOOD)
    draft = schemas.import_file(project, f)
    assert (draft.version, draft.status) == (2, "draft")
    assert schemas.current_version(project) == 1  # drafts are not used for new regions
    published = schemas.publish(project)
    assert published.version == 2 and schemas.current_version(project) == 2
    exported = schemas.export_text(project, 2, "json")
    assert LabelSchema.model_validate_json(exported).get("total") is not None
    with pytest.raises(Frozen):
        schemas.publish(project, 2)
    with pytest.raises(Frozen):
        schemas.update_draft(project, published)
    with pytest.raises(sqlite3.DatabaseError, match="frozen"):
        project.db.execute("UPDATE schema_versions SET body = '{}' WHERE version = 2")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        project.db.execute("DELETE FROM schema_versions WHERE version = 1")
    assert schemas.export_text(project, 2, "json") == exported


def test_annotators_cannot_publish(project: Project, tmp_path: Path) -> None:
    users.add_user(project, "ann", "annotator")
    f = tmp_path / "inv.yaml"
    f.write_text(GOOD)
    schemas.import_file(project, f)
    project.switch_user("ann")
    with pytest.raises(PermissionDenied):
        schemas.publish(project)


def test_bad_schema_file_writes_nothing(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace("hotkey: l", "hotkey: t"))
    before = len(schemas.list_versions(project))
    with pytest.raises(ValidationFailed):
        schemas.import_file(project, f)
    assert len(schemas.list_versions(project)) == before


def test_alias_bomb_and_duplicate_keys_in_a_schema_are_refused() -> None:
    bomb = "name: x\na: &a [1, 1, 1]\nb: [*a, *a, *a]\nclasses: []\n"
    with pytest.raises(ValidationFailed, match=r"bomb.yaml: line 3: YAML aliases"):
        parse_schema(bomb, "bomb.yaml")
    with pytest.raises(ValidationFailed, match=r"the key 'name' appears twice"):
        parse_schema(GOOD + "name: again\n", "dup.yaml")
    with pytest.raises(ValidationFailed, match=r"dup.json: the key 'name' appears twice"):
        parse_schema('{"name": "a", "name": "b", "classes": []}', "dup.json")


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", float("nan"), float("inf")])
def test_number_attributes_take_only_finite_numbers(raw: object) -> None:
    from aal_desktop.core.schema import AttributeDef, coerce_attribute

    attr = AttributeDef(key="conf", type="number")
    with pytest.raises(ValueError, match=r"attribute 'conf' is a number; .*only finite numbers"):
        coerce_attribute(attr, raw)
    assert coerce_attribute(attr, "1.5") == 1.5 and coerce_attribute(attr, "2") == 2
