"""Fuzzed schema, migration and attribute inputs: the parsers answer ValidationFailed (one
clear message) to anything, never another exception, never a hang or a memory blow-up."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.migration_plan import parse_plan
from aal_desktop.core.schema import default_schema, parse_schema, validate_attributes

from .harness import _schema_with_attributes, scaled

FUZZ = settings(
    max_examples=scaled(150, 2000),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SCHEMA_YAML = default_schema().to_yaml()
PLAN_YAML = (
    "from_version: 1\noperations:\n  - {op: rename, key: text, new_key: body, "
    "name: Body}\n  - {op: merge, sources: [page_header, page_footer], into: furn, "
    "name: Furn}\n"
)

# JSON-like trees, and YAML built from pieces of real documents (keys, anchors, tags)
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
trees = st.recursive(
    leaves,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=10), kids, max_size=4)
    ),
    max_leaves=20,
)
yaml_bits = st.lists(
    st.sampled_from(
        [
            "classes:",
            "- key: text",
            "  name: Text",
            "attributes:",
            "  - key: conf",
            "type: number",
            "&a [*a, *a]",
            "*a",
            "!!python/object:os.system",
            "key: key",
            "version: 1",
            "---",
            "{",
            "operations:",
            "- op: merge_classes",
            "  into: x",
            "from: [a, b]",
            "\t",
            "? complex",
            "name: x",
            "name: y",
            "<<: *a",
            "'",
            '"\\x00"',
            ".nan",
            "1e999",
            "~",
        ]
    ),
    max_size=12,
).map("\n".join)


def _only_validation_failed(parse: Any, text: str | bytes) -> None:
    try:
        parse(text)
    except ValidationFailed as exc:
        assert str(exc).strip()


@FUZZ
@given(
    st.text(max_size=400)
    | yaml_bits
    | st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace"))
)
def test_schema_parser_only_refuses_with_validation_failed(text: str) -> None:
    _only_validation_failed(parse_schema, text)


@FUZZ
@given(st.integers(0, len(SCHEMA_YAML)), st.text(max_size=30))
def test_mutated_real_schema_only_refuses_with_validation_failed(at: int, insert: str) -> None:
    _only_validation_failed(parse_schema, SCHEMA_YAML[:at] + insert + SCHEMA_YAML[at:])


@FUZZ
@given(trees)
def test_schema_from_any_json_tree(tree: Any) -> None:
    _only_validation_failed(parse_schema, json.dumps(tree))
    _only_validation_failed(parse_plan, json.dumps(tree))


@FUZZ
@given(st.text(max_size=300) | yaml_bits, st.integers(0, len(PLAN_YAML)))
def test_migration_parser_only_refuses_with_validation_failed(text: str, at: int) -> None:
    _only_validation_failed(parse_plan, text)
    _only_validation_failed(parse_plan, PLAN_YAML[:at] + text + PLAN_YAML[at:])


CLS = _schema_with_attributes().require("text")


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["conf", "kind", "ok", "other", ""]),
        leaves | st.text(max_size=8),
        max_size=4,
    )
)
def test_attributes_are_valid_and_storable_or_refused(values: dict[str, Any]) -> None:
    try:
        checked = validate_attributes(CLS, values)
    except ValidationFailed:
        return
    json.dumps(checked, allow_nan=False)  # what is accepted can always be stored and read
    assert set(checked) <= {"conf", "kind", "ok"}


def test_the_fuzz_inputs_include_real_documents() -> None:
    """The fuzz above is not fuzzing only garbage: the seeds it mutates do parse."""
    assert parse_schema(SCHEMA_YAML).classes
    assert parse_plan(PLAN_YAML).operations
    assert yaml.safe_load(SCHEMA_YAML)["classes"]
