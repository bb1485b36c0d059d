"""The label schema: what a region may be. Pydantic models are the file format and the record."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from . import safe_yaml
from .errors import ValidationFailed

KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
HOTKEY_PATTERN = re.compile(r"^([A-Za-z0-9]|F([1-9]|1[0-2]))$")
TRUE_WORDS = {"true", "yes", "1", "on", "y"}
FALSE_WORDS = {"false", "no", "0", "off", "n"}


class SchemaStatus(StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class AttributeType(StrEnum):
    bool = "bool"
    enum = "enum"
    text = "text"
    number = "number"


class AttributeDef(BaseModel):
    """A typed attribute a region of a class carries (e.g. a Table's `bordered: bool`)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    type: AttributeType
    required: bool = False
    options: list[str] = Field(default_factory=list)
    default: Any = None
    description: str = ""

    @model_validator(mode="after")
    def _options_fit_type(self) -> AttributeDef:
        if self.type == AttributeType.enum and not self.options:
            raise ValueError(f"enum attribute '{self.key}' needs a non-empty 'options' list")
        if self.type != AttributeType.enum and self.options:
            raise ValueError(f"only enum attributes take 'options' ('{self.key}' is {self.type})")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"enum attribute '{self.key}' lists an option twice")
        if self.default is not None:
            self.default = coerce_attribute(self, self.default)
        return self


class LabelClass(BaseModel):
    """One class of the schema. `key` is stable for ever; `name` is what people see."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)
    color: str
    hotkey: str | None = None
    description: str = ""
    parent: str | None = None
    attributes: list[AttributeDef] = Field(default_factory=list)
    snap_to_text: bool = True
    deprecated: bool = False

    @field_validator("color")
    @classmethod
    def _color_is_hex(cls, v: str) -> str:
        if not COLOR_PATTERN.match(v):
            raise ValueError(f"colour '{v}' is not of the form #RRGGBB (e.g. #1f77b4)")
        return v.lower()

    @field_validator("hotkey")
    @classmethod
    def _hotkey_is_one_key(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if not HOTKEY_PATTERN.match(v):
            raise ValueError(f"hotkey '{v}' must be one letter, one digit or F1-F12")
        return v.lower() if len(v) == 1 else v.upper()

    @model_validator(mode="after")
    def _unique_attribute_keys(self) -> LabelClass:
        seen: set[str] = set()
        for a in self.attributes:
            if a.key in seen:
                raise ValueError(f"class '{self.key}' defines attribute '{a.key}' twice")
            seen.add(a.key)
        return self

    def attribute(self, key: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.key == key), None)


class LabelSchema(BaseModel):
    """A versioned label schema. Published versions are frozen (DESIGN.md invariant 5)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: int = Field(default=1, ge=1)
    status: SchemaStatus = SchemaStatus.draft
    guideline_version: str = ""
    guideline: str = ""
    classes: list[LabelClass] = Field(min_length=1)
    # layout-model class name -> schema class key, used by pre-labelling
    model_mapping: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> LabelSchema:
        keys: dict[str, int] = {}
        hotkeys: dict[str, str] = {}
        for i, c in enumerate(self.classes):
            if c.key in keys:
                raise ValueError(
                    f"class key '{c.key}' is used twice (classes[{keys[c.key]}] and classes[{i}]);"
                    " keys must be unique"
                )
            keys[c.key] = i
            if c.hotkey:
                if c.hotkey in hotkeys:
                    raise ValueError(
                        f"hotkey '{c.hotkey}' of class '{c.key}' is already used by class "
                        f"'{hotkeys[c.hotkey]}'; choose another key"
                    )
                hotkeys[c.hotkey] = c.key
        for c in self.classes:
            if c.parent is not None and c.parent not in keys:
                raise ValueError(f"class '{c.key}' names parent '{c.parent}', which is not a class")
        for c in self.classes:
            seen = {c.key}
            p = c.parent
            while p is not None:
                if p in seen:
                    raise ValueError(f"class '{c.key}' is its own ancestor (parent cycle)")
                seen.add(p)
                p = self.classes[keys[p]].parent
        for model_cls, key in self.model_mapping.items():
            if key not in keys:
                raise ValueError(f"model_mapping sends '{model_cls}' to unknown class '{key}'")
        return self

    def get(self, key: str) -> LabelClass | None:
        return next((c for c in self.classes if c.key == key), None)

    def require(self, key: str) -> LabelClass:
        """The class with this key, or a clear error listing the valid keys."""
        c = self.get(key)
        if c is None:
            valid = ", ".join(x.key for x in self.classes)
            raise ValidationFailed(
                f"unknown class '{key}' in schema v{self.version}; valid classes: {valid}"
            )
        return c

    def by_hotkey(self, hotkey: str) -> LabelClass | None:
        hk = hotkey.lower() if len(hotkey) == 1 else hotkey.upper()
        return next((c for c in self.classes if c.hotkey == hk), None)

    def to_json(self) -> str:
        """Canonical JSON: stable key order and formatting, so equal schemas give equal bytes."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(
            self.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
        )


def coerce_attribute(attr: AttributeDef, value: Any) -> Any:
    """Turn a value (possibly a CLI string) into the attribute's type, or raise ValueError."""
    if value is None:
        return None
    if attr.type == AttributeType.bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(
            f"attribute '{attr.key}' is a yes/no value; got '{value}' (use true/false)"
        )
    if attr.type == AttributeType.number:
        if isinstance(value, bool):
            raise ValueError(f"attribute '{attr.key}' is a number; got {value}")
        try:
            num = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"attribute '{attr.key}' is a number; got '{value}'") from None
        if not math.isfinite(num):  # NaN/inf are not JSON: SQLite could never read them back
            raise ValueError(
                f"attribute '{attr.key}' is a number; got '{value}' (only finite numbers)"
            )
        return int(num) if num.is_integer() and not isinstance(value, float) else num
    if attr.type == AttributeType.enum:
        if str(value) not in attr.options:
            raise ValueError(
                f"attribute '{attr.key}' must be one of {', '.join(attr.options)}; got '{value}'"
            )
        return str(value)
    return str(value)


