"""Retirement of models, dataset versions and schema versions.

A retired asset stays listed and traceable; its retirement records why, what replaces it,
where it is archived, and the dates it was active and in production (derived from the
deployment records at retirement time), and writes a hash-chained event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import Frozen, NotFound, ValidationFailed
from ..core.registry import Retirement
from ..core.wording import noun_for
from ..store import models as model_rows
from ..store import schema_versions as schema_rows
from ..store import versions as version_rows
from ..store.db import transaction
from ..store.events import NewEvent, append
from . import schemas
from .deployments import Deployment, list_deployments
from .model_registry import dataset_row, get_model, models_trained_on, parse_ref, to_iso
from .project import Change, ChangeKind, Project

# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveDates:
    first_deployed: str | None
    last_ended: str | None  # None while any deployment is still active
    still_deployed: tuple[str, ...] = field(default_factory=tuple)  # envs


# --- retirement -------------------------------------------------------------------------------


def _active_dates(deps: list[Deployment]) -> ActiveDates:
    if not deps:
        return ActiveDates(None, None)
    still = tuple(sorted({d.env for d in deps if d.active}))
    ends = [d.ended_at for d in deps if d.ended_at is not None]
    return ActiveDates(
        min(d.deployed_at for d in deps), None if still else (max(ends) if ends else None), still
    )


def model_active_dates(project: Project, ref: str) -> ActiveDates:
    return _active_dates(list_deployments(project, model=get_model(project, ref).ref))


def dataset_active_dates(project: Project, dataset_version: str) -> ActiveDates:
    deps: list[Deployment] = []
    for m in models_trained_on(project, dataset_version):
        deps.extend(list_deployments(project, model=m.ref))
    return _active_dates(deps)


def schema_active_dates(project: Project, schema_version: int) -> ActiveDates:
    deps: list[Deployment] = []
    for v in version_rows.list_versions(project.db, schema_version=schema_version):
        for m in models_trained_on(project, v.name):
            deps.extend(list_deployments(project, model=m.ref))
    return _active_dates(list({d.id: d for d in deps}.values()))


def _require_reason(reason: str | None) -> str:
    if not (reason and reason.strip()):
        raise ValidationFailed("say why it is retired (--reason)")
    return reason.strip()


def _record_retirement(
    project: Project,
    kind: str,
    asset: str,
    reason: str,
    successor: str | None,
    archive: str | None,
    active_from: str | None,
    dates: ActiveDates,
    stamp: str,
    schema_version: int | None,
) -> int:
    event_id = append(
        project.db,
        NewEvent(
            kind={
                "model": "model.retire",
                "dataset_version": "version.retire",
                "schema_version": "schema.retire",
            }[kind],
            user=project.user,
            reason=reason,
            schema_version=schema_version,
            new={
                "asset": asset,
                "successor": successor,
                "archive": archive,
                "active_from": active_from,
                "in_production_from": dates.first_deployed,
                "in_production_until": dates.last_ended,
                "still_deployed_in": list(dates.still_deployed),
                "retired_at": stamp,
            },
        ),
    )
    return model_rows.insert_retirement(
        project.db,
        {
            "asset_kind": kind,
            "asset": asset,
            "reason": reason,
            "successor": successor,
            "archive": archive,
            "active_from": active_from,
            "active_until": stamp,
            "in_production_from": dates.first_deployed,
            "in_production_until": dates.last_ended,
            "retired_by": project.user,
            "retired_at": stamp,
            "event_id": event_id,
        },
    )


def _retire_row(
    project: Project,
    mark: Callable[[str], None],
    kind: str,
    asset: str,
    reason: str,
    successor: str | int | None,
    archive: str | None,
    active_from: str | None,
    dates: ActiveDates,
    at: datetime | str | None,
    schema_version: int | None,
) -> int:
    """Mark the asset's own row retired (`mark(stamp)`) and record the retirement, in one
    transaction: models, dataset versions and schema versions all retire this way."""
    stamp = to_iso(at)
    with transaction(project.db):
        mark(stamp)
        return _record_retirement(
            project,
            kind,
            asset,
            reason,
            None if successor is None else str(successor),
            archive,
            active_from,
            dates,
            stamp,
            schema_version,
        )


def get_retirement(project: Project, kind: str, asset: str) -> Retirement | None:
    return model_rows.get_retirement(project.db, kind, asset)


def list_retirements(project: Project) -> list[Retirement]:
    return model_rows.list_retirements(project.db)


def retire_model(
    project: Project,
    model: str,
    reason: str,
    successor: str | None = None,
    archive: str | None = None,
    at: datetime | str | None = None,
) -> Retirement:
    """Retire a model version (it stays listed); refused while it still serves somewhere."""
    project.require_lead("retire models")
    why = _require_reason(reason)
    if parse_ref(model)[1] is None:
        raise ValidationFailed(f"name the model version to retire, e.g. {model.strip()}:1")
    m = get_model(project, model)
    if m.retired:
        raise Frozen(f"{m.ref} was already retired on {m.retired_at} ({m.retired_reason})")
    succ = get_model(project, successor).ref if successor else None
    if succ == m.ref:
        raise ValidationFailed("a model version cannot be its own successor")
    dates = model_active_dates(project, m.ref)
    if dates.still_deployed:
        raise ValidationFailed(
            f"{m.ref} is still deployed to "
            f"{noun_for(len(dates.still_deployed), 'environment')} "
            f"{', '.join(repr(e) for e in dates.still_deployed)}: deploy its successor there, "
            f"roll back, or `aal model undeploy {m.ref} --env ENV --reason TEXT` first, "
            "then retire it"
        )
    rid = _retire_row(
        project,
        lambda stamp: model_rows.mark_model_retired(
            project.db, m.name, m.version, stamp, project.user, why, succ, archive
        ),
        "model",
        m.ref,
        why,
        succ,
        archive,
        m.registered_at,
        dates,
        at,
        m.schema_version,
    )
    project.notify(Change(ChangeKind.model, (m.ref,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def retire_version(
    project: Project,
    name: str,
    reason: str,
    successor: str | None = None,
    archive: str | None = None,
    at: datetime | str | None = None,
) -> Retirement:
    """Retire a dataset version: new models refuse it unless overridden; it stays traceable."""
    project.require_lead("retire dataset versions")
    why = _require_reason(reason)
    row = dataset_row(project, name)
    if row.retired_at is not None:
        raise Frozen(
            f"dataset version '{name}' was already retired on {row.retired_at} "
            f"({row.retired_reason})"
        )
    if successor is not None:
        dataset_row(project, successor)
        if successor == name:
            raise ValidationFailed("a dataset version cannot be its own successor")
    dates = dataset_active_dates(project, name)
    rid = _retire_row(
        project,
        lambda stamp: version_rows.mark_retired(
            project.db, name, stamp, project.user, why, successor, archive
        ),
        "dataset_version",
        name,
        why,
        successor,
        archive,
        row.created_at,
        dates,
        at,
        row.schema_version,
    )
    project.notify(Change(ChangeKind.version, (name,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def retire_schema(
    project: Project,
    version: int,
    reason: str,
    successor: int | None = None,
    archive: str | None = None,
    at: datetime | str | None = None,
) -> Retirement:
    """Retire a published schema version; the current one cannot be (publish its successor)."""
    project.require_lead("retire schema versions")
    why = _require_reason(reason)
    schemas.ensure_default(project)
    srow = schema_rows.get(project.db, version)
    if srow is None:
        raise NotFound(f"no schema version {version} (see `aal schema list`)")
    status, published_at, retired_at, retired_reason = (
        srow.status,
        srow.published_at,
        srow.retired_at,
        srow.retired_reason,
    )
    if status == "retired":
        raise Frozen(
            f"schema version {version} was already retired on {retired_at} ({retired_reason})"
        )
    if status != "published":
        raise ValidationFailed(
            f"schema version {version} is a draft; only published versions are retired"
        )
    newest = schema_rows.newest_published(project.db)
    if newest == version:
        raise ValidationFailed(
            f"schema version {version} is the current schema; publish its "
            "successor first, then retire it"
        )
    if successor is not None:
        if schema_rows.get(project.db, successor) is None:
            raise NotFound(f"no schema version {successor}")
        if successor == version:
            raise ValidationFailed("a schema version cannot be its own successor")
    dates = schema_active_dates(project, version)
    rid = _retire_row(
        project,
        lambda stamp: schema_rows.mark_retired(
            project.db, version, stamp, project.user, why, successor, archive
        ),
        "schema_version",
        str(version),
        why,
        successor,
        archive,
        published_at,
        dates,
        at,
        version,
    )
    project.notify(Change(ChangeKind.schema, (version,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def _get_retirement_by_id(project: Project, rid: int) -> Retirement:
    return model_rows.retirement_by_id(project.db, rid)
