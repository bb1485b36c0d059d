"""The model lifecycle's records: model versions, deployments with their gate results, and
retirements. Plain values: the store builds them from rows, the services decide with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ModelVersion:
    """One registered version of a named model: what it is and what it learned from."""

    name: str
    version: int
    weights_path: str
    weights_sha256: str
    weights_size: int
    framework: str | None
    config_name: str | None
    config_text: str | None
    metrics: dict[str, Any]
    schema_version: int | None
    datasets: tuple[str, ...]
    override_reason: str | None
    registered_by: str
    registered_at: str
    retired_at: str | None = None
    retired_by: str | None = None
    retired_reason: str | None = None
    successor: str | None = None
    archive: str | None = None
    event_id: int | None = None

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.version}"

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass(frozen=True)
class GateResult:
    """A gate, the recorded value it was checked against, and whether it passed."""

    gate: str
    metric: str
    op: str
    threshold: float
    value: float | None
    passed: bool

    def describe(self) -> str:
        shown = "not recorded" if self.value is None else f"{self.value:g}"
        return f"{self.gate}: {self.metric} = {shown} → {'passed' if self.passed else 'FAILED'}"


@dataclass(frozen=True)
class Deployment:
    """One recorded deployment; `ended_at`/`ended_by` are derived from the next one in `env`."""

    id: int
    model: str
    version: int
    env: str
    kind: str  # 'deploy' | 'rollback'
    gates: tuple[GateResult, ...]
    gates_passed: bool
    forced: bool
    force_reason: str | None
    limitations: tuple[str, ...]
    replaces: int | None  # the rollback pointer: the deployment this one replaced in env
    restores: int | None  # for a rollback: the deployment whose model it put back
    reason: str | None
    deployed_by: str
    deployed_at: str
    event_id: int | None
    ended_at: str | None = None
    ended_by: int | None = None  # the deployment that replaced it
    ended_by_model: str | None = None  # and what it put in its place
    undeployed: bool = False  # it ended by `aal model undeploy`, nothing in its place
    undeploy_reason: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.model}:{self.version}"

    @property
    def active(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Retirement:
    """Why and when an asset was retired, what replaces it, where it is archived, and the
    dates it was active / in production (derived from the records at retirement time)."""

    id: int
    asset_kind: str  # 'model' | 'dataset_version' | 'schema_version'
    asset: str
    reason: str
    successor: str | None
    archive: str | None
    active_from: str | None
    active_until: str | None
    in_production_from: str | None
    in_production_until: str | None  # None with a from: still served when retired
    retired_by: str
    retired_at: str
    event_id: int | None
