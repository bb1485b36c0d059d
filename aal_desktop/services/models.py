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
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from ..core.errors import AalError, Frozen, NotFound, ValidationFailed
from ..store.blobs import sha256_file
from ..store.db import transaction
from ..store.events import NewEvent, append, now_iso
from . import schemas
from .project import Change, Project

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
GATE_RE = re.compile(
    r"^\s*(?P<metric>[^<>=!\s](?:[^<>=!]*[^<>=!\s])?)\s*(?P<op>>=|<=|==|>|<)\s*(?P<value>\S+)\s*$"
)
OPERATORS = (">=", "<=", "==", ">", "<")


# --- time -------------------------------------------------------------------------------------

def to_iso(value: datetime | date | str | None, end_of_day: bool = False) -> str:
    """One spelling for every stored time (UTC, microseconds), so text order is time order.

    A bare date means its start, or its end with `end_of_day` ("in production on D" asks
    about the state at the end of that day). Times without a zone are taken as UTC.
    """
    if value is None:
        return now_iso()
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationFailed(
                f"'{value}' is not an ISO date or time (e.g. 2025-03-01 or 2025-03-01T12:00:00Z)"
            ) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    assert isinstance(value, datetime)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# --- records ----------------------------------------------------------------------------------

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
class Gate:
    """An evaluation gate such as `mAP>=0.8`."""

    metric: str
    op: str
    threshold: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"


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

    @property
    def ref(self) -> str:
        return f"{self.model}:{self.version}"

    @property
    def active(self) -> bool:
        return self.ended_at is None


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
        return (f"{self.model}: {self.path} has CHANGED: sha256 {self.actual_sha256} "
                f"({self.actual_size} bytes), registered {self.expected_sha256} "
                f"({self.expected_size} bytes)")


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


@dataclass(frozen=True)
class ActiveDates:
    first_deployed: str | None
    last_ended: str | None  # None while any deployment is still active
    still_deployed: tuple[str, ...] = field(default_factory=tuple)  # envs


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


def _model_row_sql(where: str) -> str:
    return (
        "SELECT name, version, weights_path, weights_sha256, weights_size, framework, "
        "config_name, config_text, metrics, schema_version, override_reason, registered_by, "
        "registered_at, retired_at, retired_by, retired_reason, successor, archive, event_id "
        f"FROM models {where}"
    )


def _datasets_of(project: Project, name: str, version: int) -> tuple[str, ...]:
    rows = project.db.execute(
        "SELECT md.dataset_version FROM model_datasets md "
        "LEFT JOIN dataset_versions dv ON dv.name = md.dataset_version "
        "WHERE md.model = ? AND md.version = ? ORDER BY dv.created_at, md.dataset_version",
        [name, version],
    ).fetchall()
    return tuple(r[0] for r in rows)


def _model_from_row(project: Project, row: Sequence[Any]) -> ModelVersion:
    (name, version, path, sha, size, framework, cname, ctext, metrics, schema_version, override,
     rby, rat, retired_at, retired_by, retired_reason, successor, archive, event_id) = row
    return ModelVersion(
        name=name, version=int(version), weights_path=path, weights_sha256=sha,
        weights_size=int(size), framework=framework, config_name=cname, config_text=ctext,
        metrics=json.loads(metrics or "{}"), schema_version=schema_version,
        datasets=_datasets_of(project, name, int(version)), override_reason=override,
        registered_by=rby, registered_at=rat, retired_at=retired_at, retired_by=retired_by,
        retired_reason=retired_reason, successor=successor, archive=archive, event_id=event_id)


def get_model(project: Project, ref: str) -> ModelVersion:
    """A model version by `name:version` (or `name` for its newest version)."""
    name, version = parse_ref(ref)
    if version is None:
        row = project.db.execute(
            _model_row_sql("WHERE name = ? ORDER BY version DESC LIMIT 1"), [name]).fetchone()
    else:
        row = project.db.execute(
            _model_row_sql("WHERE name = ? AND version = ?"), [name, version]).fetchone()
    if row is None:
        raise NotFound(f"no model {ref} (see `aal model list`)")
    return _model_from_row(project, row)


