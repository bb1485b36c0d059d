"""A small Python API for training scripts: register what was trained, ask what it came from.

    from aal_desktop.api import register_model, lineage
    ref = register_model(db="project/aal.sqlite3", name="det", weights="runs/best.pt",
                         datasets=["v2"], metrics={"mAP": 0.83}, config="train.yaml",
                         framework="ultralytics 8.3", user="trainer")
    info = lineage(db="project/aal.sqlite3", model=ref)

Plain values in and out (strings, dicts), so a script needs nothing else from the app; every
call opens the project, does one thing through the same services as the CLI, and closes it.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .core.errors import ValidationFailed
from .services import lineage as _lineage
from .services import models as _models
from .services.project import Project

__all__ = ["register_model", "lineage", "check_weights", "in_production"]


def _jsonable(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def register_model(
    db: str | Path,
    name: str,
    weights: str | Path,
    datasets: list[str],
    metrics: dict[str, Any] | str | Path | None = None,
    config: str | Path | None = None,
    framework: str | None = None,
    user: str | None = None,
    allow_retired: bool = False,
    reason: str | None = None,
) -> str:
    """Record a trained model version; returns its reference "name:version"."""
    with Project(db, user) as project:
        m = _models.register_model(
            project,
            name,
            Path(weights),
            list(datasets),
            metrics,
            config,
            framework,
            allow_retired=allow_retired,
            reason=reason,
        )
        return m.ref


def lineage(
    db: str | Path,
    model: str | None = None,
    version: str | None = None,
    env: str | None = None,
    at: str | datetime | date | None = None,
    user: str | None = None,
) -> dict[str, Any]:
    """Lineage as plain dicts: of a model (`model="det:2"`), of a dataset version
    (`version="v2"`), or what served an environment at a time (`env="prod", at="2025-03-01"`).
    """
    if sum(x is not None for x in (model, version, env)) != 1:
        raise ValidationFailed("ask about exactly one of model=, version= or env=")
    with Project(db, user) as project:
        if model is not None:
            return _jsonable(_lineage.model_lineage(project, model))
        if version is not None:
            return _jsonable(_lineage.dataset_lineage(project, version))
        assert env is not None
        return _jsonable(_lineage.production(project, env, at))


def check_weights(db: str | Path, model: str, user: str | None = None) -> bool:
    """True when the model's weights file still has the registered SHA-256."""
    with Project(db, user) as project:
        return _models.check_weights(project, model).matches


def in_production(
    db: str | Path, env: str, at: str | datetime | date | None = None, user: str | None = None
) -> str | None:
    """The "name:version" serving `env` at `at` (now by default), or None."""
    with Project(db, user) as project:
        dep = _models.in_production(project, env, at)
        return dep.ref if dep else None
