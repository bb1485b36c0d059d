"""Queries on the model lifecycle (`models`, `model_datasets`, `deployments`,
`retirements`): the one place their rows become `ModelVersion`, `Deployment` and
`Retirement` records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.registry import Deployment, GateResult, ModelVersion, Retirement
from .db import Database

_MODEL_COLS = (
    "name, version, weights_path, weights_sha256, weights_size, framework, "
    "config_name, config_text, metrics, schema_version, override_reason, "
    "registered_by, registered_at, retired_at, retired_by, retired_reason, successor, "
    "archive, event_id"
)
_DEPLOY_COLS = (
    "id, model, version, env, kind, gates, gates_passed, forced, force_reason, "
    "limitations, replaces, restores, reason, deployed_by, deployed_at, event_id"
)
_RETIRE_COLS = (
    "id, asset_kind, asset, reason, successor, archive, active_from, active_until, "
    "in_production_from, in_production_until, retired_by, retired_at, event_id"
)


# --- models and model_datasets ----------------------------------------------------------------


def _datasets_of(db: Database, name: str, version: int) -> tuple[str, ...]:
    rows = db.conn.execute(
        "SELECT md.dataset_version FROM model_datasets md "
        "LEFT JOIN dataset_versions dv ON dv.name = md.dataset_version "
        "WHERE md.model = ? AND md.version = ? ORDER BY dv.created_at, md.dataset_version",
        [name, version],
    ).fetchall()
    return tuple(r[0] for r in rows)


def _model(db: Database, row: Sequence[Any]) -> ModelVersion:
    (
        name,
        version,
        path,
        sha,
        size,
        framework,
        cname,
        ctext,
        metrics,
        schema_version,
        override,
        rby,
        rat,
        retired_at,
        retired_by,
        retired_reason,
        successor,
        archive,
        event_id,
    ) = row
    return ModelVersion(
        name=name,
        version=int(version),
        weights_path=path,
        weights_sha256=sha,
        weights_size=int(size),
        framework=framework,
        config_name=cname,
        config_text=ctext,
        metrics=json.loads(metrics or "{}"),
        schema_version=schema_version,
        datasets=_datasets_of(db, name, int(version)),
        override_reason=override,
        registered_by=rby,
        registered_at=rat,
        retired_at=retired_at,
        retired_by=retired_by,
        retired_reason=retired_reason,
        successor=successor,
        archive=archive,
        event_id=event_id,
    )


def get_model(db: Database, name: str, version: int | None) -> ModelVersion | None:
    """A model version (its newest when `version` is None)."""
    if version is None:
        row = db.conn.execute(
            f"SELECT {_MODEL_COLS} FROM models WHERE name = ? ORDER BY version DESC LIMIT 1", [name]
        ).fetchone()
    else:
        row = db.conn.execute(
            f"SELECT {_MODEL_COLS} FROM models WHERE name = ? AND version = ?", [name, version]
        ).fetchone()
    return None if row is None else _model(db, row)


def list_models(db: Database, name: str | None = None) -> list[ModelVersion]:
    if name:
        rows = db.conn.execute(
            f"SELECT {_MODEL_COLS} FROM models WHERE name = ? ORDER BY version", [name]
        ).fetchall()
    else:
        rows = db.conn.execute(
            f"SELECT {_MODEL_COLS} FROM models ORDER BY name, version"
        ).fetchall()
    return [_model(db, r) for r in rows]


def trained_on(db: Database, dataset_version: str) -> list[tuple[str, int]]:
    """(model, version) of the models trained on a dataset version."""
    return [
        (m, int(v))
        for m, v in db.conn.execute(
            "SELECT model, version FROM model_datasets WHERE dataset_version = ? "
            "ORDER BY model, version",
            [dataset_version],
        ).fetchall()
    ]


def next_version(db: Database, name: str) -> int:
    return int(
        db.conn.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = ?", [name]
        ).fetchone()[0]
    )


@dataclass(frozen=True)
class NewModel:
    name: str
    version: int
    weights_path: str
    weights_sha256: str
    weights_size: int
    framework: str | None
    config_name: str | None
    config_text: str | None
    metrics: dict[str, Any]
    schema_version: int
    override_reason: str | None
    event_id: int
    registered_by: str
    registered_at: str
    datasets: Sequence[str]


def insert_model(db: Database, m: NewModel) -> None:
    """Write a model version and the dataset versions it learned from (in a transaction)."""
    db.conn.execute(
        "INSERT INTO models (name, version, weights_path, weights_sha256, weights_size, "
        "framework, config_name, config_text, metrics, schema_version, override_reason, "
        "event_id, registered_by, registered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            m.name,
            m.version,
            m.weights_path,
            m.weights_sha256,
            m.weights_size,
            m.framework,
            m.config_name,
            m.config_text,
            json.dumps(m.metrics, sort_keys=True),
            m.schema_version,
            m.override_reason,
            m.event_id,
            m.registered_by,
            m.registered_at,
        ],
    )
    for d in m.datasets:
        db.conn.execute(
            "INSERT INTO model_datasets (model, version, dataset_version) VALUES (?,?,?)",
            [m.name, m.version, d],
        )


def mark_model_retired(
    db: Database,
    name: str,
    version: int,
    at: str,
    by: str,
    reason: str,
    successor: str | None,
    archive: str | None,
) -> None:
    db.conn.execute(
        "UPDATE models SET retired_at = ?, retired_by = ?, retired_reason = ?, successor = ?, "
        "archive = ? WHERE name = ? AND version = ?",
        [at, by, reason, successor, archive, name, version],
    )


# --- deployments ------------------------------------------------------------------------------


def _deployments(rows: Sequence[Sequence[Any]]) -> list[Deployment]:
    out = []
    for (
        id_,
        model,
        version,
        env,
        kind,
        gates,
        passed,
        forced,
        freason,
        lims,
        replaces,
        restores,
        reason,
        by,
        at,
        event_id,
    ) in rows:
        out.append(
            Deployment(
                id=int(id_),
                model=model,
                version=int(version),
                env=env,
                kind=kind,
                gates=tuple(GateResult(**g) for g in json.loads(gates)),
                gates_passed=bool(passed),
                forced=bool(forced),
                force_reason=freason,
                limitations=tuple(json.loads(lims)),
                replaces=replaces,
                restores=restores,
                reason=reason,
                deployed_by=by,
                deployed_at=at,
                event_id=event_id,
            )
        )
    return out


def list_deployments(
    db: Database, where: Sequence[str] = (), params: Sequence[Any] = ()
) -> list[Deployment]:
    """Deployments in the order they happened; `where` holds `column = ?` conditions."""
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return _deployments(
        db.conn.execute(
            f"SELECT {_DEPLOY_COLS} FROM deployments {clause} ORDER BY deployed_at, id",
            list(params),
        ).fetchall()
    )


def get_deployment(db: Database, deployment_id: int) -> Deployment | None:
    found = _deployments(
        db.conn.execute(
            f"SELECT {_DEPLOY_COLS} FROM deployments WHERE id = ?", [deployment_id]
        ).fetchall()
    )
    return found[0] if found else None


def next_in_env(db: Database, d: Deployment) -> tuple[int, str, str, int] | None:
    """(id, deployed_at, model, version) of the deployment that replaced `d` in its env."""
    row = db.conn.execute(
        "SELECT id, deployed_at, model, version FROM deployments WHERE env = ? AND "
        "(deployed_at > ? OR (deployed_at = ? AND id > ?)) "
        "ORDER BY deployed_at, id LIMIT 1",
        [d.env, d.deployed_at, d.deployed_at, d.id],
    ).fetchone()
    return None if row is None else (int(row[0]), row[1], row[2], int(row[3]))


def environments(db: Database) -> list[str]:
    return [
        r[0]
        for r in db.conn.execute("SELECT DISTINCT env FROM deployments ORDER BY env").fetchall()
    ]


def latest_in_env(db: Database, env: str, at_or_before: str | None = None) -> Deployment | None:
    """The newest deployment in `env` (deployed at or before `at_or_before` when given)."""
    sql, params = f"SELECT {_DEPLOY_COLS} FROM deployments WHERE env = ?", [env]
    if at_or_before is not None:
        sql += " AND deployed_at <= ?"
        params.append(at_or_before)
    found = _deployments(
        db.conn.execute(sql + " ORDER BY deployed_at DESC, id DESC LIMIT 1", params).fetchall()
    )
    return found[0] if found else None


def insert_deployment(db: Database, values: dict[str, Any]) -> int:
    """Write one deployment row (`values` by column name) and return its id."""
    cols = list(values)
    cur = db.conn.execute(
        f"INSERT INTO deployments ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [values[c] for c in cols],
    )
    return int(cur.lastrowid or 0)


# --- retirements ------------------------------------------------------------------------------


def insert_retirement(db: Database, values: dict[str, Any]) -> int:
    cols = list(values)
    cur = db.conn.execute(
        f"INSERT INTO retirements ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        [values[c] for c in cols],
    )
    return int(cur.lastrowid or 0)


def get_retirement(db: Database, kind: str, asset: str) -> Retirement | None:
    row = db.conn.execute(
        f"SELECT {_RETIRE_COLS} FROM retirements WHERE asset_kind = ? AND asset = ?", [kind, asset]
    ).fetchone()
    return Retirement(*row) if row else None


def retirement_by_id(db: Database, rid: int) -> Retirement:
    return Retirement(
        *db.conn.execute(f"SELECT {_RETIRE_COLS} FROM retirements WHERE id = ?", [rid]).fetchone()
    )


def list_retirements(db: Database) -> list[Retirement]:
    return [
        Retirement(*r)
        for r in db.conn.execute(
            f"SELECT {_RETIRE_COLS} FROM retirements ORDER BY retired_at, id"
        ).fetchall()
    ]