def list_models(project: Project, name: str | None = None) -> list[ModelVersion]:
    """Every model version, retired ones included (they stay listed and traceable)."""
    if name:
        rows = project.db.execute(_model_row_sql("WHERE name = ? ORDER BY version"),
                                  [name]).fetchall()
    else:
        rows = project.db.execute(_model_row_sql("ORDER BY name, version")).fetchall()
    return [_model_from_row(project, r) for r in rows]


def models_trained_on(project: Project, dataset_version: str) -> list[ModelVersion]:
    rows = project.db.execute(
        "SELECT model, version FROM model_datasets WHERE dataset_version = ? "
        "ORDER BY model, version", [dataset_version]).fetchall()
    return [get_model(project, f"{m}:{v}") for m, v in rows]


# --- registration -----------------------------------------------------------------------------

def _dataset_row(project: Project, name: str) -> tuple[Any, ...]:
    row = project.db.execute(
        "SELECT name, schema_version, retired_at, retired_reason, successor, created_at "
        "FROM dataset_versions WHERE name = ?", [name]).fetchone()
    if row is None:
        raise NotFound(f"no dataset version '{name}' (see `aal version list`)")
    return tuple(row)


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
        raise ValidationFailed("metrics must be a JSON object like {\"mAP\": 0.81}")
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


def register_model(project: Project, name: str, weights: Path | str, datasets: Iterable[str],
                   metrics: dict[str, Any] | Path | str | None = None,
                   config: Path | str | None = None, framework: str | None = None,
                   allow_retired: bool = False, reason: str | None = None,
                   at: datetime | str | None = None) -> ModelVersion:
    """Record the next version of `name`: weights hash and size, training data, config, metrics.

    A retired dataset version is refused unless `allow_retired` with a `reason` (recorded),
    so nobody trains on withdrawn data by accident.
    """
    name = name.strip()
    if not NAME_RE.match(name):
        raise ValidationFailed(f"'{name}' is not a model name: use letters, digits, '.', '_' "
                               "or '-' (no ':')")
    wpath = Path(weights).expanduser()
    if not wpath.is_file():
        raise ValidationFailed(f"{wpath}: no such weights file")
    names = list(dict.fromkeys(d.strip() for d in datasets if d.strip()))
    if not names:
        raise ValidationFailed("name the dataset version(s) the model was trained on (--dataset)")
    rows = [_dataset_row(project, d) for d in names]
    retired = [r for r in rows if r[2] is not None]
    override = None
    if retired:
        listed = ", ".join(
            f"'{r[0]}' (retired {r[2][:10]}: {r[3]}" + (f"; successor {r[4]}" if r[4] else "")
            + ")" for r in retired)
        if not allow_retired:
            raise ValidationFailed(f"dataset version {listed} is retired; train on its successor, "
                                   "or pass --allow-retired with --reason")
        if not (reason and reason.strip()):
            raise ValidationFailed("using a retired dataset version needs a --reason")
        override = reason.strip()
    metric_values = _read_metrics(metrics)
    config_name, config_text = _read_config(config)
    size = wpath.stat().st_size
    sha = sha256_file(wpath)
    schema_version = max(int(r[1]) for r in rows)
    stamp = to_iso(at)
    with transaction(project.db):
        version = int(project.db.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = ?", [name]
        ).fetchone()[0])
        event_id = append(project.db, NewEvent(
            kind="model.register", user=project.user, reason=override,
            schema_version=schema_version,
            new={"model": f"{name}:{version}", "weights_sha256": sha, "weights_size": size,
                 "weights_path": str(wpath.resolve()), "datasets": names,
                 "framework": framework, "metrics": metric_values, "config": config_name,
                 "registered_at": stamp}))
        project.db.execute(
            "INSERT INTO models (name, version, weights_path, weights_sha256, weights_size, "
            "framework, config_name, config_text, metrics, schema_version, override_reason, "
            "event_id, registered_by, registered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [name, version, str(wpath.resolve()), sha, size, framework, config_name, config_text,
             json.dumps(metric_values, sort_keys=True), schema_version, override, event_id,
             project.user, stamp])
        for d in names:
            project.db.execute(
                "INSERT INTO model_datasets (model, version, dataset_version) VALUES (?,?,?)",
                [name, version, d])
    project.notify(Change("model", (f"{name}:{version}",)))
    return get_model(project, f"{name}:{version}")


