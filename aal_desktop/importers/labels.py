"""Foreign labels → class keys: the `--map` file, and the names that match on their own.

A label maps by the map file first; else when it spells a class key or a class name
(ignoring case, spaces, hyphens and underscores: DocLayNet's "Page-header" is our
`page_header`). A map value of null leaves that label out on purpose (counted as skipped).
Whatever maps nowhere refuses the whole import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ValidationFailed

MAX_MAP_BYTES = 1024 * 1024
LEFT_OUT = "label left out by the map"


@dataclass(frozen=True)
class LabelChoice:
    """Where one foreign label goes and why: "map", "key", "name", "left out" or None."""

    label: str
    class_key: str | None
    how: str | None
    count: int = 0


def normalized(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def parse_map(text: str, source: str = "<map>") -> dict[str, str | None]:
    """A YAML (or JSON) mapping {foreign label: class key or null}.

    Anchors and aliases are refused (a few hundred bytes of nested aliases can expand to
    gigabytes), and so are duplicate labels (YAML would silently keep the last).
    """
    import yaml

    if len(text.encode("utf-8")) > MAX_MAP_BYTES:
        raise ValidationFailed(f"{source}: a label map over 1 MB is not a label map")

    class _Loader(yaml.SafeLoader):
        pass

    def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
        out: dict[object, object] = {}
        for k_node, v_node in node.value:
            key = loader.construct_object(k_node)
            if key in out:
                raise ValidationFailed(
                    f"{source} line {k_node.start_mark.line + 1}: label {key!r} is mapped twice"
                )
            out[key] = loader.construct_object(v_node)
        return out

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ValidationFailed(
                    f"{source}: anchors and aliases are not allowed in a label map"
                )
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ValidationFailed(
            f"{source}{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})"
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed(f"{source}: a label map holds {{foreign label: class key}}")
    out: dict[str, str | None] = {}
    for k, v in data.items():
        if v is not None and not isinstance(v, str):
            raise ValidationFailed(f"{source}: label {k!r} maps to {v!r}; give a class key or null")
        out[str(k)] = v
    return out


def read_map(path: Path | str) -> dict[str, str | None]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationFailed(f"{p}: no such label map") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{p}: cannot read the label map ({exc})") from None
    return parse_map(text, str(p))


def choose(
    labels: Iterable[tuple[str, int]],
    classes: Sequence[tuple[str, str]],
    explicit: dict[str, str | None] | None = None,
) -> list[LabelChoice]:
    """One choice per (label, count); `classes` are (key, name) of the usable classes."""
    explicit = explicit or {}
    keys = {k for k, _ in classes}
    by_key = {normalized(k): k for k, _ in classes}
    by_name = {normalized(n): k for k, n in classes}
    bad = sorted(
        f"{lab!r} → {key!r}" for lab, key in explicit.items() if key is not None and key not in keys
    )
    if bad:
        raise ValidationFailed(
            f"the label map names classes the schema does not have: "
            f"{', '.join(bad)} (classes: {', '.join(sorted(keys))})"
        )
    out = []
    for label, count in labels:
        if label in explicit:
            key = explicit[label]
            out.append(LabelChoice(label, key, "map" if key else "left out", count))
        elif normalized(label) in by_key:
            out.append(LabelChoice(label, by_key[normalized(label)], "key", count))
        elif normalized(label) in by_name:
            out.append(LabelChoice(label, by_name[normalized(label)], "name", count))
        else:
            out.append(LabelChoice(label, None, None, count))
    return out


def unmapped(choices: Iterable[LabelChoice]) -> list[str]:
    return [c.label for c in choices if c.how is None]
