"""JSON as the database stores it: finite numbers only on the way in, tolerant on the way out.

Python's json writes NaN and Infinity, which SQLite's JSON functions cannot parse: one such
value in an event made `aal version create` fail with "malformed JSON" for good (issue 19).
New values are refused where they are written; values an older version already stored are
read as null, and SQL that looks inside JSON goes through `field`, which is NULL (not an
error) on text SQLite cannot parse.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.errors import ValidationFailed


def dumps(value: Any, **options: Any) -> str:
    """`json.dumps` that refuses NaN and infinity with a clear message."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        raise ValidationFailed(
            "a value to store is not a finite number (NaN or infinity); only finite numbers "
            "can be saved"
        ) from None


def _not_a_number(_word: str) -> None:
    return None


_DECODER = json.JSONDecoder(parse_constant=_not_a_number)


def loads(text: str) -> Any:
    """`json.loads` that reads an old NaN, Infinity or -Infinity as null.

    One shared decoder: `json.loads` with an option builds a new decoder on every call,
    which was a fifth of reading a page of events."""
    if not isinstance(text, str) or text.startswith("\ufeff"):  # json.loads' own errors
        return json.loads(text, parse_constant=_not_a_number)
    return _DECODER.decode(text)


def field(column: str, path: str) -> str:
    """SQL for `json_extract(column, path)`: NULL instead of an error on unreadable JSON."""
    return f"(CASE WHEN json_valid({column}) THEN json_extract({column}, '{path}') END)"