def check_weights(project: Project, ref: str) -> WeightsCheck:
    """Re-hash the weights file where it was registered and compare."""
    m = get_model(project, ref)
    p = Path(m.weights_path)
    if not p.is_file():
        return WeightsCheck(m.ref, m.weights_path, m.weights_sha256, m.weights_size, False,
                            None, None)
    return WeightsCheck(m.ref, m.weights_path, m.weights_sha256, m.weights_size, True,
                        sha256_file(p), p.stat().st_size)


# --- gates ------------------------------------------------------------------------------------

def parse_gate(text: str) -> Gate:
    """`mAP>=0.8` (also >, <=, <, ==) → Gate; metric names may be dotted paths (`val.mAP`)."""
    m = GATE_RE.match(text)
    if m is None:
        raise ValidationFailed(f"'{text}' is not a gate like 'mAP>=0.8' "
                               f"(operators: {', '.join(OPERATORS)})")
    try:
        threshold = float(m["value"])
    except ValueError:
        raise ValidationFailed(f"gate '{text}': '{m['value']}' is not a number") from None
    if not math.isfinite(threshold):
        raise ValidationFailed(f"gate '{text}': the threshold must be a finite number")
    return Gate(m["metric"], m["op"], threshold)


def metric_value(metrics: dict[str, Any], metric: str) -> float | None:
    """The recorded number for `metric` (exact key first, then a dotted path), else None."""
    value: Any = metrics.get(metric)
    if value is None and "." in metric:
        value = metrics
        for part in metric.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def evaluate_gate(gate: Gate, metrics: dict[str, Any], text: str | None = None) -> GateResult:
    value = metric_value(metrics, gate.metric)
    if value is None:
        passed = False
    elif gate.op == ">=":
        passed = value >= gate.threshold
    elif gate.op == ">":
        passed = value > gate.threshold
    elif gate.op == "<=":
        passed = value <= gate.threshold
    elif gate.op == "<":
        passed = value < gate.threshold
    else:
        passed = math.isclose(value, gate.threshold, rel_tol=1e-9, abs_tol=1e-12)
    return GateResult(text.strip() if text else str(gate), gate.metric, gate.op, gate.threshold,
                      value, passed)


def evaluate_gates(gates: Iterable[str], metrics: dict[str, Any]) -> list[GateResult]:
    return [evaluate_gate(parse_gate(g), metrics, g) for g in gates]


# --- deployments ------------------------------------------------------------------------------

_DEPLOY_COLS = ("id, model, version, env, kind, gates, gates_passed, forced, force_reason, "
                "limitations, replaces, restores, reason, deployed_by, deployed_at, event_id")


def _deployments_from_rows(rows: list[Sequence[Any]]) -> list[Deployment]:
    out = []
    for (id_, model, version, env, kind, gates, passed, forced, freason, lims, replaces,
         restores, reason, by, at, event_id) in rows:
        out.append(Deployment(
            id=int(id_), model=model, version=int(version), env=env, kind=kind,
            gates=tuple(GateResult(**g) for g in json.loads(gates)), gates_passed=bool(passed),
            forced=bool(forced), force_reason=freason, limitations=tuple(json.loads(lims)),
            replaces=replaces, restores=restores, reason=reason, deployed_by=by,
            deployed_at=at, event_id=event_id))
    return out


