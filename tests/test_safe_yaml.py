"""YAML from users: aliases, duplicate keys and oversized files are refused with one line."""

from __future__ import annotations

import time

import pytest

from aal_desktop.core import safe_yaml
from aal_desktop.core.errors import ValidationFailed

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_plain_yaml_and_json_load() -> None:
    assert safe_yaml.load("name: x\nclasses: [{key: a}]\n") == {
        "name": "x",
        "classes": [{"key": "a"}],
    }
    assert safe_yaml.load(b'{"a": 1, "b": [1, 2]}') == {"a": 1, "b": [1, 2]}


def test_alias_bomb_is_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(ValidationFailed, match=r"schema\.yaml: line 2: YAML aliases \(\*a\)"):
        safe_yaml.load(BOMB, "schema.yaml")
    assert time.perf_counter() - start < 5


def test_duplicate_key_is_refused_naming_key_and_line() -> None:
    with pytest.raises(ValidationFailed, match=r"line 3: the key 'name' appears twice"):
        safe_yaml.load("name: a\nversion: 1\nname: b\n", "s.yaml")


def test_duplicate_key_in_a_nested_mapping_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="'key' appears twice"):
        safe_yaml.load("classes:\n  - {key: a, key: b}\n")


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(ValidationFailed, match="over the 5 MB limit"):
        safe_yaml.load("a: 1\n" * (safe_yaml.MAX_BYTES // 4), "big.yaml")


def test_too_many_nodes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_yaml, "MAX_NODES", 50)
    with pytest.raises(ValidationFailed, match="more than 50 YAML nodes"):
        safe_yaml.load("[" + ", ".join(str(i) for i in range(100)) + "]")


def test_broken_yaml_gives_one_line_with_the_line_number() -> None:
    with pytest.raises(ValidationFailed) as info:
        safe_yaml.load("a: [1, 2\nb: 3\n", "plan.yaml")
    message = str(info.value)
    assert message.startswith("plan.yaml line 2: not valid YAML (")
    assert "\n" not in message
