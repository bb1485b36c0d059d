"""User names are identities: normalised, compared case-folded, look-alikes refused."""

from __future__ import annotations

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.names import name_key, normalize_name, printable


def test_spaces_and_compatibility_forms_are_normalised() -> None:
    assert normalize_name("  ann   lee ") == "ann lee"
    assert normalize_name("ｌｅａｄ") == "lead"  # full-width letters (NFKC)


def test_case_does_not_make_another_person() -> None:
    assert name_key("LEAD") == name_key(" lead") == name_key("Lead")


def test_a_cyrillic_look_alike_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="mixes Cyrillic and Latin letters"):
        normalize_name("l\u0435ad")  # U+0435 CYRILLIC SMALL LETTER IE


def test_one_script_other_than_latin_is_a_name() -> None:
    assert normalize_name("Анна") == "Анна"
    assert normalize_name("李明") == "李明"


def test_control_and_invisible_characters_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="control or invisible"):
        normalize_name("ann\x1b[31m")
    with pytest.raises(ValidationFailed, match="control or invisible"):
        normalize_name("ann\u200b")  # zero-width space
    with pytest.raises(ValidationFailed, match="empty"):
        normalize_name("   ")


def test_printable_strips_escape_sequences() -> None:
    assert printable("ok\x1b[2J\x1b[31mred\x1b[0m") == "okred"
    assert printable("a\tb\nc\x07") == "a b c"
    assert printable("title\x1b]0;pwned\x07 done") == "title done"
    assert printable(None) == ""


def test_printable_keeps_printable_text_as_it_is() -> None:
    for text in ("plain", "Ünïcode “quotes” — 日本語", "", "a b"):
        assert printable(text) == text
    assert printable("Ünïcode\x9b2J") == "Ünïcode2J"  # a C1 control still goes