def _with_ends(project: Project, deps: list[Deployment]) -> list[Deployment]:
    """Fill in when each deployment stopped serving: when the next one in its env started."""
    out = []
    for d in deps:
        nxt = project.db.execute(
            "SELECT id, deployed_at, model, version FROM deployments WHERE env = ? AND "
            "(deployed_at > ? OR (deployed_at = ? AND id > ?)) "
            "ORDER BY deployed_at, id LIMIT 1", [d.env, d.deployed_at, d.deployed_at, d.id]
        ).fetchone()
        if nxt is not None:
            d = Deployment(**{**d.__dict__, "ended_at": nxt[1], "ended_by": int(nxt[0]),
                              "ended_by_model": f"{nxt[2]}:{nxt[3]}"})
        out.append(d)
    return out


def list_deployments(project: Project, env: str | None = None,
                     model: str | None = None) -> list[Deployment]:
    """Deployments in time order, optionally of one environment or one model version."""
    where, params = [], []
    if env:
        where.append("env = ?")
        params.append(env)
    if model:
        name, version = parse_ref(model)
        where.append("model = ?")
        params.append(name)
        if version is not None:
            where.append("version = ?")
            params.append(version)
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    rows = project.db.execute(
        f"SELECT {_DEPLOY_COLS} FROM deployments {clause} ORDER BY deployed_at, id", params
    ).fetchall()
    return _with_ends(project, _deployments_from_rows(rows))


def get_deployment(project: Project, deployment_id: int) -> Deployment:
    rows = project.db.execute(f"SELECT {_DEPLOY_COLS} FROM deployments WHERE id = ?",
                              [deployment_id]).fetchall()
    if not rows:
        raise NotFound(f"no deployment #{deployment_id}")
    return _with_ends(project, _deployments_from_rows(rows))[0]


def environments(project: Project) -> list[str]:
    return [r[0] for r in project.db.execute(
        "SELECT DISTINCT env FROM deployments ORDER BY env").fetchall()]


def in_production(project: Project, env: str, at: datetime | date | str | None = None
                  ) -> Deployment | None:
    """The deployment serving `env` at `at` (a bare date: at the end of that day)."""
    stamp = to_iso(at, end_of_day=True)
    rows = project.db.execute(
        f"SELECT {_DEPLOY_COLS} FROM deployments WHERE env = ? AND deployed_at <= ? "
        "ORDER BY deployed_at DESC, id DESC LIMIT 1", [env, stamp]).fetchall()
    return _with_ends(project, _deployments_from_rows(rows))[0] if rows else None


def current_deployment(project: Project, env: str) -> Deployment | None:
    rows = project.db.execute(
        f"SELECT {_DEPLOY_COLS} FROM deployments WHERE env = ? "
        "ORDER BY deployed_at DESC, id DESC LIMIT 1", [env]).fetchall()
    return _deployments_from_rows(rows)[0] if rows else None


def _check_order(project: Project, env: str, stamp: str) -> None:
    last = current_deployment(project, env)
    if last is not None and stamp < last.deployed_at:
        raise ValidationFailed(
            f"deployments in '{env}' are recorded in order: {stamp} is before deployment "
            f"#{last.id} ({last.deployed_at})")


def _insert_deployment(project: Project, m: ModelVersion, env: str, kind: str,
                       results: list[GateResult], forced: bool, force_reason: str | None,
                       limitations: list[str], replaces: int | None, restores: int | None,
                       reason: str | None, stamp: str) -> int:
    passed = all(r.passed for r in results)
    gates_json = [r.__dict__ for r in results]
    event_id = append(project.db, NewEvent(
        kind=f"model.{kind}", user=project.user, reason=force_reason or reason,
        schema_version=m.schema_version,
        new={"model": m.ref, "env": env, "gates": gates_json, "gates_passed": passed,
             "forced": forced, "limitations": limitations, "replaces": replaces,
             "restores": restores, "deployed_at": stamp}))
    cur = project.db.execute(
        "INSERT INTO deployments (model, version, env, kind, gates, gates_passed, forced, "
        "force_reason, limitations, replaces, restores, reason, event_id, deployed_by, "
        "deployed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [m.name, m.version, env, kind, json.dumps(gates_json), int(passed), int(forced),
         force_reason, json.dumps(limitations), replaces, restores, reason, event_id,
         project.user, stamp])
    return int(cur.lastrowid)


