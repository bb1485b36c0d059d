"""Lineage both ways: what a model learned from, and which models a dataset version fed.

Every answer is built from the frozen records (models, model_datasets, dataset_versions,
version_documents, version_regions, schema_versions, schema_migrations, deployments,
retirements; corrections and changelogs through services.versions), and each fact keeps
the record it came from (table and key) so a report can point an auditor at the row.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..core.errors import NotFound
from ..store import schema_versions as schema_rows
from ..store import versions as version_rows
from . import models as registry
from . import versions
from .models import Deployment, ModelVersion, Retirement
from .project import Project


@dataclass(frozen=True)
class SchemaInfo:
    version: int
    name: str
    status: str
    guideline_version: str
    classes: tuple[str, ...]
    parent_version: int | None
    created_by: str
    created_at: str
    published_by: str | None
    published_at: str | None
    retired_at: str | None
    retired_reason: str | None
    successor: int | None
    archive: str | None
    migration_reason: str | None = None  # the reason recorded when a migration made it
    migrated_regions: int | None = None

    @property
    def source(self) -> str:
        return f"schema_versions/{self.version}"


@dataclass(frozen=True)
class DocumentUse:
    """A document as a dataset version holds it: provenance, split and size."""

    document_id: int
    sha256: str
    filename: str
    source: str | None
    license: str | None
    split: str
    pages: int
    regions: int


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    dataset: str
    parent: str | None
    schema_version: int
    statuses: list[str]
    split_ratios: Any
    seed: int
    semver: str | None
    created_by: str
    created_at: str
    last_event_id: int
    retired_at: str | None
    retired_by: str | None
    retired_reason: str | None
    successor: str | None
    archive: str | None
    documents: tuple[DocumentUse, ...]
    splits: dict[str, dict[str, int]]
    class_distribution: dict[str, int]
    class_distribution_by_split: dict[str, dict[str, int]]
    sources: dict[str, int]
    licences: dict[str, int]
    quality: dict[str, Any]
    regions: int

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def source_record(self) -> str:
        return f"dataset_versions/{self.name}"


@dataclass(frozen=True)
class Correction:
    """One corrective event on a region: who changed what, when and why (events/id)."""

    event_id: int
    at: str
    user: str
    kind: str
    region_id: str | None
    document_id: int | None
    page: int | None
    class_before: str | None
    class_after: str | None
    reason: str | None
    review: str


@dataclass(frozen=True)
class CorrectionSet:
    """Corrections made between two dataset versions (`from_version` None: before the first)."""

    from_version: str | None
    to_version: str
    corrections: tuple[Correction, ...]
    by_user: dict[str, int]
    by_kind: dict[str, int]
    by_user_and_kind: dict[str, dict[str, int]]
    relabels: dict[str, int]  # "text → title": n
    changelog: dict[str, Any] = field(default_factory=dict)  # from services.versions


@dataclass(frozen=True)
class ModelLineage:
    model: ModelVersion
    datasets: tuple[DatasetInfo, ...]
    schemas: tuple[SchemaInfo, ...]  # the schema versions of those datasets
    schema_history: tuple[SchemaInfo, ...]  # every ancestor and later version, oldest first
    corrections: tuple[CorrectionSet, ...]
    deployments: tuple[Deployment, ...]
    retirement: Retirement | None
    previous: str | None  # the previous version of the same model
    next: str | None
    retired_datasets: tuple[str, ...]


@dataclass(frozen=True)
class ModelUse:
    model: ModelVersion
    deployments: tuple[Deployment, ...]


@dataclass(frozen=True)
class DatasetLineage:
    dataset: DatasetInfo
    schema: SchemaInfo
    ancestors: tuple[str, ...]  # parent, grandparent, …
    children: tuple[str, ...]
    models: tuple[ModelUse, ...]
    retirement: Retirement | None


@dataclass(frozen=True)
class ProductionAnswer:
    env: str
    at: str
    deployment: Deployment | None
    model: ModelVersion | None
    datasets: tuple[str, ...]
    schema_version: int | None


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # schema | dataset | model | deployment
    label: str
    retired: bool
    detail: dict[str, Any]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # schema_of | parent | trained_on | deployed | replaces


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


# --- schema -----------------------------------------------------------------------------------


def _schema_info(row: schema_rows.SchemaRow) -> SchemaInfo:
    return SchemaInfo(
        row.version,
        row.name,
        row.status,
        row.guideline_version,
        row.classes,
        row.parent_version,
        row.created_by,
        row.created_at,
        row.published_by,
        row.published_at,
        row.retired_at,
        row.retired_reason,
        row.successor,
        row.archive,
        row.migration_reason,
        row.migrated_regions,
    )


def schema_info(project: Project, version: int) -> SchemaInfo:
    row = schema_rows.get(project.db, version)
    if row is None:
        raise NotFound(f"no schema version {version}")
    return _schema_info(row)


def schema_history(project: Project, version: int) -> list[SchemaInfo]:
    """The version's ancestors (oldest first), itself, then the published versions after it."""
    chain: list[SchemaInfo] = []
    seen: set[int] = set()
    current: int | None = version
    while current is not None and current not in seen:
        seen.add(current)
        info = schema_info(project, current)
        chain.append(info)
        current = info.parent_version
    chain.reverse()
    return chain + [_schema_info(r) for r in schema_rows.not_drafts(project.db, after=version)]


