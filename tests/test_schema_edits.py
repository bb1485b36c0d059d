"""The operations the schema editor's class form stages (core/schema_edits.py), applied by
the migration code that will run them: the class comes out as the form showed it."""

from __future__ import annotations

import re

from aal_desktop.core import schema_edits
from aal_desktop.core.migration import apply_plan
from aal_desktop.core.migration_plan import MigrationPlan
from aal_desktop.core.schema import AttributeDef, LabelClass, LabelSchema


def schema(*extra: LabelClass) -> LabelSchema:
    table = LabelClass(
        key="table",
        name="Table",
        color="#1b9e77",
        hotkey="t",
        attributes=[AttributeDef(key="bordered", type="bool")],
    )
    text = LabelClass(key="text", name="Text", color="#d95f02")
    return LabelSchema(name="layout", version=1, status="published", classes=[table, text, *extra])


def applied(base: LabelSchema, ops: list[dict]) -> LabelSchema:
    plan = MigrationPlan.model_validate({"from_version": base.version, "operations": ops})
    return apply_plan(base, plan)


def test_an_edited_class_comes_out_of_its_operations_as_the_form_showed_it() -> None:
    base = schema()
    old = base.require("table")
    new = old.model_copy(
        update={
            "key": "data_table",
            "name": "Data table",
            "color": "#e7298a",
            "description": "rows and columns",
            "attributes": [
                AttributeDef(key="bordered", type="bool", required=True, default=False),
                AttributeDef(key="caption", type="text"),  # added
            ],
        }
    )
    ops = schema_edits.class_change_operations(old, new)
    assert [op["op"] for op in ops] == ["rename", "update", "remove_attribute"] + [
        "add_attribute"
    ] * 2
    after = applied(base, ops)
    assert after.get("table") is None
    got = after.require("data_table")
    assert (got.name, got.color, got.description, got.hotkey) == (
        "Data table",
        "#e7298a",
        "rows and columns",
        "t",
    )
    assert sorted(got.attributes, key=lambda a: a.key) == sorted(
        new.attributes, key=lambda a: a.key
    )
    assert after.require("text") == base.require("text")


def test_an_unchanged_class_stages_nothing_and_a_name_alone_is_a_rename() -> None:
    old = schema().require("text")
    assert schema_edits.class_change_operations(old, old) == []
    renamed = old.model_copy(update={"name": "Body text"})
    assert schema_edits.class_change_operations(old, renamed) == [
        {"op": "rename", "key": "text", "name": "Body text"}
    ]


def test_a_new_class_and_a_split_into_new_keys_define_those_classes() -> None:
    base = schema()
    colour = schema_edits.fresh_colour(base)
    assert colour not in {c.color for c in base.classes}
    fresh = LabelClass(key="footnote", name="Footnote", color=colour, hotkey="f")
    split = schema_edits.split_operation(base, "text", ["text", "abstract", "table"])
    assert split["targets"][0] == "text" and split["targets"][2] == "table"
    assert split["targets"][1]["name"] == "Abstract"
    after = applied(base, [schema_edits.add_operation(fresh), split])
    assert after.require("footnote").hotkey == "f"
    assert after.require("abstract").color == split["targets"][1]["color"]


def test_fresh_colours_skip_the_schemas_and_the_staged_ones_then_leave_the_palette() -> None:
    base = schema()
    staged = list(schema_edits.NEW_CLASS_COLOURS)  # the whole palette is taken
    colours = set()
    for _ in range(20):
        c = schema_edits.fresh_colour(base, staged)
        assert re.fullmatch(r"#[0-9a-f]{6}", c) and c not in staged
        colours.add(c)
        staged.append(c)
    assert len(colours) == 20
    assert schema_edits.added_classes(
        [{"op": "add", "class": {"key": "a"}}, {"op": "rename"}, "junk", {"op": "add"}]
    ) == [{"key": "a"}]