def deploy(project: Project, model: str, env: str, gates: Iterable[str] = (),
           limitations: Iterable[str] = (), force: bool = False, reason: str | None = None,
           at: datetime | str | None = None) -> Deployment:
    """Deploy a model version to `env` after evaluating every gate on its recorded metrics.

    A failing gate (or a retired model) refuses unless `force` with a `reason`; the results
    and the override are recorded either way. The deployment it replaces in `env` becomes
    its rollback pointer.
    """
    project.require_lead("deploy models")
    env = env.strip()
    if not env:
        raise ValidationFailed("name the environment to deploy to (--env)")
    if parse_ref(model)[1] is None:
        raise ValidationFailed(f"name the model version to deploy, e.g. {model.strip()}:1")
    m = get_model(project, model)
    gate_texts = [g for g in gates if g.strip()]
    results = evaluate_gates(gate_texts, m.metrics)
    failed = [r for r in results if not r.passed]
    problems = [f"gate {r.describe()}" for r in failed]
    if m.retired:
        problems.append(f"{m.ref} is retired ({m.retired_reason})")
    forced = False
    force_reason = None
    if problems:
        if not force:
            raise ValidationFailed(
                f"deployment of {m.ref} to '{env}' refused: " + "; ".join(problems)
                + ". Fix it, or pass --force with --reason to deploy anyway (it is recorded)")
        if not (reason and reason.strip()):
            raise ValidationFailed(f"--force needs a --reason (overriding: {'; '.join(problems)})")
        forced, force_reason = True, reason.strip()
    lims = [t.strip() for t in limitations if t.strip()]
    stamp = to_iso(at)
    with transaction(project.db):
        _check_order(project, env, stamp)
        previous = current_deployment(project, env)
        new_id = _insert_deployment(
            project, m, env, "deploy", results, forced, force_reason, lims,
            previous.id if previous else None, None,
            None if forced else (reason.strip() if reason and reason.strip() else None), stamp)
    project.notify(Change("model", (m.ref,), detail={"env": env, "deployment": new_id}))
    return get_deployment(project, new_id)


def rollback(project: Project, env: str, reason: str | None = None,
             at: datetime | str | None = None) -> Deployment:
    """Put back the model of the deployment the current one replaced, as a NEW deployment.

    Its rollback pointer is the deployment it replaces, so rolling back twice returns to
    where one started; nothing is ever removed.
    """
    project.require_lead("roll back deployments")
    env = env.strip()
    stamp = to_iso(at)
    with transaction(project.db):
        _check_order(project, env, stamp)
        current = current_deployment(project, env)
        if current is None:
            raise AalError(f"nothing has been deployed to '{env}'; nothing to roll back")
        if current.replaces is None:
            raise AalError(f"deployment #{current.id} ({current.ref}) was the first in '{env}'; "
                           "there is no earlier deployment to roll back to")
        target = get_deployment(project, current.replaces)
        m = get_model(project, target.ref)
        if m.retired:
            raise AalError(f"cannot roll back '{env}' to {m.ref}: it was retired "
                           f"({m.retired_reason}); deploy its successor instead")
        results = evaluate_gates([g.gate for g in target.gates], m.metrics)
        passed = all(r.passed for r in results)
        forced = not passed
        force_reason = None
        if forced:
            force_reason = (f"rollback to deployment #{target.id}, which was forced: "
                            f"{target.force_reason or 'no reason recorded'}")
        new_id = _insert_deployment(
            project, m, env, "rollback", results, forced, force_reason,
            list(target.limitations), current.id, target.id,
            reason.strip() if reason and reason.strip() else None, stamp)
    project.notify(Change("model", (m.ref,), detail={"env": env, "deployment": new_id}))
    return get_deployment(project, new_id)


