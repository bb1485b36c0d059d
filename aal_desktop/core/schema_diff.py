"""What changed between two schema versions, as data and as Markdown. Pure.

Renames, merges and splits are read from the migration plans that lie between the two
versions when they are known (a key change is otherwise indistinguishable from a removal
plus an addition); without plans, a removed and an added class with the same display name
count as a rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from .migration_plan import MergeClasses, MigrationPlan, RenameClass, SplitClass
from .schema import AttributeDef, LabelClass, LabelSchema

CLASS_FIELDS = ("name", "color", "hotkey", "description", "parent", "snap_to_text", "deprecated")


class Renamed(BaseModel):
    old_key: str
    new_key: str
    old_name: str
    new_name: str


class Merged(BaseModel):
    sources: list[str]
    into: str
    into_existed: bool


class Split(BaseModel):
    source: str
    targets: list[str]


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class ClassChange(BaseModel):
    """Changes of one class that kept its identity (same key, or renamed)."""

    key: str  # key in the newer version
    fields: list[FieldChange] = Field(default_factory=list)
    attributes_added: list[str] = Field(default_factory=list)
    attributes_removed: list[str] = Field(default_factory=list)
    attributes_changed: list[FieldChange] = Field(default_factory=list)


class SchemaDiff(BaseModel):
    from_version: int
    to_version: int
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    renamed: list[Renamed] = Field(default_factory=list)
    merged: list[Merged] = Field(default_factory=list)
    split: list[Split] = Field(default_factory=list)
    changed: list[ClassChange] = Field(default_factory=list)
    schema_fields: list[FieldChange] = Field(default_factory=list)  # name, guideline, ...

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.merged
            or self.split
            or self.changed
            or self.schema_fields
        )


def lineage(keys: Sequence[str], plans: Sequence[MigrationPlan]) -> dict[str, list[str]]:
    """Where each class key of the older version went through the plans, in order."""
    trace: dict[str, list[str]] = {k: [k] for k in keys}
    for plan in plans:
        for op in plan.operations:
            if isinstance(op, RenameClass) and op.new_key and op.new_key != op.key:
                for k, now in trace.items():
                    trace[k] = [op.new_key if x == op.key else x for x in now]
            elif isinstance(op, MergeClasses):
                for k, now in trace.items():
                    trace[k] = list(dict.fromkeys(op.into if x in op.sources else x for x in now))
            elif isinstance(op, SplitClass):
                for k, now in trace.items():
                    out: list[str] = []
                    for x in now:
                        out.extend(op.target_keys() if x == op.source else [x])
                    trace[k] = list(dict.fromkeys(out))
    return trace


def _attr_changes(old: AttributeDef, new: AttributeDef) -> list[FieldChange]:
    out = []
    for f in ("type", "required", "options", "default", "description"):
        a, b = getattr(old, f), getattr(new, f)
        if a != b:
            out.append(FieldChange(field=f"{new.key}.{f}", old=_plain(a), new=_plain(b)))
    return out


def _plain(v: Any) -> Any:
    return v.value if hasattr(v, "value") else v


def _class_change(old: LabelClass, new: LabelClass, skip_name: bool = False) -> ClassChange | None:
    ch = ClassChange(key=new.key)
    for f in CLASS_FIELDS:
        if skip_name and f == "name":
            continue
        a, b = getattr(old, f), getattr(new, f)
        if a != b:
            ch.fields.append(FieldChange(field=f, old=a, new=b))
    old_attrs = {a.key: a for a in old.attributes}
    new_attrs = {a.key: a for a in new.attributes}
    ch.attributes_added = [k for k in new_attrs if k not in old_attrs]
    ch.attributes_removed = [k for k in old_attrs if k not in new_attrs]
    for k in new_attrs:
        if k in old_attrs:
            ch.attributes_changed.extend(_attr_changes(old_attrs[k], new_attrs[k]))
    if ch.fields or ch.attributes_added or ch.attributes_removed or ch.attributes_changed:
        return ch
    return None


def diff(a: LabelSchema, b: LabelSchema, plans: Sequence[MigrationPlan] = ()) -> SchemaDiff:
    """Classes added, removed, renamed, merged, split and changed from `a` to `b`."""
    out = SchemaDiff(from_version=a.version, to_version=b.version)
    a_keys = [c.key for c in a.classes]
    b_keys = {c.key for c in b.classes}
    trace = lineage(a_keys, plans)
    pairs: list[tuple[LabelClass, LabelClass, bool]] = []  # (old, new, renamed)

    # group old keys by a single destination to find merges
    into: dict[str, list[str]] = {}
    for k in a_keys:
        dest = [x for x in trace[k] if x in b_keys]
        if len(dest) == 1:
            into.setdefault(dest[0], []).append(k)
    for k in a_keys:
        old = a.require(k)
        dest = [x for x in trace[k] if x in b_keys]
        if not dest:
            out.removed.append(k)
        elif len(dest) > 1:
            out.split.append(Split(source=k, targets=dest))
        elif len(into[dest[0]]) > 1:
            pass  # reported once per destination below
        elif dest[0] != k:
            new = b.require(dest[0])
            out.renamed.append(
                Renamed(old_key=k, new_key=new.key, old_name=old.name, new_name=new.name)
            )
            pairs.append((old, new, True))
            continue
        if k in b_keys:  # same key kept (split source, merge target, unchanged class)
            pairs.append((old, b.require(k), False))
    for dest_key, group in into.items():
        if len(group) > 1:
            out.merged.append(
                Merged(
                    sources=[g for g in group if g != dest_key],
                    into=dest_key,
                    into_existed=dest_key in a_keys,
                )
            )
    # new keys not explained as a rename or merge destination (new split targets included)
    explained = {r.new_key for r in out.renamed} | {m.into for m in out.merged}
    added = [c.key for c in b.classes if c.key not in a_keys and c.key not in explained]
    if not plans:  # no record: the same display name under a new key is a rename
        for k in list(out.removed):
            old = a.require(k)
            match = next((x for x in added if b.require(x).name == old.name), None)
            if match is not None:
                out.removed.remove(k)
                added.remove(match)
                new = b.require(match)
                out.renamed.append(
                    Renamed(old_key=k, new_key=match, old_name=old.name, new_name=new.name)
                )
                pairs.append((old, new, True))
    out.added = added
    for old, new, renamed in pairs:
        ch = _class_change(old, new, skip_name=renamed)
        if ch is not None:
            out.changed.append(ch)
    for f in ("name", "guideline_version", "guideline", "model_mapping"):
        x, y = getattr(a, f), getattr(b, f)
        if x != y:
            out.schema_fields.append(FieldChange(field=f, old=x, new=y))
    return out


def _v(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and len(value) > 60:
        return f"`{value[:57]}…`"
    return f"`{value}`"


def to_markdown(d: SchemaDiff, a: LabelSchema | None = None, b: LabelSchema | None = None) -> str:
    """A changelog section for people (the window's diff tab and `aal schema diff`)."""

    def name(s: LabelSchema | None, key: str) -> str:
        c = s.get(key) if s is not None else None
        return f"`{key}` ({c.name})" if c is not None else f"`{key}`"

    lines = [f"# Schema v{d.from_version} → v{d.to_version}", ""]
    if d.empty:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend([f"## {title}", *items, ""])

    def attribute_parts(c: ClassChange) -> list[str]:
        parts = [f"{f.field} {_v(f.old)} → {_v(f.new)}" for f in c.fields]
        parts += [f"attribute `{k}` added" for k in c.attributes_added]
        parts += [f"attribute `{k}` removed" for k in c.attributes_removed]
        parts += [f"attribute {f.field} {_v(f.old)} → {_v(f.new)}" for f in c.attributes_changed]
        return parts

    section("Added", [f"- {name(b, k)}" for k in d.added])
    section("Removed", [f"- {name(a, k)}" for k in d.removed])
    section(
        "Renamed",
        [f"- `{r.old_key}` ({r.old_name}) → `{r.new_key}` ({r.new_name})" for r in d.renamed],
    )
    section(
        "Merged",
        [
            f"- {', '.join(f'`{s}`' for s in m.sources)} → `{m.into}` "
            f"({'existing class' if m.into_existed else 'new class'})"
            for m in d.merged
        ],
    )
    section(
        "Split (regions flagged for review)",
        [f"- `{s.source}` → {', '.join(f'`{t}`' for t in s.targets)}" for s in d.split],
    )
    section("Changed", [f"- `{c.key}`: " + "; ".join(attribute_parts(c)) for c in d.changed])
    section(
        "Schema",
        [
            f"- {f.field} changed"
            if f.field in ("guideline", "model_mapping")
            else f"- {f.field} {_v(f.old)} → {_v(f.new)}"
            for f in d.schema_fields
        ],
    )
    return "\n".join(lines).rstrip() + "\n"
