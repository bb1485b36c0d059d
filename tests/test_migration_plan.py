"""Migration plans: parsed with clear errors, applied to a schema as a pure function, refused
when invalid with a message that names the operation and the fix."""

from __future__ import annotations

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.migration import Label, apply_plan, rewrite_region, steps
from aal_desktop.core.migration_plan import AddAttribute, MigrationPlan, RenameClass, parse_plan
from aal_desktop.core.schema import AttributeDef, LabelClass, LabelSchema, default_schema

PLAN = """\
from_version: 1
description: tidy up
operations:
  - {op: rename, key: text, new_key: paragraph, name: Paragraph}
  - {op: merge, sources: [page_header, page_footer], into: furniture, name: Furniture}
  - op: split
    source: list_item
    targets: [list_item, {key: enum_item, name: Enumerated item, color: "#123456"}]
  - {op: deprecate, key: formula, reason: rare}
  - {op: add_attribute, key: table, attribute: {key: bordered, type: bool, default: false}}
  - {op: update, key: title, color: "#FF0000", hotkey: null}
  - {op: add, class: {key: chart, name: Chart, color: "#00aa00", hotkey: g, snap_to_text: false}}
"""


def with_attrs() -> LabelSchema:
    s = default_schema()
    classes = []
    for c in s.classes:
        if c.key == "table":
            c = c.model_copy(
                update={
                    "attributes": [
                        AttributeDef(key="bordered", type="bool"),
                        AttributeDef(key="kind", type="enum", options=["data", "layout"]),
                    ]
                }
            )
        classes.append(c)
    return s.model_copy(update={"classes": classes})


def test_a_plan_makes_the_next_draft_schema() -> None:
    plan = parse_plan(PLAN, "m.yaml")
    new = apply_plan(default_schema(), plan)
    assert new.version == 2 and new.status.value == "draft"
    keys = [c.key for c in new.classes]
    assert "text" not in keys and "paragraph" in keys
    assert new.require("paragraph").name == "Paragraph"
    assert new.require("paragraph").hotkey == "t"  # the key changed, not the rest
    assert "page_header" not in keys and "page_footer" not in keys
    assert new.require("furniture").name == "Furniture"
    assert new.require("enum_item").color == "#123456"
    assert not new.require("list_item").deprecated  # the source is one of the targets
    assert new.require("formula").deprecated
    assert new.require("table").attribute("bordered") is not None
    assert new.require("title").color == "#ff0000" and new.require("title").hotkey is None
    assert new.require("chart").hotkey == "g"
    # layout-model mapping follows renames and merges
    assert new.model_mapping["text"] == "paragraph"
    assert new.model_mapping["page-header"] == new.model_mapping["page-footer"] == "furniture"


def test_plan_round_trips_through_yaml_and_json() -> None:
    plan = parse_plan(PLAN, "m.yaml")
    again = parse_plan(plan.to_yaml(), "again.yaml")
    assert again == plan
    assert parse_plan(plan.to_json(), "again.json") == plan
    made = MigrationPlan(from_version=1, operations=[RenameClass(key="text", name="Body")])
    assert "op: rename" in made.to_yaml()
    assert parse_plan(made.to_yaml()).operations[0] == made.operations[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "from_version: 1\noperations:\n  - {op: renam, key: text}\n",
            "m.yaml line 3 (operations[0]): 'op' must be one of add, rename",
        ),
        (
            "from_version: 1\noperations:\n  - op: rename\n    key: text\n    new_kee: x\n",
            "m.yaml line 5 (operations[0].new_kee): unknown field 'new_kee'",
        ),
        ("from_version: 1\noperations: []\n", "operations"),
        ("operations:\n  - {op: deprecate, key: text}\n", "field 'from_version' is required"),
        (
            "from_version: 1\noperations:\n  - {op: rename, key: text}\n",
            "rename of 'text' needs 'new_key' and/or 'name'",
        ),
        ("- a\n- b\n", "must hold a mapping"),
        ("from_version: 1\noperations: [\n", "not valid YAML"),
    ],
)
def test_parse_errors_name_the_line_and_the_field(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_plan(text, "m.yaml")
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            "[{op: rename, key: txt, new_key: para}]",
            "operation 1 (rename txt → para): unknown class 'txt'; classes are: caption",
        ),
        (
            "[{op: rename, key: text, new_key: title}]",
            "cannot rename 'text' onto 'title': that key already exists",
        ),
        (
            "[{op: merge, sources: [table, text], into: picture}]",
            "cannot merge 'table' into existing class 'picture': their attributes differ",
        ),
        ("[{op: split, source: text, targets: []}]", "split of 'text' needs at least two targets"),
        (
            "[{op: split, source: text, targets: [text, nowhere]}]",
            "split target 'nowhere' is not a class",
        ),
        (
            "[{op: deprecate, key: text}, {op: deprecate, key: text}]",
            "operation 2 (deprecate text): class 'text' is already deprecated",
        ),
        (
            "[{op: add, class: {key: text, name: T, color: '#000000'}}]",
            "class 'text' already exists",
        ),
        (
            "[{op: add, class: {key: t2, name: T, color: '#000000', hotkey: t}}]",
            "hotkey 't' of class 't2' is already used by class 'text'",
        ),
        (
            "[{op: add_attribute, key: text, attribute: {key: lang, type: text, required: true}}]",
            "required attribute 'lang' needs a 'default'",
        ),
        (
            "[{op: remove_attribute, key: table, attribute: colour}]",
            "class 'table' has no attribute 'colour' (bordered:bool, kind:enum)",
        ),
        (
            "[{op: rename_attribute, key: table, attribute: kind, new_attribute: bordered}]",
            "class 'table' already has attribute 'bordered'",
        ),
        ("[{op: update, key: text, parent: nothing}]", "unknown class 'nothing'"),
    ],
)
def test_invalid_operations_are_refused_with_the_reason(ops: str, message: str) -> None:
    plan = parse_plan(f"from_version: 1\noperations: {ops}\n")
    with pytest.raises(ValidationFailed) as exc:
        apply_plan(with_attrs(), plan)
    assert message in str(exc.value)
    assert "nothing was changed" in str(exc.value)