# --- retirement -------------------------------------------------------------------------------

def _active_dates(deps: list[Deployment]) -> ActiveDates:
    if not deps:
        return ActiveDates(None, None)
    still = tuple(sorted({d.env for d in deps if d.active}))
    ends = [d.ended_at for d in deps if d.ended_at is not None]
    return ActiveDates(min(d.deployed_at for d in deps),
                       None if still else (max(ends) if ends else None), still)


def model_active_dates(project: Project, ref: str) -> ActiveDates:
    return _active_dates(list_deployments(project, model=get_model(project, ref).ref))


def dataset_active_dates(project: Project, dataset_version: str) -> ActiveDates:
    deps: list[Deployment] = []
    for m in models_trained_on(project, dataset_version):
        deps.extend(list_deployments(project, model=m.ref))
    return _active_dates(deps)


def schema_active_dates(project: Project, schema_version: int) -> ActiveDates:
    deps: list[Deployment] = []
    for (name,) in project.db.execute(
            "SELECT name FROM dataset_versions WHERE schema_version = ?", [schema_version]):
        for m in models_trained_on(project, name):
            deps.extend(list_deployments(project, model=m.ref))
    return _active_dates(list({d.id: d for d in deps}.values()))


def _require_reason(reason: str | None) -> str:
    if not (reason and reason.strip()):
        raise ValidationFailed("say why it is retired (--reason)")
    return reason.strip()


def _record_retirement(project: Project, kind: str, asset: str, reason: str,
                       successor: str | None, archive: str | None, active_from: str | None,
                       dates: ActiveDates, stamp: str, schema_version: int | None) -> int:
    event_id = append(project.db, NewEvent(
        kind={"model": "model.retire", "dataset_version": "version.retire",
              "schema_version": "schema.retire"}[kind],
        user=project.user, reason=reason, schema_version=schema_version,
        new={"asset": asset, "successor": successor, "archive": archive,
             "active_from": active_from, "in_production_from": dates.first_deployed,
             "in_production_until": dates.last_ended,
             "still_deployed_in": list(dates.still_deployed), "retired_at": stamp}))
    cur = project.db.execute(
        "INSERT INTO retirements (asset_kind, asset, reason, successor, archive, active_from, "
        "active_until, in_production_from, in_production_until, retired_by, retired_at, "
        "event_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [kind, asset, reason, successor, archive, active_from, stamp, dates.first_deployed,
         dates.last_ended, project.user, stamp, event_id])
    return int(cur.lastrowid)


def _retire_row(project: Project, table: str, where: str, key: list[Any], kind: str, asset: str,
                reason: str, successor: str | int | None, archive: str | None,
                active_from: str | None, dates: ActiveDates, at: datetime | str | None,
                schema_version: int | None, extra_set: str = "") -> int:
    """Mark the asset's own row retired and record the retirement, in one transaction.

    Models, dataset versions and schema versions all retire this way; `extra_set` carries
    what only one table needs (schema versions also change status).
    """
    stamp = to_iso(at)
    with transaction(project.db):
        project.db.execute(
            f"UPDATE {table} SET {extra_set}retired_at = ?, retired_by = ?, retired_reason = ?, "
            f"successor = ?, archive = ? WHERE {where}",
            [stamp, project.user, reason, successor, archive, *key])
        return _record_retirement(project, kind, asset, reason,
                                  None if successor is None else str(successor), archive,
                                  active_from, dates, stamp, schema_version)


def get_retirement(project: Project, kind: str, asset: str) -> Retirement | None:
    row = project.db.execute(
        "SELECT id, asset_kind, asset, reason, successor, archive, active_from, active_until, "
        "in_production_from, in_production_until, retired_by, retired_at, event_id "
        "FROM retirements WHERE asset_kind = ? AND asset = ?", [kind, asset]).fetchone()
    return Retirement(*row) if row else None


