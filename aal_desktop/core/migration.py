"""Schema migrations: explicit, ordered operations from one published schema version to the next.

A plan is data (YAML/JSON, pydantic models) so it can be previewed, stored with the version it
made, and replayed. Everything here is pure: `apply_plan` turns a schema into the next one and
`rewrite_region` says what one operation does to one region's label; services/migrations.py
runs them over the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from .errors import ValidationFailed
from .plan_format import PLAN_FORMAT_HELP as PLAN_FORMAT_HELP  # `aal schema migrate --help`
from .schema import (
    KEY_PATTERN,
    AttributeDef,
    LabelClass,
    LabelSchema,
    SchemaStatus,
    format_validation_error,
    load_mapping,
)

Key = Annotated[str, Field(pattern=KEY_PATTERN)]


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def label(self) -> str:
        """A short human description, used in previews and error messages."""
        raise NotImplementedError

    def source_keys(self) -> list[str]:
        """Class keys of the schema before this operation whose regions it may change."""
        return []


class AddClass(_Op):
    """A new class; no existing region changes."""

    op: Literal["add"] = "add"
    cls: LabelClass = Field(alias="class")

    def label(self) -> str:
        return f"add {self.cls.key}"


class RenameClass(_Op):
    """A new key and/or a new display name for one class. A key change relabels its regions."""

    op: Literal["rename"] = "rename"
    key: str
    new_key: Key | None = None
    name: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _something_changes(self) -> RenameClass:
        if self.new_key is None and self.name is None:
            raise ValueError(f"rename of '{self.key}' needs 'new_key' and/or 'name'")
        return self

    def label(self) -> str:
        parts = []
        if self.new_key is not None:
            parts.append(f"{self.key} → {self.new_key}")
        else:
            parts.append(self.key)
        if self.name is not None:
            parts.append(f"(name '{self.name}')")
        return "rename " + " ".join(parts)

    def source_keys(self) -> list[str]:
        return [self.key]


class MergeClasses(_Op):
    """Several classes become one: a new key, or an existing class with the same attributes."""

    op: Literal["merge"] = "merge"
    sources: list[str]
    into: Key
    name: str | None = Field(default=None, min_length=1)
    color: str | None = None
    hotkey: str | None = None
    description: str | None = None

    def label(self) -> str:
        return f"merge {' + '.join(self.sources)} → {self.into}"

    def source_keys(self) -> list[str]:
        return [*self.sources, self.into]


class SplitClass(_Op):
    """One class becomes several; only a person can choose, so its regions are flagged.

    Targets are existing keys (the source itself may be one) or new class definitions. A
    source that is not among the targets stays, deprecated, until its regions are relabelled.
    """

    op: Literal["split"] = "split"
    source: str
    targets: list[str | LabelClass] = Field(default_factory=list)

    def target_keys(self) -> list[str]:
        return [t if isinstance(t, str) else t.key for t in self.targets]

    def label(self) -> str:
        return f"split {self.source} → {' | '.join(self.target_keys()) or '(no targets)'}"

    def source_keys(self) -> list[str]:
        return [self.source]


class DeprecateClass(_Op):
    """The class stays (its regions stay visible, flagged), but takes no new regions."""

    op: Literal["deprecate"] = "deprecate"
    key: str
    reason: str | None = None

    def label(self) -> str:
        return f"deprecate {self.key}"

    def source_keys(self) -> list[str]:
        return [self.key]


class UpdateClass(_Op):
    """Presentation of a class (colour, hotkey, guideline text, parent); no region changes."""

    op: Literal["update"] = "update"
    key: str
    color: str | None = None
    hotkey: str | None = None
    description: str | None = None
    parent: str | None = None
    snap_to_text: bool | None = None

    def changes(self) -> dict[str, Any]:
        """Only the fields the plan names (an explicit `hotkey: null` clears the hotkey)."""
        return {k: getattr(self, k) for k in self.model_fields_set if k not in ("op", "key")}

    def label(self) -> str:
        return f"update {self.key} ({', '.join(sorted(self.changes())) or 'nothing'})"


class AddAttribute(_Op):
    """A new attribute of a class; existing regions get its default, if it has one."""

    op: Literal["add_attribute"] = "add_attribute"
    key: str
    attribute: AttributeDef

    def label(self) -> str:
        return f"add attribute {self.key}.{self.attribute.key}"

    def source_keys(self) -> list[str]:
        return [self.key]


class RemoveAttribute(_Op):
    """An attribute goes; regions holding a value lose it (the event keeps the old value)."""

    op: Literal["remove_attribute"] = "remove_attribute"
    key: str
    attribute: str

    def label(self) -> str:
        return f"remove attribute {self.key}.{self.attribute}"

    def source_keys(self) -> list[str]:
        return [self.key]


class RenameAttribute(_Op):
    """An attribute gets a new key; regions without a value get `default`, when given."""

    op: Literal["rename_attribute"] = "rename_attribute"
    key: str
    attribute: str
    new_attribute: Key
    default: Any = None

    def label(self) -> str:
        return f"rename attribute {self.key}.{self.attribute} → {self.new_attribute}"

    def source_keys(self) -> list[str]:
        return [self.key]


Operation = Annotated[
    AddClass
    | RenameClass
    | MergeClasses
    | SplitClass
    | DeprecateClass
    | UpdateClass
    | AddAttribute
    | RemoveAttribute
    | RenameAttribute,
    Field(discriminator="op"),
]
OP_NAMES = (
    "add",
    "rename",
    "merge",
    "split",
    "deprecate",
    "update",
    "add_attribute",
    "remove_attribute",
    "rename_attribute",
)


class MigrationPlan(BaseModel):
    """Operations from one published version (`from_version`) to the next, in order."""

    model_config = ConfigDict(extra="forbid")

    from_version: int = Field(ge=1)
    description: str = ""
    operations: list[Operation] = Field(min_length=1)

    def to_data(self) -> dict[str, Any]:
        """The plan as written in a file: only the fields each operation names."""
        data: dict[str, Any] = {"from_version": self.from_version}
        if self.description:
            data["description"] = self.description
        data["operations"] = [
            {"op": op.op, **op.model_dump(mode="json", by_alias=True, exclude_unset=True)}
            for op in self.operations
        ]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_data(), sort_keys=False, allow_unicode=True, width=100)


def op_from_dict(data: dict[str, Any]) -> Operation:
    """One operation from a mapping (the editor builds them this way)."""
    plan = MigrationPlan.model_validate({"from_version": 1, "operations": [data]})
    return plan.operations[0]


def _plan_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(loc) >= 3 and loc[0] == "operations" and loc[2] in OP_NAMES:
        return loc[:2] + loc[3:]  # drop pydantic's union tag from the path
    return loc


def _explain_plan_error(err: ErrorDetails, loc: tuple[Any, ...], msg: str) -> str | None:
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return f"'op' must be one of {', '.join(OP_NAMES)}"
    return None


def parse_plan(text: str, source: str = "<migration>") -> MigrationPlan:
    """Parse a YAML or JSON plan; errors name the file, line, operation and field."""
    data = load_mapping(
        text, source, "a migration file must hold a mapping with 'from_version' and 'operations'"
    )
    try:
        return MigrationPlan.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(
            exc, text, source, relocate=_plan_loc, explain=_explain_plan_error
        ) from None


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


def source_keys(plan: MigrationPlan) -> set[str]:
    """Every class key some operation may take regions from (to load only those regions)."""
    keys: set[str] = set()
    for op in plan.operations:
        keys.update(op.source_keys())
    return keys


@dataclass(frozen=True)
class MigrationRecord:
    """One row of `schema_migrations`: the plan that made a schema version, kept for ever."""

    version: int
    from_version: int
    plan: MigrationPlan
    reason: str | None
    regions: int
    applied_by: str
    applied_at: str
    batch: str
