"""Has this run been tried? Find registered models by identity, and say how two runs differ.

A run's identity (core/run_identity) is computed from what the registry already records for
every model version (datasets, schema version, framework, configuration text), so models
registered before this existed are found too and nothing new is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ValidationFailed
from ..core.run_identity import (
    KeyChange,
    RunIdentity,
    canonical_config,
    config_changes,
    metric_changes,
    normalize_framework,
)
from . import deployments, model_registry, versions
from .model_registry import ModelVersion
from .project import Project


@dataclass(frozen=True)
class FoundRun:
    """A registered model that answers a search, with what a person needs to judge it."""

    model: str
    datasets: tuple[str, ...]
    schema_version: int | None
    framework: str | None
    config_sha256: str | None
    metrics: dict[str, Any]
    deployed_in: tuple[str, ...]
    registered_at: str
    retired: bool


@dataclass(frozen=True)
class RunComparison:
    """What differs between two runs: data, schema, framework, configuration, metrics."""

    a: str
    b: str
    datasets_only_a: tuple[str, ...]
    datasets_only_b: tuple[str, ...]
    datasets_shared: tuple[str, ...]
    dataset_changes: list[dict[str, Any]] = field(default_factory=list)
    schema_version: tuple[int | None, int | None] = (None, None)
    framework: tuple[str | None, str | None] = (None, None)
    same_config: bool = True
    config_changes: list[KeyChange] = field(default_factory=list)
    config_comparable: bool = True
    metric_changes: list[KeyChange] = field(default_factory=list)

    @property
    def same_identity(self) -> bool:
        return (
            not self.datasets_only_a
            and not self.datasets_only_b
            and self.schema_version[0] == self.schema_version[1]
            and self.framework[0] == self.framework[1]
            and self.same_config
        )


def identity_of(m: ModelVersion) -> RunIdentity:
    """The identity of a registered model version."""
    config = canonical_config(m.config_name, m.config_text)
    return RunIdentity.of(
        m.datasets, m.schema_version, m.framework, config.sha256 if config else None
    )


def _live_envs(project: Project, m: ModelVersion) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                d.env
                for d in deployments.list_deployments(project, model=m.ref)
                if d.active and d.kind != "undeploy"
            }
        )
    )


def _found(project: Project, m: ModelVersion, identity: RunIdentity) -> FoundRun:
    return FoundRun(
        model=m.ref,
        datasets=identity.datasets,
        schema_version=m.schema_version,
        framework=m.framework,
        config_sha256=identity.config_sha256,
        metrics=dict(m.metrics),
        deployed_in=_live_envs(project, m),
        registered_at=m.registered_at,
        retired=m.retired,
    )


def same_runs(project: Project, m: ModelVersion) -> list[FoundRun]:
    """Every other registered model version with exactly the identity of `m`."""
    key = identity_of(m).key()
    out = []
    for other in model_registry.list_models(project):
        if other.ref == m.ref:
            continue
        identity = identity_of(other)
        if identity.key() == key:
            out.append(_found(project, other, identity))
    return out


def find_runs(
    project: Project,
    datasets: Iterable[str] = (),
    config: Path | str | None = None,
    framework: str | None = None,
) -> list[FoundRun]:
    """Models trained on exactly these dataset versions and/or with this configuration and
    framework; with no criterion at all, every model."""
    wanted = tuple(sorted(set(datasets)))
    for name in wanted:
        versions.get_version(project, name)  # a typo names the version, not "no match"
    config_hash = None
    if config is not None:
        path = Path(config)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationFailed(f"cannot read configuration {path}: {exc}") from None
        canonical = canonical_config(path.name, text)
        config_hash = canonical.sha256 if canonical else None
    want_framework = normalize_framework(framework)
    out = []
    for m in model_registry.list_models(project):
        identity = identity_of(m)
        if wanted and identity.datasets != wanted:
            continue
        if config_hash is not None and identity.config_sha256 != config_hash:
            continue
        if want_framework is not None and identity.framework != want_framework:
            continue
        out.append(_found(project, m, identity))
    return out


def compare_runs(project: Project, a: str, b: str) -> RunComparison:
    """What differs between two registered runs, key by key."""
    ma, mb = model_registry.get_model(project, a), model_registry.get_model(project, b)
    ca = canonical_config(ma.config_name, ma.config_text)
    cb = canonical_config(mb.config_name, mb.config_text)
    comparable = bool(ca and cb and ca.structured and cb.structured)
    changes = config_changes(ca.data, cb.data) if comparable and ca and cb else []
    sa, sb = set(ma.datasets), set(mb.datasets)
    dataset_changes: list[dict[str, Any]] = []
    if sa != sb and len(ma.datasets) == 1 and len(mb.datasets) == 1:
        diff = versions.diff_versions(project, ma.datasets[0], mb.datasets[0])
        dataset_changes = [diff] if isinstance(diff, dict) else [_as_dict(diff)]
    return RunComparison(
        a=ma.ref,
        b=mb.ref,
        datasets_only_a=tuple(sorted(sa - sb)),
        datasets_only_b=tuple(sorted(sb - sa)),
        datasets_shared=tuple(sorted(sa & sb)),
        dataset_changes=dataset_changes,
        schema_version=(ma.schema_version, mb.schema_version),
        framework=(ma.framework, mb.framework),
        same_config=(ca.sha256 if ca else None) == (cb.sha256 if cb else None),
        config_changes=changes,
        config_comparable=comparable,
        metric_changes=metric_changes(ma.metrics, mb.metrics),
    )


def _as_dict(value: Any) -> dict[str, Any]:
    """A typed changelog value as the JSON the CLI prints."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        result = to_json()
        return result if isinstance(result, dict) else {"changes": result}
    return dict(getattr(value, "__dict__", {}))


def describe_match(run: FoundRun) -> str:
    """`detr:1 (mAP=0.81, deployed in prod)` for a warning line."""
    metrics = ", ".join(
        f"{k}={v}" for k, v in sorted(run.metrics.items()) if isinstance(v, int | float | str)
    )
    bits = [
        b
        for b in (metrics, f"deployed in {', '.join(run.deployed_in)}" if run.deployed_in else "")
        if b
    ]
    return f"{run.model} ({'; '.join(bits)})" if bits else run.model
