"""Schema migrations, computed: what a plan does to a schema, one operation at a time, and
what each operation does to one region's label.

Everything here is pure: `apply_plan` turns a schema into the next one and `rewrite_region`
says what one operation does to one region's label; the plan itself (operations, parsing)
is core/migration_plan.py, and services/migrations.py runs both over the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .errors import ValidationFailed
from .migration_plan import (
    AddAttribute,
    AddClass,
    DeprecateClass,
    MergeClasses,
    MigrationPlan,
    Operation,
    RemoveAttribute,
    RenameAttribute,
    RenameClass,
    SplitClass,
    UpdateClass,
)
from .plan_format import PLAN_FORMAT_HELP as PLAN_FORMAT_HELP  # cli/schema.py imports it here
from .schema import AttributeDef, LabelClass, LabelSchema, SchemaStatus

# --- applying a plan to a schema ------------------------------------------------------------


def _attr_signature(a: AttributeDef) -> tuple[str, str, tuple[str, ...], bool]:
    return (a.key, a.type.value, tuple(a.options), a.required)


def _describe_attrs(c: LabelClass) -> str:
    return ", ".join(f"{a.key}:{a.type.value}" for a in c.attributes) or "no attributes"


@dataclass(frozen=True)
class Step:
    """One operation with the schema before and after it (what region rewrites consult)."""

    index: int
    op: Operation
    before: LabelSchema
    after: LabelSchema


class _Work:
    """A mutable copy of the class list while operations run; checked as a schema at the end."""

    def __init__(self, schema: LabelSchema) -> None:
        self.schema = schema
        self.classes: list[LabelClass] = list(schema.classes)
        self.mapping = dict(schema.model_mapping)

    def keys(self) -> list[str]:
        return [c.key for c in self.classes]

    def get(self, key: str) -> LabelClass | None:
        return next((c for c in self.classes if c.key == key), None)

    def require(self, key: str) -> LabelClass:
        c = self.get(key)
        if c is None:
            raise ValueError(f"unknown class '{key}'; classes are: {', '.join(self.keys())}")
        return c

    def put(self, cls: LabelClass) -> None:
        self.classes = [cls if c.key == cls.key else c for c in self.classes]

    def rekey(self, old: str, new: str) -> None:
        """Point parents and the model mapping from `old` to `new`."""
        self.classes = [
            c.model_copy(update={"parent": new}) if c.parent == old else c for c in self.classes
        ]
        self.mapping = {m: (new if k == old else k) for m, k in self.mapping.items()}

    def freeze(self, version: int) -> LabelSchema:
        data = self.schema.model_dump()
        data.update(
            version=version,
            status=SchemaStatus.draft,
            classes=[c.model_dump() for c in self.classes],
            model_mapping=self.mapping,
        )
        return LabelSchema.model_validate(data)


def _run(work: _Work, op: Operation) -> None:
    """Apply one operation to the working class list, or raise ValueError saying why not."""
    if isinstance(op, AddClass):
        if work.get(op.cls.key) is not None:
            raise ValueError(f"class '{op.cls.key}' already exists")
        work.classes.append(op.cls)
    elif isinstance(op, RenameClass):
        c = work.require(op.key)
        update: dict[str, Any] = {}
        if op.name is not None:
            update["name"] = op.name
        if op.new_key is not None and op.new_key != op.key:
            if work.get(op.new_key) is not None:
                raise ValueError(
                    f"cannot rename '{op.key}' onto '{op.new_key}': that key "
                    "already exists (use merge to combine two classes)"
                )
            update["key"] = op.new_key
        renamed = c.model_copy(update=update)
        work.classes = [renamed if x.key == op.key else x for x in work.classes]
        if "key" in update:
            work.rekey(op.key, renamed.key)
    elif isinstance(op, MergeClasses):
        _merge(work, op)
    elif isinstance(op, SplitClass):
        _split(work, op)
    elif isinstance(op, DeprecateClass):
        c = work.require(op.key)
        if c.deprecated:
            raise ValueError(f"class '{op.key}' is already deprecated")
        work.put(c.model_copy(update={"deprecated": True}))
    elif isinstance(op, UpdateClass):
        c = work.require(op.key)
        changes = op.changes()
        if not changes:
            raise ValueError(f"update of '{op.key}' changes nothing")
        if changes.get("parent") is not None:
            work.require(changes["parent"])
        work.put(LabelClass.model_validate({**c.model_dump(), **changes}))
    elif isinstance(op, AddAttribute):
        c = work.require(op.key)
        if c.attribute(op.attribute.key) is not None:
            raise ValueError(f"class '{op.key}' already has attribute '{op.attribute.key}'")
        if op.attribute.required and op.attribute.default is None:
            raise ValueError(
                f"required attribute '{op.attribute.key}' needs a 'default' for the "
                f"regions '{op.key}' already has"
            )
        work.put(c.model_copy(update={"attributes": [*c.attributes, op.attribute]}))
    elif isinstance(op, RemoveAttribute):
        c = work.require(op.key)
        if c.attribute(op.attribute) is None:
            raise ValueError(
                f"class '{op.key}' has no attribute '{op.attribute}' ({_describe_attrs(c)})"
            )
        work.put(
            c.model_copy(update={"attributes": [a for a in c.attributes if a.key != op.attribute]})
        )
    elif isinstance(op, RenameAttribute):
        c = work.require(op.key)
        old = c.attribute(op.attribute)
        if old is None:
            raise ValueError(
                f"class '{op.key}' has no attribute '{op.attribute}' ({_describe_attrs(c)})"
            )
        if c.attribute(op.new_attribute) is not None:
            raise ValueError(f"class '{op.key}' already has attribute '{op.new_attribute}'")
        new = AttributeDef.model_validate(
            {
                **old.model_dump(),
                "key": op.new_attribute,
                **({"default": op.default} if op.default is not None else {}),
            }
        )
        work.put(
            c.model_copy(
                update={"attributes": [new if a.key == op.attribute else a for a in c.attributes]}
            )
        )


def _merge(work: _Work, op: MergeClasses) -> None:
    if not op.sources:
        raise ValueError(f"merge into '{op.into}' needs at least one source class")
    if len(set(op.sources)) != len(op.sources):
        raise ValueError("merge lists a source class twice")
    sources = [work.require(k) for k in op.sources]
    others = [s for s in sources if s.key != op.into]
    if not others:
        raise ValueError(f"merge into '{op.into}' needs a source other than '{op.into}'")
    target = work.get(op.into)
    if target is not None:
        mine = sorted(_attr_signature(a) for a in target.attributes)
        for s in others:
            if sorted(_attr_signature(a) for a in s.attributes) != mine:
                raise ValueError(
                    f"cannot merge '{s.key}' into existing class '{op.into}': their attributes "
                    f"differ ('{s.key}': {_describe_attrs(s)}; '{op.into}': "
                    f"{_describe_attrs(target)}); merge into a new key, or align the "
                    "attributes first"
                )
        update: dict[str, Any] = {
            k: v
            for k, v in (("name", op.name), ("color", op.color), ("description", op.description))
            if v is not None
        }
        merged = target.model_copy(update=update)
    else:
        attrs: dict[str, AttributeDef] = {}
        for s in others:
            for a in s.attributes:
                if a.key in attrs and _attr_signature(attrs[a.key]) != _attr_signature(a):
                    raise ValueError(
                        f"sources define attribute '{a.key}' differently; "
                        "rename or remove one first"
                    )
                attrs.setdefault(a.key, a)
        first = others[0]
        merged = first.model_copy(
            update={
                "key": op.into,
                "name": op.name or op.into.replace("_", " ").capitalize(),
                "color": op.color or first.color,
                "description": op.description if op.description is not None else first.description,
                "attributes": list(attrs.values()),
            }
        )
    if op.hotkey is not None:
        merged = merged.model_copy(update={"hotkey": op.hotkey})
    merged = LabelClass.model_validate(merged.model_dump())
    gone = {s.key for s in others}
    out: list[LabelClass] = []
    placed = False
    for c in work.classes:
        if c.key == op.into or (c.key in gone and target is None and not placed):
            if not placed:
                out.append(merged)
                placed = True
            continue
        if c.key in gone:
            continue
        out.append(c)
    work.classes = out
    for k in gone:
        work.rekey(k, op.into)
    work.classes = [
        c.model_copy(update={"parent": None}) if c.parent == c.key else c for c in work.classes
    ]


def _split(work: _Work, op: SplitClass) -> None:
    source = work.require(op.source)
    keys = op.target_keys()
    if len(keys) < 2:
        raise ValueError(
            f"split of '{op.source}' needs at least two targets "
            f"(got {len(keys)}); to move every region use rename or merge"
        )
    if len(set(keys)) != len(keys):
        raise ValueError(f"split of '{op.source}' lists a target twice")
    for t in op.targets:
        if isinstance(t, str):
            if t != op.source and work.get(t) is None:
                raise ValueError(
                    f"split target '{t}' is not a class: define it inline "
                    "({key, name, color}) or add it in an earlier operation"
                )
        else:
            if work.get(t.key) is not None:
                raise ValueError(
                    f"split target '{t.key}' already exists; name it by key "
                    "instead of defining it again"
                )
            work.classes.append(t)
    if op.source not in keys and not source.deprecated:
        work.put(source.model_copy(update={"deprecated": True}))


def steps(schema: LabelSchema, plan: MigrationPlan) -> list[Step]:
    """Run the plan one operation at a time; refuse with the operation's number and why."""
    if plan.from_version != schema.version:
        raise ValidationFailed(
            f"the plan starts from schema v{plan.from_version} but it is being "
            f"applied to v{schema.version}"
        )
    work = _Work(schema)
    before = schema
    out: list[Step] = []
    for i, op in enumerate(plan.operations):
        try:
            _run(work, op)
            after = work.freeze(schema.version + 1)
        except (ValueError, ValidationError) as exc:
            raise ValidationFailed(
                f"operation {i + 1} ({op.label()}): {_reason(exc)}; nothing was changed"
            ) from None
        out.append(Step(i, op, before, after))
        before = after
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()[:3])
    return str(exc)


