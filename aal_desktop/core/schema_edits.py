"""Migration operations made from what a person did to a class in the schema editor. Pure.

The editor's class form shows a class as fields; what it stages into the migration plan
is the list of operations (core/migration_plan.py spells them) that turn the published
class into what the form shows, or that add, split or colour a new one. Kept apart from
the widget so the rules are tested without Qt.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence
from typing import Any

from .schema import LabelClass, LabelSchema

NEW_CLASS_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
UPDATABLE = ("color", "hotkey", "description", "parent", "snap_to_text")


def _hue(degrees: int) -> str:
    """A saturated, mid-bright colour of that hue as #rrggbb."""
    r, g, b = colorsys.hsv_to_rgb(degrees / 360, 200 / 255, 200 / 255)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))


def fresh_colour(schema: LabelSchema, also_used: Iterable[str] = ()) -> str:
    """A colour no class of the schema (nor one of `also_used`, e.g. staged) has: the
    palette first, then hues spread by the golden angle."""
    used = {c.color.lower() for c in schema.classes} | {c.lower() for c in also_used}
    for colour in NEW_CLASS_COLOURS:
        if colour not in used:
            return colour
    for n in range(1, 360):
        colour = _hue((n * 137) % 360)
        if colour not in used:
            return colour
    return "#808080"


def class_change_operations(old: LabelClass, new: LabelClass) -> list[dict[str, Any]]:
    """The operations that turn class `old` into `new`: a rename (key and/or name), one
    update of the presentation fields that differ, and an attribute removed and added
    again for each attribute that changed (added: only added; removed: only removed)."""
    ops: list[dict[str, Any]] = []
    if new.key != old.key or new.name != old.name:
        op: dict[str, Any] = {"op": "rename", "key": old.key}
        if new.key != old.key:
            op["new_key"] = new.key
        if new.name != old.name:
            op["name"] = new.name
        ops.append(op)
    update = {f: getattr(new, f) for f in UPDATABLE if getattr(new, f) != getattr(old, f)}
    if update:
        ops.append({"op": "update", "key": new.key, **update})
    old_attrs = {a.key: a for a in old.attributes}
    new_attrs = {a.key: a for a in new.attributes}
    for k, a in old_attrs.items():
        if new_attrs.get(k) != a:
            ops.append({"op": "remove_attribute", "key": new.key, "attribute": k})
    for k, a in new_attrs.items():
        if old_attrs.get(k) != a:
            attribute = a.model_dump(mode="json", exclude_defaults=True)
            ops.append({"op": "add_attribute", "key": new.key, "attribute": attribute})
    return ops


def add_operation(cls: LabelClass) -> dict[str, Any]:
    """The operation adding a new class; key, name and colour always spelled out."""
    spelled = cls.model_dump(mode="json", exclude_defaults=True)
    return {"op": "add", "class": spelled | {"key": cls.key, "name": cls.name, "color": cls.color}}


def split_operation(schema: LabelSchema, source: str, targets: Sequence[str]) -> dict[str, Any]:
    """A split of `source`; a target that is not a class yet is defined as a new class
    with a name made from its key and a colour of the palette."""
    out: list[Any] = []
    fresh = 0
    for t in targets:
        if t == source or schema.get(t) is not None:
            out.append(t)
        else:
            name = t.replace("_", " ").capitalize()
            colour = NEW_CLASS_COLOURS[fresh % len(NEW_CLASS_COLOURS)]
            out.append({"key": t, "name": name, "color": colour})
            fresh += 1
    return {"op": "split", "source": source, "targets": out}


def added_classes(operations: Iterable[Any]) -> list[dict[str, Any]]:
    """The classes a plan's operations add (as written; malformed entries skipped)."""
    return [
        op["class"]
        for op in operations
        if isinstance(op, dict) and op.get("op") == "add" and isinstance(op.get("class"), dict)
    ]
