"""Model registry, deployments with gates, rollback, and retirement of models, data and schemas.

A model version is registered once and frozen: the weights stay where they are, but their
path, SHA-256 and size are recorded so a later `check_weights` can say whether the file is
still the one that was registered. Deployments are append-only; which deployment was active
when is DERIVED from their order in an environment (a deployment ends when the next one in
the same environment starts), so "what was in production on date D" needs no extra state.
Every registration, deployment, rollback and retirement also writes a hash-chained event,
which makes these records part of the tamper-evident audit trail. Services take an optional
`at` to record something that happened earlier (back-filling, tests); the event keeps the
time it was RECORDED and carries the declared time in its payload.

The work is split by job (STYLE.md: one module, one job):
- `model_registry`: register, get/list, weights check, references and the time spelling;
- `deployments`: evaluation gates, deploy, rollback, in_production and the listings;
- `retirement`: retiring models, dataset versions and schema versions, with active dates.
This module re-exports their public API so `from .services import models` keeps working for
the CLI, api.py, lineage.py, report.py and the tests.
"""

from __future__ import annotations

from .deployments import (
    GATE_RE,
    OPERATORS,
    Deployment,
    Gate,
    GateResult,
    current_deployment,
    deploy,
    environments,
    evaluate_gate,
    evaluate_gates,
    get_deployment,
    in_production,
    list_deployments,
    metric_value,
    parse_gate,
    rollback,
    undeploy,
)
from .model_registry import (
    NAME_RE,
    ModelVersion,
    WeightsCheck,
    check_weights,
    get_model,
    list_models,
    models_trained_on,
    parse_ref,
    register_model,
    to_iso,
)
from .retirement import (
    ActiveDates,
    Retirement,
    dataset_active_dates,
    get_retirement,
    list_retirements,
    model_active_dates,
    retire_model,
    retire_schema,
    retire_version,
    schema_active_dates,
)

__all__ = [
    "GATE_RE",
    "NAME_RE",
    "OPERATORS",
    "ActiveDates",
    "Deployment",
    "Gate",
    "GateResult",
    "ModelVersion",
    "Retirement",
    "WeightsCheck",
    "check_weights",
    "current_deployment",
    "dataset_active_dates",
    "deploy",
    "environments",
    "evaluate_gate",
    "evaluate_gates",
    "get_deployment",
    "get_model",
    "get_retirement",
    "in_production",
    "list_deployments",
    "list_models",
    "list_retirements",
    "metric_value",
    "model_active_dates",
    "models_trained_on",
    "parse_gate",
    "parse_ref",
    "register_model",
    "retire_model",
    "retire_schema",
    "retire_version",
    "rollback",
    "schema_active_dates",
    "to_iso",
    "undeploy",
]
