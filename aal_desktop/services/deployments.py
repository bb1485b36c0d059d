"""Deployments: evaluation gates, deploy, rollback, and what was in production when.

Deployments are append-only; which deployment was active when is DERIVED from their order
in an environment (a deployment ends when the next one in the same environment starts, or
when it is undeployed: a `model.undeploy` event), so "what was in production on date D"
needs no extra state. Every deployment and rollback
writes a hash-chained event with its gate results and any forced override.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core.errors import AalError, NotFound, ValidationFailed
from ..core.registry import Deployment, GateResult, ModelVersion
from ..store import events as event_log
from ..store import models as model_rows
from ..store.db import transaction
from ..store.events import NewEvent, append
from .model_registry import get_model, parse_ref, to_iso
from .project import Change, ChangeKind, Project

GATE_RE = re.compile(
    r"^\s*(?P<metric>[^<>=!\s](?:[^<>=!]*[^<>=!\s])?)\s*(?P<op>>=|<=|==|>|<)\s*(?P<value>\S+)\s*$"
)
OPERATORS = (">=", "<=", "==", ">", "<")


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """An evaluation gate such as `mAP>=0.8`."""

    metric: str
    op: str
    threshold: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"


# --- gates ------------------------------------------------------------------------------------


def parse_gate(text: str) -> Gate:
    """`mAP>=0.8` (also >, <=, <, ==) → Gate; metric names may be dotted paths (`val.mAP`)."""
    m = GATE_RE.match(text)
    if m is None:
        raise ValidationFailed(
            f"'{text}' is not a gate like 'mAP>=0.8' (operators: {', '.join(OPERATORS)})"
        )
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
    return GateResult(
        text.strip() if text else str(gate), gate.metric, gate.op, gate.threshold, value, passed
    )


def evaluate_gates(gates: Iterable[str], metrics: dict[str, Any]) -> list[GateResult]:
    return [evaluate_gate(parse_gate(g), metrics, g) for g in gates]


# --- deployments ------------------------------------------------------------------------------

UNDEPLOY_EVENT_KIND = "model.undeploy"


def _undeploys(project: Project) -> dict[int, tuple[str, str | None]]:
    """Deployment id -> (when it was undeployed, why): undeploys are events only (the
    deployments table keeps deploys and rollbacks), so no schema change was needed."""
    out: dict[int, tuple[str, str | None]] = {}
    for e in event_log.list_events(project.db, event_log.EventFilter(kind=UNDEPLOY_EVENT_KIND)):
        body = e.new or {}
        if isinstance(body.get("deployment"), int):
            out[body["deployment"]] = (str(body.get("undeployed_at") or e.at), e.reason)
    return out


def _with_ends(project: Project, deps: list[Deployment]) -> list[Deployment]:
    """Fill in when each deployment stopped serving: when the next one in its env started,
    or when it was undeployed, whichever came first."""
    out = []
    gone = _undeploys(project) if deps else {}
    for d in deps:
        nxt = model_rows.next_in_env(project.db, d)
        undeployed = gone.get(d.id)
        if undeployed is not None and (nxt is None or undeployed[0] <= nxt[1]):
            d = Deployment(
                **{
                    **d.__dict__,
                    "ended_at": undeployed[0],
                    "ended_by": None,
                    "ended_by_model": None,
                    "undeployed": True,
                    "undeploy_reason": undeployed[1],
                }
            )
        elif nxt is not None:
            d = Deployment(
                **{
                    **d.__dict__,
                    "ended_at": nxt[1],
                    "ended_by": int(nxt[0]),
                    "ended_by_model": f"{nxt[2]}:{nxt[3]}",
                }
            )
        out.append(d)
    return out


def list_deployments(
    project: Project, env: str | None = None, model: str | None = None
) -> list[Deployment]:
    """Deployments in time order, optionally of one environment or one model version."""
    where: list[str] = []
    params: list[Any] = []
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
    return _with_ends(project, model_rows.list_deployments(project.db, where, params))


def get_deployment(project: Project, deployment_id: int) -> Deployment:
    found = model_rows.get_deployment(project.db, deployment_id)
    if found is None:
        raise NotFound(f"no deployment #{deployment_id}")
    return _with_ends(project, [found])[0]


def environments(project: Project) -> list[str]:
    return model_rows.environments(project.db)


def in_production(
    project: Project, env: str, at: datetime | date | str | None = None
) -> Deployment | None:
    """The deployment serving `env` at `at` (a bare date: at the end of that day)."""
    stamp = to_iso(at, end_of_day=True)
    found = model_rows.latest_in_env(project.db, env, stamp)
    if found is None:
        return None
    (dep,) = _with_ends(project, [found])
    return None if dep.undeployed and dep.ended_at is not None and dep.ended_at <= stamp else dep


def current_deployment(project: Project, env: str) -> Deployment | None:
    """What serves `env` now: its latest deployment, unless that was undeployed."""
    latest = model_rows.latest_in_env(project.db, env)
    if latest is None or latest.id in _undeploys(project):
        return None
    return latest


def _check_order(project: Project, env: str, stamp: str) -> None:
    last = model_rows.latest_in_env(project.db, env)
    if last is not None and stamp < last.deployed_at:
        raise ValidationFailed(
            f"deployments in '{env}' are recorded in order: {stamp} is before deployment "
            f"#{last.id} ({last.deployed_at})"
        )
    ended = _undeploys(project).get(last.id) if last is not None else None
    if ended is not None and stamp < ended[0]:
        raise ValidationFailed(
            f"deployments in '{env}' are recorded in order: {stamp} is before the undeploy "
            f"of deployment #{last.id if last else '?'} ({ended[0]})"
        )


def _insert_deployment(
    project: Project,
    m: ModelVersion,
    env: str,
    kind: str,
    results: list[GateResult],
    forced: bool,
    force_reason: str | None,
    limitations: list[str],
    replaces: int | None,
    restores: int | None,
    reason: str | None,
    stamp: str,
) -> int:
    passed = all(r.passed for r in results)
    gates_json = [r.__dict__ for r in results]
    event_id = append(
        project.db,
        NewEvent(
            kind=f"model.{kind}",
            user=project.user,
            reason=force_reason or reason,
            schema_version=m.schema_version,
            new={
                "model": m.ref,
                "env": env,
                "gates": gates_json,
                "gates_passed": passed,
                "forced": forced,
                "limitations": limitations,
                "replaces": replaces,
                "restores": restores,
                "deployed_at": stamp,
            },
        ),
    )
    return model_rows.insert_deployment(
        project.db,
        {
            "model": m.name,
            "version": m.version,
            "env": env,
            "kind": kind,
            "gates": json.dumps(gates_json),
            "gates_passed": int(passed),
            "forced": int(forced),
            "force_reason": force_reason,
            "limitations": json.dumps(limitations),
            "replaces": replaces,
            "restores": restores,
            "reason": reason,
            "event_id": event_id,
            "deployed_by": project.user,
            "deployed_at": stamp,
        },
    )


def deploy(
    project: Project,
    model: str,
    env: str,
    gates: Iterable[str] = (),
    limitations: Iterable[str] = (),
    force: bool = False,
    reason: str | None = None,
    at: datetime | str | None = None,
) -> Deployment:
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
                f"deployment of {m.ref} to '{env}' refused: "
                + "; ".join(problems)
                + ". Fix it, or pass --force with --reason to deploy anyway (it is recorded)"
            )
        if not (reason and reason.strip()):
            raise ValidationFailed(f"--force needs a --reason (overriding: {'; '.join(problems)})")
        forced, force_reason = True, reason.strip()
    lims = [t.strip() for t in limitations if t.strip()]
    stamp = to_iso(at)
    with transaction(project.db):
        _check_order(project, env, stamp)
        previous = current_deployment(project, env)
        new_id = _insert_deployment(
            project,
            m,
            env,
            "deploy",
            results,
            forced,
            force_reason,
            lims,
            previous.id if previous else None,
            None,
            None if forced else (reason.strip() if reason and reason.strip() else None),
            stamp,
        )
    project.notify(Change(ChangeKind.model, (m.ref,), detail={"env": env, "deployment": new_id}))
    return get_deployment(project, new_id)


def rollback(
    project: Project, env: str, reason: str | None = None, at: datetime | str | None = None
) -> Deployment:
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
            raise AalError(
                f"deployment #{current.id} ({current.ref}) was the first in '{env}'; "
                "there is no earlier deployment to roll back to"
            )
        target = get_deployment(project, current.replaces)
        m = get_model(project, target.ref)
        if m.retired:
            raise AalError(
                f"cannot roll back '{env}' to {m.ref}: it was retired "
                f"({m.retired_reason}); deploy its successor instead"
            )
        results = evaluate_gates([g.gate for g in target.gates], m.metrics)
        passed = all(r.passed for r in results)
        forced = not passed
        force_reason = None
        if forced:
            force_reason = (
                f"rollback to deployment #{target.id}, which was forced: "
                f"{target.force_reason or 'no reason recorded'}"
            )
        new_id = _insert_deployment(
            project,
            m,
            env,
            "rollback",
            results,
            forced,
            force_reason,
            list(target.limitations),
            current.id,
            target.id,
            reason.strip() if reason and reason.strip() else None,
            stamp,
        )
    project.notify(Change(ChangeKind.model, (m.ref,), detail={"env": env, "deployment": new_id}))
    return get_deployment(project, new_id)


def undeploy(
    project: Project, model: str, env: str, reason: str, at: datetime | str | None = None
) -> Deployment:
    """Take a model out of `env` with nothing in its place (an event, with the reason);
    the environment then serves nothing, and the model can be retired."""
    project.require_lead("undeploy models")
    env = env.strip()
    why = (reason or "").strip()
    if not why:
        raise ValidationFailed("say why it is undeployed (--reason)")
    m = get_model(project, model)
    stamp = to_iso(at)
    with transaction(project.db):
        current = current_deployment(project, env)
        if current is None:
            raise AalError(f"nothing is deployed to '{env}'; nothing to undeploy")
        if current.ref != m.ref:
            raise AalError(f"'{env}' serves {current.ref}, not {m.ref}; nothing undeployed")
        _check_order(project, env, stamp)
        append(
            project.db,
            NewEvent(
                kind=UNDEPLOY_EVENT_KIND,
                user=project.user,
                reason=why,
                schema_version=m.schema_version,
                new={"model": m.ref, "env": env, "deployment": current.id, "undeployed_at": stamp},
            ),
        )
    project.notify(
        Change(ChangeKind.model, (m.ref,), detail={"env": env, "undeployed": current.id})
    )
    return get_deployment(project, current.id)
