"""Plain English in messages: "1 page" / "2 pages", "a lead" / "an annotator".

Messages built with f-strings said "1 pages" and "user ann is a annotator"; every count and
every article in front of a variable word goes through these two helpers.
"""

from __future__ import annotations

_IRREGULAR = {"person": "people", "is": "are", "has": "have", "was": "were"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """`n` and the noun, singular for exactly one: plural(1, "page") == "1 page"."""
    return f"{n} {noun_for(n, noun, many)}"


def noun_for(n: int, noun: str, many: str | None = None) -> str:
    """The noun alone, in the form `n` asks for."""
    if n == 1:
        return noun
    if many is not None:
        return many
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def article(word: str) -> str:
    """The word with "a" or "an" in front (by its first letter's sound, close enough for
    the words we print: roles, statuses, formats)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