# --- dataset versions -------------------------------------------------------------------------


def dataset_info(project: Project, name: str) -> DatasetInfo:
    row = version_rows.get(project.db, name)
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    docs = tuple(
        DocumentUse(u.id, u.sha256, u.filename, u.source, u.license, u.split, u.pages, u.regions)
        for u in version_rows.member_uses(project.db, name)
    )
    splits: dict[str, dict[str, int]] = {}
    for d in docs:
        s = splits.setdefault(d.split, {"documents": 0, "pages": 0, "regions": 0})
        s["documents"] += 1
        s["pages"] += d.pages
        s["regions"] += d.regions
    by_split = version_rows.class_counts_by_split(project.db, name)
    dist: Counter[str] = Counter()
    for counts in by_split.values():
        dist.update(counts)
    quality = _json(row.quality_json)
    if not quality:
        quality = _json(row.stats_json).get("quality", {}) or {}
    return DatasetInfo(
        name=row.name,
        dataset=row.dataset,
        parent=row.parent,
        schema_version=row.schema_version,
        statuses=list(row.statuses),
        split_ratios=list(row.split_ratios),
        seed=row.seed,
        semver=row.semver,
        created_by=row.created_by,
        created_at=row.created_at,
        last_event_id=row.last_event_id,
        retired_at=row.retired_at,
        retired_by=row.retired_by,
        retired_reason=row.retired_reason,
        successor=row.successor,
        archive=row.archive,
        documents=docs,
        splits=splits,
        class_distribution=dict(sorted(dist.items())),
        class_distribution_by_split=by_split,
        sources=dict(Counter(d.source or "(not recorded)" for d in docs)),
        licences=dict(Counter(d.license or "(not recorded)" for d in docs)),
        quality=quality,
        regions=sum(dist.values()),
    )


def _json(text: str | None) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _ancestors(project: Project, name: str) -> list[str]:
    out: list[str] = []
    current = version_rows.get(project.db, name)
    while current and current.parent and current.parent not in out:
        out.append(current.parent)
        current = version_rows.get(project.db, current.parent)
    return out


# --- corrections ------------------------------------------------------------------------------


def corrections_between(project: Project, a: str | None, b: str) -> CorrectionSet:
    """Corrective region events after version `a` was cut up to when `b` was cut, on b's
    documents (`a` None: every correction before `b`), with who, what and why, plus the
    changelog the dataset-versions service computes for the same span."""
    rows = [
        c for c in versions.changes_between(project, a, b) if c.get("change_type") == "corrective"
    ]
    found = tuple(
        Correction(
            event_id=int(c["event_id"]),
            at=c["at"],
            user=c["user"],
            kind=c["kind"],
            region_id=c.get("region_id"),
            document_id=c.get("document_id"),
            page=c.get("page"),
            class_before=(c.get("original") or {}).get("class_key"),
            class_after=(c.get("new") or {}).get("class_key"),
            reason=c.get("reason"),
            review=c.get("review") or "pending",
        )
        for c in rows
    )
    by_user_kind: dict[str, dict[str, int]] = {}
    for c in found:
        kinds = by_user_kind.setdefault(c.user, {})
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    relabels = Counter(
        f"{c.class_before} → {c.class_after}"
        for c in found
        if c.class_before and c.class_after and c.class_before != c.class_after
    )
    if a == _parent(project, b):
        changelog = versions.version_changelog(project, b)
    else:
        assert a is not None  # b has a parent or a is given: a None equals a root's parent
        changelog = versions.diff_versions(project, a, b)
    return CorrectionSet(
        from_version=a,
        to_version=b,
        corrections=found,
        by_user=dict(Counter(c.user for c in found)),
        by_kind=dict(Counter(c.kind for c in found)),
        by_user_and_kind=by_user_kind,
        relabels=dict(relabels),
        changelog=changelog,
    )


def _parent(project: Project, name: str) -> str | None:
    row = version_rows.get(project.db, name)
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    return row.parent


# --- lineage ----------------------------------------------------------------------------------


