"""Label schema versions: import as drafts, publish (freeze), export, list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import AalError, Frozen, NotFound, ValidationFailed
from ..core.schema import LabelSchema, SchemaStatus, default_schema, parse_schema
from ..store.db import transaction
from ..store.events import NewEvent, append, now_iso
from .project import Change, Project

SYSTEM_USER = "aal"


@dataclass(frozen=True)
class SchemaVersionInfo:
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


def ensure_default(project: Project) -> None:
    """A new project starts with the published DocLayNet schema (version 1)."""
    if project.cache.get("schema_ready"):
        return
    if project.db.execute("SELECT 1 FROM schema_versions LIMIT 1").fetchone():
        project.cache["schema_ready"] = True
        return
    schema = default_schema()
    now = now_iso()
    with transaction(project.db):
        if project.db.execute("SELECT 1 FROM schema_versions LIMIT 1").fetchone():
            return
        project.db.execute(
            "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
            "parent_version, created_by, created_at, published_by, published_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            [1, schema.name, "published", schema.guideline_version, schema.to_json(), None,
             SYSTEM_USER, now, SYSTEM_USER, now],
        )


def _load(body: str, status: str) -> LabelSchema:
    schema = LabelSchema.model_validate_json(body)
    return schema.model_copy(update={"status": SchemaStatus(status)})


def get(project: Project, version: int) -> LabelSchema:
    """A schema version; published bodies are frozen, so their parse is cached per project."""
    ensure_default(project)
    row = project.db.conn.execute(
        "SELECT status FROM schema_versions WHERE version = ?", [version]
    ).fetchone()
    if row is None:
        raise NotFound(f"no schema version {version} (see `aal schema list`)")
    cache: dict[int, LabelSchema] = project.cache.setdefault("schemas", {})
    frozen = cache.get(version)
    if frozen is not None and row[0] != "draft":
        return frozen if frozen.status == row[0] else frozen.model_copy(
            update={"status": SchemaStatus(row[0])})
    body = project.db.conn.execute(
        "SELECT body FROM schema_versions WHERE version = ?", [version]).fetchone()[0]
    schema = _load(body, row[0])
    if row[0] != "draft":
        cache[version] = schema
    return schema


def current_version(project: Project) -> int:
    """The published version new regions are made under (the newest published one)."""
    ensure_default(project)
    row = project.db.conn.execute(
        "SELECT MAX(version) FROM schema_versions WHERE status = 'published'"
    ).fetchone()
    if row is None or row[0] is None:
        raise AalError("no published schema version: publish one with `aal schema publish`")
    return int(row[0])


def current(project: Project) -> LabelSchema:
    return get(project, current_version(project))


def latest_version(project: Project) -> int:
    ensure_default(project)
    return int(project.db.execute("SELECT MAX(version) FROM schema_versions").fetchone()[0])


def list_versions(project: Project) -> list[SchemaVersionInfo]:
    ensure_default(project)
    rows = project.db.execute(
        "SELECT version, name, status, guideline_version, body, parent_version, created_by, "
        "created_at, published_at, retired_at, retired_reason FROM schema_versions "
        "ORDER BY version"
    ).fetchall()
    out = []
    for v, n, s, g, body, parent, cb, ca, pa, ra, rr in rows:
        classes = len(LabelSchema.model_validate_json(body).classes)
        out.append(SchemaVersionInfo(v, n, s, g, classes, parent, cb, ca, pa, ra, rr))
    return out


def add_draft(project: Project, schema: LabelSchema, parent: int | None = None,
              reason: str | None = None) -> LabelSchema:
    """Store a schema as the next draft version (its own version/status fields are ignored)."""
    project.require_lead("create schema versions")
    ensure_default(project)
    with transaction(project.db):
        version = latest_version(project) + 1
        stored = schema.model_copy(update={"version": version, "status": SchemaStatus.draft})
        stored = LabelSchema.model_validate(stored.model_dump())
        project.db.execute(
            "INSERT INTO schema_versions (version, name, status, guideline_version, body, "
            "parent_version, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
            [version, stored.name, "draft", stored.guideline_version, stored.to_json(),
             parent if parent is not None else current_version(project), project.user,
             now_iso()],
        )
        append(project.db, NewEvent(kind="schema.draft", user=project.user,
                                    new={"version": version, "name": stored.name,
                                         "classes": [c.key for c in stored.classes]},
                                    reason=reason, schema_version=version,
                                    guideline_version=stored.guideline_version))
    project.notify(Change("schema", (version,)))
    return stored


def read_text_file(path: Path | str, what: str) -> str:
    """A schema or migration file's text; a missing or binary file is the user's error.

    `what` names the kind of file in the message ("a schema", "a migration").
    """
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationFailed(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise ValidationFailed(f"{p}: not a text file ({what} is YAML or JSON)") from None


def import_file(project: Project, path: Path | str) -> LabelSchema:
    """Read a YAML or JSON schema file (errors name the line) into a new draft."""
    p = Path(path)
    text = read_text_file(p, "a schema")
    return add_draft(project, parse_schema(text, str(p)), reason=f"imported from {p.name}")


def update_draft(project: Project, schema: LabelSchema) -> LabelSchema:
    """Change a draft in place (the editor's save); published versions refuse."""
    project.require_lead("edit schema drafts")
    row = project.db.execute(
        "SELECT status FROM schema_versions WHERE version = ?", [schema.version]
    ).fetchone()
    if row is None:
        raise NotFound(f"no schema version {schema.version}")
    if row[0] != "draft":
        raise Frozen(f"schema version {schema.version} is {row[0]} and frozen; "
                     "make a new version instead")
    stored = LabelSchema.model_validate(
        schema.model_copy(update={"status": SchemaStatus.draft}).model_dump())
    with transaction(project.db):
        project.db.execute(
            "UPDATE schema_versions SET body = ?, name = ?, guideline_version = ? "
            "WHERE version = ?",
            [stored.to_json(), stored.name, stored.guideline_version, stored.version],
        )
    project.notify(Change("schema", (stored.version,)))
    return stored


def export_text(project: Project, version: int | None = None, fmt: str = "yaml") -> str:
    """The stored schema as YAML or JSON; a published version always gives the same bytes."""
    v = version if version is not None else current_version(project)
    row = project.db.execute(
        "SELECT body FROM schema_versions WHERE version = ?", [v]
    ).fetchone()
    if row is None:
        raise NotFound(f"no schema version {v} (see `aal schema list`)")
    schema = LabelSchema.model_validate_json(row[0])
    return schema.to_json() if fmt == "json" else schema.to_yaml()


def publish(project: Project, version: int | None = None) -> LabelSchema:
    """Freeze a draft; it becomes the version new regions are made under."""
    project.require_lead("publish schema versions")
    ensure_default(project)
    if version is None:
        row = project.db.execute(
            "SELECT MAX(version) FROM schema_versions WHERE status = 'draft'"
        ).fetchone()
        if row is None or row[0] is None:
            raise ValidationFailed("there is no draft schema version to publish "
                                   "(import one with `aal schema import FILE`)")
        version = int(row[0])
    schema = get(project, version)
    if schema.status != SchemaStatus.draft:
        raise Frozen(f"schema version {version} is already {schema.status.value}")
    published = schema.model_copy(update={"status": SchemaStatus.published})
    now = now_iso()
    with transaction(project.db):
        project.db.execute(
            "UPDATE schema_versions SET body = ?, status = 'published', published_by = ?, "
            "published_at = ? WHERE version = ?",
            [published.to_json(), project.user, now, version],
        )
        append(project.db, NewEvent(kind="schema.publish", user=project.user,
                                    original={"version": version, "status": "draft"},
                                    new={"version": version, "status": "published"},
                                    schema_version=version,
                                    guideline_version=published.guideline_version))
    project.notify(Change("schema", (version,)))
    return published