def apply_plan(schema: LabelSchema, plan: MigrationPlan) -> LabelSchema:
    """The next schema version (a draft) that the plan makes from `schema`."""
    return steps(schema, plan)[-1].after


# --- what one operation does to one region's label --------------------------------------------


@dataclass(frozen=True)
class Label:
    """The parts of a region a migration may change."""

    class_key: str
    attrs: dict[str, Any]
    attention: str | None


def fit_attributes(cls: LabelClass, attrs: dict[str, Any]) -> dict[str, Any]:
    """Keep the values the class knows, fill its defaults: a merged region stays valid."""
    out = {k: v for k, v in attrs.items() if cls.attribute(k) is not None}
    for a in cls.attributes:
        if a.key not in out and a.default is not None:
            out[a.key] = a.default
    return out


def rewrite_region(step: Step, label: Label) -> Label:
    """The label after one operation (the same object when the operation leaves it alone)."""
    op = step.op
    key = label.class_key
    if isinstance(op, RenameClass):
        if key == op.key and op.new_key is not None and op.new_key != op.key:
            return Label(op.new_key, label.attrs, label.attention)
    elif isinstance(op, MergeClasses):
        if key in op.sources and key != op.into:
            target = step.after.require(op.into)
            return Label(op.into, fit_attributes(target, label.attrs), label.attention)
    elif isinstance(op, SplitClass):
        if key == op.source:
            note = f"split: choose one of {', '.join(op.target_keys())}"
            if note != label.attention:
                return Label(key, label.attrs, note)
    elif isinstance(op, DeprecateClass):
        if key == op.key:
            why = f" ({op.reason})" if op.reason else ""
            note = f"deprecated: class '{key}' takes no new regions{why}; relabel or delete"
            if note != label.attention:
                return Label(key, label.attrs, note)
    elif isinstance(op, AddAttribute):
        a = op.attribute
        if key == op.key and a.default is not None and a.key not in label.attrs:
            return Label(key, {**label.attrs, a.key: a.default}, label.attention)
    elif isinstance(op, RemoveAttribute):
        if key == op.key and op.attribute in label.attrs:
            attrs = {k: v for k, v in label.attrs.items() if k != op.attribute}
            return Label(key, attrs, label.attention)
    elif isinstance(op, RenameAttribute) and key == op.key:
        if op.attribute in label.attrs:
            attrs = {
                (op.new_attribute if k == op.attribute else k): v for k, v in label.attrs.items()
            }
            return Label(key, attrs, label.attention)
        if op.default is not None and op.new_attribute not in label.attrs:
            new_def = step.after.require(key).attribute(op.new_attribute)
            assert new_def is not None
            return Label(key, {**label.attrs, op.new_attribute: new_def.default}, label.attention)
    return label
