"""Schema migration plans: explicit, ordered operations from one published version to the next.

A plan is data (YAML/JSON, pydantic models) so it can be previewed, stored with the version
it made, and replayed. This module is the plan itself: its operations, parsing with errors
that name the line and field, and the record kept of an applied plan; core/migration.py
computes what a plan does to a schema and to each region.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from .schema import KEY_PATTERN, AttributeDef, LabelClass, format_validation_error, load_mapping

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
