"""Label schema versions: import as drafts, publish (freeze), export, list."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AalError, Frozen, NotFound, ValidationFailed
from ..core.schema import LabelSchema, SchemaStatus, default_schema, parse_schema
from ..core.schema import SchemaVersionInfo as SchemaVersionInfo  # its home before core
from ..store import regions as region_rows
from ..store import schemas as schema_rows
from ..store.db import transaction
from ..store.events import NewEvent, append, now_iso
from .project import Change, ChangeKind, Project

SYSTEM_USER = "aal"


def ensure_default(project: Project) -> None:
    """A new project starts with the published DocLayNet schema (version 1)."""
    if project.cache.get("schema_ready"):
        return
    if schema_rows.any_version(project.db):
        project.cache["schema_ready"] = True
        return
    schema = default_schema()
    now = now_iso()
    with transaction(project.db):
        if schema_rows.any_version(project.db):
            return
        schema_rows.insert_published(
            project.db, 1, schema.name, schema.guideline_version, schema.to_json(), SYSTEM_USER, now
        )


def _load(body: str, status: str) -> LabelSchema:
    schema = LabelSchema.model_validate_json(body)
    return schema.model_copy(update={"status": SchemaStatus(status)})


def get(project: Project, version: int) -> LabelSchema:
    """A schema version; published bodies are frozen, so their parse is cached per project
    (a cached one costs a status read; an uncached one reads status and body at once)."""
    ensure_default(project)
    cache: dict[int, LabelSchema] = project.cache.setdefault("schemas", {})
    frozen = cache.get(version)
    if frozen is not None:
        status = schema_rows.status_of(project.db, version)
        if status is not None and status != "draft":
            return (
                frozen
                if frozen.status == status
                else frozen.model_copy(update={"status": SchemaStatus(status)})
            )
    found = schema_rows.status_and_body(project.db, version)
    if found is None:
        raise NotFound(f"no schema version {version} (see `aal schema list`)")
    status, body = found
    schema = _load(body, status)
    if status != "draft":
        cache[version] = schema
    return schema


def current_version(project: Project) -> int:
    """The published version new regions are made under (the newest published one)."""
    ensure_default(project)
    newest = schema_rows.newest(project.db, "published")
    if newest is None:
        raise AalError("no published schema version: publish one with `aal schema publish`")
    return newest


def current(project: Project) -> LabelSchema:
    """The current published schema: one read when its parse is cached (every edit asks)."""
    version = current_version(project)
    cached = project.cache.get("schemas", {}).get(version)
    if cached is not None and cached.status == SchemaStatus.published:
        return cached  # the newest *published* version: its status was just read
    return get(project, version)


def latest_version(project: Project) -> int:
    ensure_default(project)
    return int(schema_rows.newest(project.db) or 0)


def list_versions(project: Project) -> list[SchemaVersionInfo]:
    ensure_default(project)
    return schema_rows.list_infos(project.db)


def add_draft(
    project: Project, schema: LabelSchema, parent: int | None = None, reason: str | None = None
) -> LabelSchema:
    """Store a schema as the next draft version (its own version/status fields are ignored)."""
    project.require_lead("create schema versions")
    ensure_default(project)
    with transaction(project.db):
        version = latest_version(project) + 1
        stored = schema.model_copy(update={"version": version, "status": SchemaStatus.draft})
        stored = LabelSchema.model_validate(stored.model_dump())
        schema_rows.insert_draft(
            project.db,
            version,
            stored.name,
            stored.guideline_version,
            stored.to_json(),
            parent if parent is not None else current_version(project),
            project.user,
            now_iso(),
        )
        append(
            project.db,
            NewEvent(
                kind="schema.draft",
                user=project.user,
                new={
                    "version": version,
                    "name": stored.name,
                    "classes": [c.key for c in stored.classes],
                },
                reason=reason,
                schema_version=version,
                guideline_version=stored.guideline_version,
            ),
        )
    project.notify(Change(ChangeKind.schema, (version,)))
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
    status = schema_rows.status_of(project.db, schema.version)
    if status is None:
        raise NotFound(f"no schema version {schema.version}")
    if status != "draft":
        raise Frozen(
            f"schema version {schema.version} is {status} and frozen; make a new version instead"
        )
    stored = LabelSchema.model_validate(
        schema.model_copy(update={"status": SchemaStatus.draft}).model_dump()
    )
    with transaction(project.db):
        schema_rows.update_draft(
            project.db, stored.version, stored.name, stored.guideline_version, stored.to_json()
        )
    project.notify(Change(ChangeKind.schema, (stored.version,)))
    return stored


def export_text(project: Project, version: int | None = None, fmt: str = "yaml") -> str:
    """The stored schema as YAML or JSON; a published version always gives the same bytes."""
    v = version if version is not None else current_version(project)
    body = schema_rows.body_of(project.db, v)
    if body is None:
        raise NotFound(f"no schema version {v} (see `aal schema list`)")
    schema = LabelSchema.model_validate_json(body)
    return schema.to_json() if fmt == "json" else schema.to_yaml()


def classes_missing(schema: LabelSchema, counts: dict[str, int]) -> dict[str, int]:
    """Of per-class region counts, those whose class the schema does not have."""
    keys = {c.key for c in schema.classes}
    return {k: n for k, n in sorted(counts.items()) if k not in keys and n}


def _refuse_orphaned_regions(project: Project, schema: LabelSchema) -> None:
    """A schema that drops or renames a class live regions still use would leave them with
    a class nothing knows (the release then crashed): a migration must move them first."""
    missing = classes_missing(schema, region_rows.class_counts(project.db))
    if missing:
        listed = ", ".join(f"{k} ({n} regions)" for k, n in missing.items())
        raise ValidationFailed(
            f"schema version {schema.version} has no class for live regions: {listed}; "
            "write a migration that maps these classes (`aal schema migrate FILE`) instead "
            "of dropping or renaming them"
        )


def publish(project: Project, version: int | None = None) -> LabelSchema:
    """Freeze a draft; it becomes the version new regions are made under."""
    project.require_lead("publish schema versions")
    ensure_default(project)
    if version is None:
        draft = schema_rows.newest(project.db, "draft")
        if draft is None:
            raise ValidationFailed(
                "there is no draft schema version to publish "
                "(import one with `aal schema import FILE`)"
            )
        version = draft
    schema = get(project, version)
    if schema.status != SchemaStatus.draft:
        raise Frozen(f"schema version {version} is already {schema.status.value}")
    published = schema.model_copy(update={"status": SchemaStatus.published})
    now = now_iso()
    with transaction(project.db):
        _refuse_orphaned_regions(project, schema)
        schema_rows.mark_published(project.db, version, published.to_json(), project.user, now)
        append(
            project.db,
            NewEvent(
                kind="schema.publish",
                user=project.user,
                original={"version": version, "status": "draft"},
                new={"version": version, "status": "published"},
                schema_version=version,
                guideline_version=published.guideline_version,
            ),
        )
    project.notify(Change(ChangeKind.schema, (version,)))
    return published