def list_retirements(project: Project) -> list[Retirement]:
    rows = project.db.execute(
        "SELECT id, asset_kind, asset, reason, successor, archive, active_from, active_until, "
        "in_production_from, in_production_until, retired_by, retired_at, event_id "
        "FROM retirements ORDER BY retired_at, id").fetchall()
    return [Retirement(*r) for r in rows]


def retire_model(project: Project, model: str, reason: str, successor: str | None = None,
                 archive: str | None = None, at: datetime | str | None = None) -> Retirement:
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
            f"{m.ref} is still in production in {', '.join(dates.still_deployed)}: deploy its "
            "successor (or roll back) there first, then retire it")
    rid = _retire_row(project, "models", "name = ? AND version = ?", [m.name, m.version],
                      "model", m.ref, why, succ, archive, m.registered_at, dates, at,
                      m.schema_version)
    project.notify(Change("model", (m.ref,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def retire_version(project: Project, name: str, reason: str, successor: str | None = None,
                   archive: str | None = None, at: datetime | str | None = None) -> Retirement:
    """Retire a dataset version: new models refuse it unless overridden; it stays traceable."""
    project.require_lead("retire dataset versions")
    why = _require_reason(reason)
    row = _dataset_row(project, name)
    if row[2] is not None:
        raise Frozen(f"dataset version '{name}' was already retired on {row[2]} ({row[3]})")
    if successor is not None:
        _dataset_row(project, successor)
        if successor == name:
            raise ValidationFailed("a dataset version cannot be its own successor")
    dates = dataset_active_dates(project, name)
    rid = _retire_row(project, "dataset_versions", "name = ?", [name], "dataset_version", name,
                      why, successor, archive, row[5], dates, at, int(row[1]))
    project.notify(Change("version", (name,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def retire_schema(project: Project, version: int, reason: str, successor: int | None = None,
                  archive: str | None = None, at: datetime | str | None = None) -> Retirement:
    """Retire a published schema version; the current one cannot be (publish its successor)."""
    project.require_lead("retire schema versions")
    why = _require_reason(reason)
    schemas.ensure_default(project)
    row = project.db.execute(
        "SELECT status, published_at, retired_at, retired_reason FROM schema_versions "
        "WHERE version = ?", [version]).fetchone()
    if row is None:
        raise NotFound(f"no schema version {version} (see `aal schema list`)")
    status, published_at, retired_at, retired_reason = row
    if status == "retired":
        raise Frozen(f"schema version {version} was already retired on {retired_at} "
                     f"({retired_reason})")
    if status != "published":
        raise ValidationFailed(f"schema version {version} is a draft; only published versions "
                               "are retired")
    newest = project.db.execute(
        "SELECT MAX(version) FROM schema_versions WHERE status = 'published'").fetchone()[0]
    if newest == version:
        raise ValidationFailed(f"schema version {version} is the current schema; publish its "
                               "successor first, then retire it")
    if successor is not None:
        srow = project.db.execute("SELECT status FROM schema_versions WHERE version = ?",
                                  [successor]).fetchone()
        if srow is None:
            raise NotFound(f"no schema version {successor}")
        if successor == version:
            raise ValidationFailed("a schema version cannot be its own successor")
    dates = schema_active_dates(project, version)
    rid = _retire_row(project, "schema_versions", "version = ?", [version], "schema_version",
                      str(version), why, successor, archive, published_at, dates, at, version,
                      extra_set="status = 'retired', ")
    project.notify(Change("schema", (version,), detail={"retired": True}))
    return _get_retirement_by_id(project, rid)


def _get_retirement_by_id(project: Project, rid: int) -> Retirement:
    row = project.db.execute(
        "SELECT id, asset_kind, asset, reason, successor, archive, active_from, active_until, "
        "in_production_from, in_production_until, retired_by, retired_at, event_id "
        "FROM retirements WHERE id = ?", [rid]).fetchone()
    return Retirement(*row)