def test_a_plan_for_another_version_is_refused() -> None:
    plan = parse_plan("from_version: 3\noperations: [{op: deprecate, key: text}]\n")
    with pytest.raises(ValidationFailed, match="starts from schema v3 but it is being applied"):
        apply_plan(default_schema(), plan)


def test_merge_into_an_existing_class_with_the_same_attributes_is_allowed() -> None:
    s = with_attrs()
    twin = s.require("table").model_copy(update={"key": "grid", "name": "Grid", "hotkey": "g"})
    s = LabelSchema.model_validate(
        {**s.model_dump(), "classes": [*[c.model_dump() for c in s.classes], twin.model_dump()]}
    )
    plan = parse_plan("from_version: 1\noperations: [{op: merge, sources: [grid], into: table}]\n")
    new = apply_plan(s, plan)
    assert new.get("grid") is None and new.require("table").name == "Table"


def test_merge_into_a_new_key_unites_the_attributes() -> None:
    plan = parse_plan(
        "from_version: 1\noperations: "
        "[{op: merge, sources: [table, picture], into: graphic, color: '#010203'}]\n"
    )
    new = apply_plan(with_attrs(), plan)
    g = new.require("graphic")
    assert [a.key for a in g.attributes] == ["bordered", "kind"]
    assert g.name == "Graphic" and g.color == "#010203"


def test_split_without_the_source_keeps_it_deprecated() -> None:
    plan = parse_plan("""from_version: 1
operations:
  - op: split
    source: text
    targets:
      - {key: body, name: Body, color: "#111111"}
      - {key: abstract, name: Abstract, color: "#222222"}
""")
    new = apply_plan(default_schema(), plan)
    assert new.require("text").deprecated
    assert {"body", "abstract"} <= {c.key for c in new.classes}


def test_region_rewrites_per_operation() -> None:
    s = with_attrs()
    plan = parse_plan("""from_version: 1
operations:
  - {op: rename, key: table, new_key: grid}
  - {op: rename_attribute, key: grid, attribute: kind, new_attribute: purpose, default: data}
  - {op: remove_attribute, key: grid, attribute: bordered}
  - {op: merge, sources: [caption, footnote], into: note}
  - {op: split, source: text, targets: [text, title]}
  - {op: deprecate, key: formula}
""")
    st = steps(s, plan)
    label = Label("table", {"bordered": True}, None)
    for step in st:
        label = rewrite_region(step, label)
    assert label == Label("grid", {"purpose": "data"}, None)
    text = Label("text", {}, None)
    for step in st:
        text = rewrite_region(step, text)
    assert text.attention == "split: choose one of text, title"
    formula = Label("formula", {}, None)
    for step in st:
        formula = rewrite_region(step, formula)
    assert formula.attention is not None and formula.attention.startswith("deprecated:")
    untouched = Label("picture", {}, None)
    assert all(rewrite_region(step, untouched) is untouched for step in st)


def test_add_attribute_gives_existing_regions_its_default() -> None:
    s = default_schema()
    plan = MigrationPlan(
        from_version=1,
        operations=[
            AddAttribute(
                key="text",
                attribute=AttributeDef(
                    key="lang", type="enum", options=["en", "de"], default="en", required=True
                ),
            )
        ],
    )
    (step,) = steps(s, plan)
    assert rewrite_region(step, Label("text", {}, None)).attrs == {"lang": "en"}
    assert rewrite_region(step, Label("text", {"lang": "de"}, None)).attrs == {"lang": "de"}
    assert isinstance(step.after.require("text"), LabelClass)
