"""The model registry: register a model version once, look it up, and check its weights.

A model version is registered once and frozen: the weights stay where they are, but their
path, SHA-256 and size are recorded so a later `check_weights` can say whether the file is
still the one that was registered. Registration writes a hash-chained event, which makes it
part of the tamper-evident audit trail. Times are parsed by `core.times.to_iso` (the one
parser), re-exported here for the model services.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import NotFound, ValidationFailed
from ..core.registry import ModelVersion
from ..core.times import to_iso  # re-exported: services import it from here
from ..store import models as model_rows
from ..store import versions as version_rows
from ..store.blobs import sha256_file
from ..store.db import transaction
from ..store.events import NewEvent, append
from .project import Change, ChangeKind, Project

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightsCheck:
    """Whether the weights file of a model version is still the one that was registered."""

    model: str
    path: str
    expected_sha256: str
    expected_size: int
    exists: bool
    actual_sha256: str | None
    actual_size: int | None

    @property
    def matches(self) -> bool:
        return self.exists and self.actual_sha256 == self.expected_sha256

    def describe(self) -> str:
        if not self.exists:
            return f"{self.model}: weights file {self.path} is missing"
        if self.matches:
            return f"{self.model}: {self.path} matches sha256 {self.expected_sha256}"
        return (
            f"{self.model}: {self.path} has CHANGED: sha256 {self.actual_sha256} "
            f"({self.actual_size} bytes), registered {self.expected_sha256} "
            f"({self.expected_size} bytes)"
        )


# --- references -------------------------------------------------------------------------------


def parse_ref(ref: str) -> tuple[str, int | None]:
    """`name:version` → (name, version); a bare `name` means its newest version."""
    text = ref.strip()
    if ":" in text:
        name, _, ver = text.rpartition(":")
        try:
            version = int(ver)
        except ValueError:
            raise ValidationFailed(f"'{ref}' is not NAME:VERSION (version is a number)") from None
        return name, version
    return text, None


def get_model(project: Project, ref: str) -> ModelVersion:
    """A model version by `name:version` (or `name` for its newest version)."""
    name, version = parse_ref(ref)
    found = model_rows.get_model(project.db, name, version)
    if found is None:
        raise NotFound(f"no model {ref} (see `aal model list`)")
    return found


def list_models(project: Project, name: str | None = None) -> list[ModelVersion]:
    """Every model version, retired ones included (they stay listed and traceable)."""
    return model_rows.list_models(project.db, name)


def models_trained_on(project: Project, dataset_version: str) -> list[ModelVersion]:
    return [
        get_model(project, f"{m}:{v}")
        for m, v in model_rows.trained_on(project.db, dataset_version)
    ]


# --- registration -----------------------------------------------------------------------------


def dataset_row(project: Project, name: str) -> version_rows.VersionRow:
    """A dataset version a model names (or NotFound, pointing at `aal version list`)."""
    row = version_rows.get(project.db, name)
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    return row


def _read_metrics(metrics: dict[str, Any] | Path | str | None) -> dict[str, Any]:
    if metrics is None:
        return {}
    if isinstance(metrics, str | Path):
        p = Path(metrics)
        try:
            value = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationFailed(f"{p}: no such metrics file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationFailed(f"{p}: not a JSON metrics file ({exc})") from None
    else:
        value = metrics
    if not isinstance(value, dict):
        raise ValidationFailed('metrics must be a JSON object like {"mAP": 0.81}')
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"metrics are not plain JSON: {exc}") from None


def _read_config(config: Path | str | None) -> tuple[str | None, str | None]:
    if config is None:
        return None, None
    p = Path(config)
    try:
        return p.name, p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationFailed(f"{p}: no such training config file") from None
    except UnicodeDecodeError:
        raise ValidationFailed(f"{p}: the training config must be a text file") from None


def register_model(
    project: Project,
    name: str,
    weights: Path | str,
    datasets: Iterable[str],
    metrics: dict[str, Any] | Path | str | None = None,
    config: Path | str | None = None,
    framework: str | None = None,
    allow_retired: bool = False,
    reason: str | None = None,
    at: datetime | str | None = None,
) -> ModelVersion:
    """Record the next version of `name`: weights hash and size, training data, config, metrics.

    A retired dataset version is refused unless `allow_retired` with a `reason` (recorded),
    so nobody trains on withdrawn data by accident.
    """
    name = name.strip()
    if not NAME_RE.match(name):
        raise ValidationFailed(
            f"'{name}' is not a model name: use letters, digits, '.', '_' or '-' (no ':')"
        )
    wpath = Path(weights).expanduser()
    if not wpath.is_file():
        raise ValidationFailed(f"{wpath}: no such weights file")
    names = list(dict.fromkeys(d.strip() for d in datasets if d.strip()))
    if not names:
        raise ValidationFailed("name the dataset version(s) the model was trained on (--dataset)")
    rows = [dataset_row(project, d) for d in names]
    retired = [r for r in rows if r.retired_at is not None]
    override = None
    if retired:
        listed = ", ".join(
            f"'{r.name}' (retired {(r.retired_at or '')[:10]}: {r.retired_reason}"
            + (f"; successor {r.successor}" if r.successor else "")
            + ")"
            for r in retired
        )
        if not allow_retired:
            raise ValidationFailed(
                f"dataset version {listed} is retired; train on its successor, "
                "or pass --allow-retired with --reason"
            )
        if not (reason and reason.strip()):
            raise ValidationFailed("using a retired dataset version needs a --reason")
        override = reason.strip()
    metric_values = _read_metrics(metrics)
    config_name, config_text = _read_config(config)
    size = wpath.stat().st_size
    sha = sha256_file(wpath)
    schema_version = max(r.schema_version for r in rows)
    stamp = to_iso(at)
    with transaction(project.db):
        version = model_rows.next_version(project.db, name)
        event_id = append(
            project.db,
            NewEvent(
                kind="model.register",
                user=project.user,
                reason=override,
                schema_version=schema_version,
                new={
                    "model": f"{name}:{version}",
                    "weights_sha256": sha,
                    "weights_size": size,
                    "weights_path": str(wpath.resolve()),
                    "datasets": names,
                    "framework": framework,
                    "metrics": metric_values,
                    "config": config_name,
                    "registered_at": stamp,
                },
            ),
        )
        model_rows.insert_model(
            project.db,
            model_rows.NewModel(
                name=name,
                version=version,
                weights_path=str(wpath.resolve()),
                weights_sha256=sha,
                weights_size=size,
                framework=framework,
                config_name=config_name,
                config_text=config_text,
                metrics=metric_values,
                schema_version=schema_version,
                override_reason=override,
                event_id=event_id,
                registered_by=project.user,
                registered_at=stamp,
                datasets=names,
            ),
        )
    project.notify(Change(ChangeKind.model, (f"{name}:{version}",)))
    return get_model(project, f"{name}:{version}")


def check_weights(project: Project, ref: str) -> WeightsCheck:
    """Re-hash the weights file where it was registered and compare."""
    m = get_model(project, ref)
    p = Path(m.weights_path)
    if not p.is_file():
        return WeightsCheck(
            m.ref, m.weights_path, m.weights_sha256, m.weights_size, False, None, None
        )
    return WeightsCheck(
        m.ref,
        m.weights_path,
        m.weights_sha256,
        m.weights_size,
        True,
        sha256_file(p),
        p.stat().st_size,
    )