def validate_attributes(cls: LabelClass, values: dict[str, Any]) -> dict[str, Any]:
    """Check and coerce a region's attribute values; fill defaults; name every problem."""
    out: dict[str, Any] = {}
    problems: list[str] = []
    for key in values:
        if cls.attribute(key) is None:
            allowed = ", ".join(a.key for a in cls.attributes) or "none"
            problems.append(f"class '{cls.key}' has no attribute '{key}' (allowed: {allowed})")
    for a in cls.attributes:
        raw = values.get(a.key, a.default)
        if raw is None or raw == "":
            if a.required:
                problems.append(f"attribute '{a.key}' is required for class '{cls.key}'")
            continue
        try:
            out[a.key] = coerce_attribute(a, raw)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationFailed("; ".join(problems))
    return out


# --- reading schema files with messages that point at the line -----------------------------


def _yaml_line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map each path in a YAML/JSON document to its 1-based line, for error messages."""
    import yaml

    index: dict[tuple[Any, ...], int] = {}

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                index[(*path, k.value)] = k.start_mark.line + 1
                walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, (*path, i))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return index
    if root is not None:
        walk(root, ())
    return index


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _refuse_duplicate_keys(source: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValidationFailed(f"{source}: the key '{key}' appears twice in one object")
            out[key] = value
        return out

    return hook


def _refuse_constant(source: str) -> Callable[[str], Any]:
    def hook(word: str) -> Any:
        raise ValidationFailed(f"{source}: {word} is not a number a schema can hold")

    return hook


def load_mapping(text: str, source: str, shape: str) -> dict[str, Any]:
    """Load YAML or JSON (by the source's suffix) that must be a mapping.

    Schema and migration files share this so both report syntax errors the same way;
    `shape` completes "a ... file must hold ..." in the error for a non-mapping.
    """
    try:
        if source.lower().endswith(".json"):
            data = json.loads(
                text,
                object_pairs_hook=_refuse_duplicate_keys(source),
                parse_constant=_refuse_constant(source),
            )
        else:
            data = safe_yaml.load(text, source)  # no aliases, no duplicate keys, size-capped
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{source} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValidationFailed(f"{source}: {shape}")
    return data


def format_validation_error(
    exc: ValidationError,
    text: str,
    source: str,
    relocate: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None,
    explain: Callable[[ErrorDetails, tuple[Any, ...], str], str | None] | None = None,
) -> ValidationFailed:
    """Turn pydantic's errors into at most five "file line N (path): fix" messages.

    `relocate` rewrites an error's path before it is looked up and shown (migration plans drop
    the union tag); `explain` may replace the message for error types only one format knows.
    """
    lines = _yaml_line_index(text)
    messages = []
    for err in exc.errors()[:5]:
        loc = tuple(err["loc"])
        if relocate is not None:
            loc = relocate(loc)
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field '{loc[-1]}' (check the spelling)"
        elif err["type"] == "missing":
            msg = f"field '{loc[-1]}' is required"
        elif explain is not None:
            msg = explain(err, loc, msg) or msg
        where = f" line {line}" if line else ""
        messages.append(f"{source}{where} ({_format_loc(loc)}): {msg}")
    more = len(exc.errors()) - 5
    tail = f" (and {more} more)" if more > 0 else ""
    return ValidationFailed("; ".join(messages) + tail)


def _explain_schema_error(err: ErrorDetails, loc: tuple[Any, ...], msg: str) -> str | None:
    return f"{msg} (got {err.get('input')!r})" if err["type"] == "enum" else None


def parse_schema(text: str, source: str = "<schema>") -> LabelSchema:
    """Parse YAML or JSON text into a schema; errors name the file, line, field and the fix."""
    data = load_mapping(text, source, "a schema file must hold a mapping with 'name' and 'classes'")
    try:
        return LabelSchema.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, text, source, explain=_explain_schema_error) from None


DOCLAYNET_CLASSES: list[tuple[str, str, str, str, bool, str]] = [
    # key, name, colour, hotkey, snap to text, description
    ("caption", "Caption", "#e6194b", "c", True, "Text that describes a picture or a table."),
    ("footnote", "Footnote", "#3cb44b", "n", True, "A note at the bottom of a page or table."),
    ("formula", "Formula", "#9a6324", "e", True, "A mathematical expression set apart from text."),
    ("list_item", "List-item", "#4363d8", "l", True, "One item of a bulleted or numbered list."),
    ("page_footer", "Page-footer", "#f58231", "f", True, "Running footer: page number, notes."),
    ("page_header", "Page-header", "#911eb4", "h", True, "Running header: title, chapter, date."),
    ("picture", "Picture", "#42d4f4", "p", False, "A figure, chart, photo or drawing."),
    ("section_header", "Section-header", "#f032e6", "s", True, "A heading of a section."),
    ("table", "Table", "#469990", "b", False, "A table, including its header rows."),
    ("text", "Text", "#808000", "t", True, "A paragraph of body text."),
    ("title", "Title", "#000075", "i", True, "The title of the document."),
]

# pymupdf.layout class names -> DocLayNet keys (the layout model is DocLayNet-trained)
DEFAULT_MODEL_MAPPING: dict[str, str] = {
    "caption": "caption",
    "footnote": "footnote",
    "formula": "formula",
    "list-item": "list_item",
    "page-footer": "page_footer",
    "page-header": "page_header",
    "picture": "picture",
    "section-header": "section_header",
    "table": "table",
    "text": "text",
    "title": "title",
}


def default_schema() -> LabelSchema:
    """The schema a new project starts with: the eleven DocLayNet layout classes, published."""
    return LabelSchema(
        name="DocLayNet layout",
        version=1,
        status=SchemaStatus.published,
        guideline_version="doclaynet-1.0",
        guideline=(
            "Draw one box per layout element, tight around its ink. Text classes snap to the "
            "words they cover; Picture and Table boxes include the whole graphic or grid. "
            "Follow the DocLayNet labelling guideline (Pfitzmann et al., 2022)."
        ),
        classes=[
            LabelClass(key=k, name=n, color=c, hotkey=h, snap_to_text=s, description=d)
            for k, n, c, h, s, d in DOCLAYNET_CLASSES
        ],
        model_mapping=dict(DEFAULT_MODEL_MAPPING),
    )


@dataclass(frozen=True)
class SchemaVersionInfo:
    """One stored label schema version as `aal schema list` shows it (classes counted)."""

    version: int
    name: str
    status: str
    guideline_version: str
    classes: int
    parent_version: int | None
    created_by: str
    created_at: str
    published_at: str | None
    retired_at: str | None
    retired_reason: str | None