def model_lineage(project: Project, ref: str) -> ModelLineage:
    """What a model version learned from: data, schema and its history, corrections, where it
    served, and its retirement."""
    m = registry.get_model(project, ref)
    datasets = tuple(dataset_info(project, d) for d in m.datasets)
    schema_versions = sorted({d.schema_version for d in datasets})
    schemas = tuple(schema_info(project, v) for v in schema_versions)
    history = schema_history(project, max(schema_versions)) if schema_versions else []
    siblings = [v.version for v in registry.list_models(project, m.name)]
    prev = max((v for v in siblings if v < m.version), default=None)
    nxt = min((v for v in siblings if v > m.version), default=None)
    pairs: list[tuple[str | None, str]] = [(d.parent, d.name) for d in datasets]
    if prev is not None and datasets:
        prev_model = registry.get_model(project, f"{m.name}:{prev}")
        if prev_model.datasets:
            newest_prev = prev_model.datasets[-1]
            newest = datasets[-1].name
            if newest_prev != newest and (newest_prev, newest) not in pairs:
                pairs.append((newest_prev, newest))
    corrections = tuple(corrections_between(project, a, b) for a, b in dict.fromkeys(pairs))
    return ModelLineage(
        model=m,
        datasets=datasets,
        schemas=schemas,
        schema_history=tuple(history),
        corrections=corrections,
        deployments=tuple(registry.list_deployments(project, model=m.ref)),
        retirement=registry.get_retirement(project, "model", m.ref),
        previous=f"{m.name}:{prev}" if prev is not None else None,
        next=f"{m.name}:{nxt}" if nxt is not None else None,
        retired_datasets=tuple(d.name for d in datasets if d.retired),
    )


def dataset_lineage(project: Project, name: str) -> DatasetLineage:
    """Which models were trained on a dataset version, and where they were deployed."""
    info = dataset_info(project, name)
    children = tuple(v.name for v in version_rows.list_versions(project.db, parent=name))
    uses = tuple(
        ModelUse(m, tuple(registry.list_deployments(project, model=m.ref)))
        for m in registry.models_trained_on(project, name)
    )
    return DatasetLineage(
        dataset=info,
        schema=schema_info(project, info.schema_version),
        ancestors=tuple(_ancestors(project, name)),
        children=children,
        models=uses,
        retirement=registry.get_retirement(project, "dataset_version", name),
    )


def production(
    project: Project, env: str, at: datetime | date | str | None = None
) -> ProductionAnswer:
    """What served `env` at `at` (a bare date: at the end of that day) and what it learned
    from."""
    stamp = registry.to_iso(at, end_of_day=True)
    dep = registry.in_production(project, env, stamp)
    if dep is None:
        return ProductionAnswer(env, stamp, None, None, (), None)
    m = registry.get_model(project, dep.ref)
    return ProductionAnswer(env, stamp, dep, m, m.datasets, m.schema_version)


# --- graph ------------------------------------------------------------------------------------


def graph(project: Project) -> Graph:
    """Schema versions → dataset versions → models → deployments, retired assets flagged."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    used_schemas = version_rows.schema_versions_used(project.db)
    for row in schema_rows.not_drafts(project.db):
        s = _schema_info(row)
        if s.version not in used_schemas and s.status != "published":
            continue
        nodes.append(
            Node(
                f"schema:{s.version}",
                "schema",
                f"schema v{s.version}",
                s.status == "retired",
                {
                    "name": s.name,
                    "status": s.status,
                    "classes": len(s.classes),
                    "retired_reason": s.retired_reason,
                },
            )
        )
        if s.parent_version is not None and any(
            n.id == f"schema:{s.parent_version}" for n in nodes
        ):
            edges.append(Edge(f"schema:{s.parent_version}", f"schema:{s.version}", "parent"))
    for v in sorted(version_rows.list_versions(project.db), key=lambda v: (v.created_at, v.name)):
        name, parent, sv, rat, rreason, cat = (
            v.name,
            v.parent,
            v.schema_version,
            v.retired_at,
            v.retired_reason,
            v.created_at,
        )
        nodes.append(
            Node(
                f"dataset:{name}",
                "dataset",
                name,
                rat is not None,
                {"schema_version": sv, "created_at": cat, "retired_reason": rreason},
            )
        )
        edges.append(Edge(f"schema:{sv}", f"dataset:{name}", "schema_of"))
        if parent:
            edges.append(Edge(f"dataset:{parent}", f"dataset:{name}", "parent"))
    for m in registry.list_models(project):
        nodes.append(
            Node(
                f"model:{m.ref}",
                "model",
                m.ref,
                m.retired,
                {
                    "sha256": m.weights_sha256,
                    "metrics": m.metrics,
                    "retired_reason": m.retired_reason,
                },
            )
        )
        for d in m.datasets:
            edges.append(Edge(f"dataset:{d}", f"model:{m.ref}", "trained_on"))
    for dep in registry.list_deployments(project):
        nodes.append(
            Node(
                f"deployment:{dep.id}",
                "deployment",
                f"#{dep.id} {dep.env} · {dep.ref}"
                + (" (rollback)" if dep.kind == "rollback" else ""),
                False,
                {
                    "env": dep.env,
                    "active": dep.ended_at is None,
                    "model": dep.ref,
                    "deployed_at": dep.deployed_at,
                    "ended_at": dep.ended_at,
                    "forced": dep.forced,
                    "gates_passed": dep.gates_passed,
                },
            )
        )
        edges.append(Edge(f"model:{dep.ref}", f"deployment:{dep.id}", "deployed"))
        if dep.replaces is not None:
            edges.append(Edge(f"deployment:{dep.replaces}", f"deployment:{dep.id}", "replaces"))
    known = {n.id for n in nodes}
    return Graph(tuple(nodes), tuple(e for e in edges if e.source in known and e.target in known))
