"""People's names as identities: one spelling per person, no look-alikes, nothing that drives
the terminal.

" lead", "LEAD" and a Cyrillic "lеad" looked like one user and were three. A name is stored
NFKC-normalised with its spaces collapsed, compared case-folded, and refused when it mixes
scripts (Latin with Cyrillic or Greek letters: the classic look-alike) or holds control
characters. Text that came from a person (names, reasons) is printed through `printable`, so
an escape sequence in a reason cannot rewrite the terminal.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ValidationFailed

MAX_NAME = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


def _script(ch: str) -> str | None:
    """The script of a letter among those that share look-alike shapes, else None."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in _SCRIPTS:
        if name.startswith(script):
            return script
    return None


def normalize_name(raw: str) -> str:
    """The one stored spelling of a user name; refuses what could impersonate someone."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name:
        raise ValidationFailed("a user name cannot be empty")
    if _CONTROL.search(name) or any(unicodedata.category(c) in {"Cf", "Co", "Cs"} for c in name):
        raise ValidationFailed(
            f"the user name {printable(raw)!r} holds control or invisible characters"
        )
    if len(name) > MAX_NAME:
        raise ValidationFailed(f"a user name has at most {MAX_NAME} characters")
    scripts = {s for s in map(_script, name) if s is not None}
    if len(scripts) > 1:
        raise ValidationFailed(
            f"the user name {name!r} mixes {' and '.join(sorted(s.title() for s in scripts))} "
            "letters, which makes it look like another name; write it in one script"
        )
    return name


def name_key(name: str) -> str:
    """What two names are compared by: normalised and case-folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def printable(text: str | None) -> str:
    """Text from a person made safe for a terminal: escape sequences and control characters
    removed (a tab or newline becomes a space)."""
    if text is None:
        return ""
    if text.isprintable():  # no control character, so no escape sequence: the common case
        return text
    text = _ANSI.sub("", text)
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)
