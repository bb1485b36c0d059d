"""Schema migrations over a project: preview, apply (one transaction), publish, diff.

The same computation serves the dry run and the apply, so the counts a lead sees before
applying are exactly what applying does. Applying creates the next DRAFT schema version
and rewrites every affected region (class, attributes, attention, schema_version = the new
version) with one `schema` event per region, all under one batch id. Regions drawn under
the old version while the draft waits are brought along when it is published (`publish`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import AalError, ValidationFailed
from ..core.migration import Label, rewrite_region, steps
from ..core.migration_plan import MigrationPlan, parse_plan, source_keys
from ..core.migration_plan import MigrationRecord as MigrationRecord  # its home before core
from ..core.records import ChangeType, EventKind, Region
from ..core.schema import LabelSchema
from ..core.schema_diff import SchemaDiff, diff
from ..store import events as event_log
from ..store import regions as region_rows
from ..store import schemas as schema_rows
from ..store.db import transaction
from ..store.events import NewEvent, now_iso
from . import schemas
from .project import Change, ChangeKind, Project


@dataclass(frozen=True)
class OperationEffect:
    """What one operation does: regions whose label it changes, in how many documents."""

    index: int  # 1-based, as people count operations
    op: str
    label: str
    regions: int
    documents: int
    deleted: int  # how many of `regions` are soft-deleted (rewritten too, so a restore is valid)


@dataclass(frozen=True)
class MigrationPreview:
    from_version: int
    to_version: int
    schema: LabelSchema  # the draft the plan makes
    operations: list[OperationEffect]
    regions: int  # distinct regions that change: one schema event each
    documents: int
    region_ids: list[str] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class MigrationResult:
    preview: MigrationPreview
    version: int
    batch: str
    events: int


def read_plan(path: Path | str) -> MigrationPlan:
    """A plan file (YAML or JSON); errors name the line."""
    return parse_plan(schemas.read_text_file(path, "a migration"), str(Path(path)))


def _pending_draft(project: Project) -> int | None:
    """A version made by a migration and not yet published: it blocks another migration."""
    return schema_rows.pending_migration_draft(project.db)


def _check_start(project: Project, plan: MigrationPlan) -> LabelSchema:
    current = schemas.current_version(project)
    if plan.from_version != current:
        raise ValidationFailed(
            f"the plan starts from schema v{plan.from_version}, but the current published "
            f"version is v{current}; migrations go from the current version to the next "
            f"(write `from_version: {current}`)"
        )
    pending = _pending_draft(project)
    if pending is not None:
        raise ValidationFailed(
            f"schema v{pending} from an earlier migration is still a draft; publish it "
            f"(`aal schema publish {pending}`) before migrating again"
        )
    return schemas.get(project, current)


def _regions_for(project: Project, keys: set[str], below_version: int | None) -> list[Region]:
    return region_rows.with_classes(project.db, keys, below_version)


Changes = list[tuple[Region, Label]]


def _compute(
    project: Project,
    plan: MigrationPlan,
    start: LabelSchema,
    to_version: int,
    below_version: int | None = None,
) -> tuple[MigrationPreview, Changes]:
    """Run the plan over the regions it concerns: per-operation counts and the final labels."""
    plan_steps = steps(start, plan)
    final_schema = plan_steps[-1].after.model_copy(update={"version": to_version})
    regions = _regions_for(
        project, source_keys(plan) & {c.key for c in start.classes}, below_version
    )
    labels = {r.id: Label(r.class_key, dict(r.attrs), r.attention) for r in regions}
    by_id = {r.id: r for r in regions}
    effects: list[OperationEffect] = []
    for st in plan_steps:
        touched: list[str] = []
        for rid, label in labels.items():
            new = rewrite_region(st, label)
            if new is not label and new != label:
                labels[rid] = new
                touched.append(rid)
        effects.append(
            OperationEffect(
                index=st.index + 1,
                op=st.op.op,
                label=st.op.label(),
                regions=len(touched),
                documents=len({by_id[r].document_id for r in touched}),
                deleted=sum(1 for r in touched if by_id[r].deleted),
            )
        )
    changes = [
        (r, labels[r.id])
        for r in regions
        if labels[r.id] != Label(r.class_key, dict(r.attrs), r.attention)
    ]
    preview = MigrationPreview(
        from_version=start.version,
        to_version=to_version,
        schema=final_schema,
        operations=effects,
        regions=len(changes),
        documents=len({r.document_id for r, _ in changes}),
        region_ids=[r.id for r, _ in changes],
    )
    return preview, changes


def dry_run(project: Project, plan: MigrationPlan) -> MigrationPreview:
    """What applying would do, per operation; writes nothing."""
    start = _check_start(project, plan)
    return _compute(project, plan, start, schemas.latest_version(project) + 1)[0]


def _write_changes(
    project: Project,
    changes: Changes,
    schema: LabelSchema,
    batch: str,
    reason: str | None,
    now: str,
) -> int:
    for before, label in changes:
        after = before.model_copy(
            update={
                "class_key": label.class_key,
                "attrs": label.attrs,
                "attention": label.attention,
                "schema_version": schema.version,
                "updated_by": project.user,
                "updated_at": now,
            }
        )
        region_rows.replace(project.db, after)
        event_log.append(
            project.db,
            NewEvent(
                kind=EventKind.region_schema.value,
                user=project.user,
                change_type=ChangeType.schema.value,
                region_id=after.id,
                document_id=after.document_id,
                page=after.page,
                original=before.snapshot(),
                new=after.snapshot(),
                reason=reason,
                schema_version=schema.version,
                guideline_version=schema.guideline_version,
                batch=batch,
            ),
            at=now,
        )
    return len(changes)


def apply(project: Project, plan: MigrationPlan, reason: str | None = None) -> MigrationResult:
    """Create the next draft version and rewrite every affected region, in ONE transaction."""
    project.require_lead("migrate the label schema")
    batch = str(uuid.uuid4())
    now = now_iso()
    with transaction(project.db):
        start = _check_start(project, plan)
        version = schemas.latest_version(project) + 1
        preview, changes = _compute(project, plan, start, version)
        schema = preview.schema
        schema_rows.insert_draft(
            project.db,
            version,
            schema.name,
            schema.guideline_version,
            schema.to_json(),
            start.version,
            project.user,
            now,
        )
        event_log.append(
            project.db,
            NewEvent(
                kind="schema.migrate",
                user=project.user,
                change_type=ChangeType.schema.value,
                original={"version": start.version},
                new={
                    "version": version,
                    "operations": [op.label() for op in plan.operations],
                    "regions": preview.regions,
                },
                reason=reason,
                schema_version=version,
                guideline_version=schema.guideline_version,
                batch=batch,
            ),
            at=now,
        )
        written = _write_changes(project, changes, schema, batch, reason, now)
        schema_rows.insert_migration(
            project.db,
            MigrationRecord(
                version, start.version, plan, reason, written, project.user, now, batch
            ),
        )
    project.notify(Change(ChangeKind.schema, (version,), detail={"batch": batch}))
    if written:
        project.notify(
            Change(ChangeKind.region, tuple(preview.region_ids), detail={"batch": batch})
        )
    return MigrationResult(preview, version, batch, written)


def record(project: Project, version: int) -> MigrationRecord | None:
    """The migration that made `version`, if a migration made it."""
    return schema_rows.get_migration(project.db, version)


def list_records(project: Project) -> list[MigrationRecord]:
    return schema_rows.list_migrations(project.db)


def publish(project: Project, version: int | None = None) -> tuple[LabelSchema, int]:
    """Publish a draft; for a migration's draft, first bring along the regions made under the
    old version since the migration was applied. Returns the schema and how many regions
    were caught up."""
    project.require_lead("publish schema versions")
    caught_up = 0
    ids: list[str] = []
    with transaction(project.db):
        if version is None:
            draft = schema_rows.newest(project.db, "draft")
            if draft is None:
                raise ValidationFailed("there is no draft schema version to publish")
            version = draft
        rec = record(project, version)
        target = schemas.get(project, version)
        if rec is not None and target.status.value == "draft":
            current = schemas.current_version(project)
            if current != rec.from_version:
                raise AalError(
                    f"v{version} was migrated from v{rec.from_version}, but v{current} has been "
                    "published since; write a new migration from the current version"
                )
            start = schemas.get(project, rec.from_version)
            preview, changes = _compute(project, rec.plan, start, version, below_version=version)
            caught_up = _write_changes(
                project,
                changes,
                target,
                rec.batch,
                "brought along when the migrated schema was published",
                now_iso(),
            )
            ids = preview.region_ids
        published = schemas.publish(project, version)
    if caught_up:
        project.notify(
            Change(ChangeKind.region, tuple(ids), detail={"batch": rec.batch if rec else None})
        )
    return published, caught_up


def plans_between(project: Project, a: int, b: int) -> list[MigrationPlan]:
    """The recorded plans that lead from version a to version b (empty if b is not after a)."""
    if b <= a:
        return []
    return [r.plan for r in list_records(project) if a < r.version <= b]


def diff_versions(project: Project, a: int, b: int) -> tuple[SchemaDiff, LabelSchema, LabelSchema]:
    """The diff between two stored versions, using the migration records between them."""
    sa, sb = schemas.get(project, a), schemas.get(project, b)
    return diff(sa, sb, plans_between(project, a, b)), sa, sb


def attention(project: Project, document_id: int | None = None) -> list[Region]:
    """Live regions still flagged after a split or deprecation."""
    return region_rows.list_regions(project.db, document_id, attention_only=True)
