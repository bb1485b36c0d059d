"""Models, their training data, deployments and retirements: records an auditor can trust.

Everything here is append-only. A model version's identity (weights hash, data, metrics)
is frozen once registered; only its retirement columns may be filled in later, once. A
deployment is never updated: the time it stopped serving is DERIVED from the next
deployment in the same environment, so there is no second copy of that fact to drift.
"""

VERSION = 4
NAME = "models"
SQL = """
CREATE TABLE models (
    name TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, ':') = 0),
    version INTEGER NOT NULL CHECK (version > 0),
    weights_path TEXT NOT NULL,
    weights_sha256 TEXT NOT NULL CHECK (length(weights_sha256) = 64),
    weights_size INTEGER NOT NULL CHECK (weights_size >= 0),
    framework TEXT,
    config_name TEXT,
    config_text TEXT,
    metrics TEXT NOT NULL DEFAULT '{}',
    schema_version INTEGER REFERENCES schema_versions (version),
    override_reason TEXT,
    event_id INTEGER REFERENCES events (id),
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    retired_at TEXT,
    retired_by TEXT,
    retired_reason TEXT,
    successor TEXT,
    archive TEXT,
    PRIMARY KEY (name, version)
);
CREATE TRIGGER models_frozen BEFORE UPDATE OF name, version, weights_path, weights_sha256,
    weights_size, framework, config_name, config_text, metrics, schema_version, override_reason,
    event_id, registered_by, registered_at ON models
BEGIN SELECT RAISE(ABORT, 'model versions are frozen; register a new version'); END;
CREATE TRIGGER models_retire_once BEFORE UPDATE OF retired_at ON models
WHEN OLD.retired_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a retired model version stays retired'); END;
CREATE TRIGGER models_no_delete BEFORE DELETE ON models
BEGIN SELECT RAISE(ABORT, 'model versions are never deleted; retire them'); END;

CREATE TABLE model_datasets (
    model TEXT NOT NULL,
    version INTEGER NOT NULL,
    dataset_version TEXT NOT NULL REFERENCES dataset_versions (name),
    PRIMARY KEY (model, version, dataset_version),
    FOREIGN KEY (model, version) REFERENCES models (name, version)
) WITHOUT ROWID;
CREATE INDEX model_datasets_dataset ON model_datasets (dataset_version);
CREATE TRIGGER model_datasets_no_update BEFORE UPDATE ON model_datasets
BEGIN SELECT RAISE(ABORT, 'the training data of a model version is frozen'); END;
CREATE TRIGGER model_datasets_no_delete BEFORE DELETE ON model_datasets
BEGIN SELECT RAISE(ABORT, 'the training data of a model version is frozen'); END;

CREATE TABLE deployments (
    id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    version INTEGER NOT NULL,
    env TEXT NOT NULL CHECK (length(env) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('deploy', 'rollback')),
    gates TEXT NOT NULL DEFAULT '[]',
    gates_passed INTEGER NOT NULL CHECK (gates_passed IN (0, 1)),
    forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    force_reason TEXT,
    limitations TEXT NOT NULL DEFAULT '[]',
    replaces INTEGER REFERENCES deployments (id),
    restores INTEGER REFERENCES deployments (id),
    reason TEXT,
    event_id INTEGER REFERENCES events (id),
    deployed_by TEXT NOT NULL,
    deployed_at TEXT NOT NULL,
    FOREIGN KEY (model, version) REFERENCES models (name, version),
    CHECK (forced = 0 OR length(trim(coalesce(force_reason, ''))) > 0),
    CHECK (gates_passed = 1 OR forced = 1),
    CHECK (kind = 'deploy' OR restores IS NOT NULL)
);
CREATE INDEX deployments_env ON deployments (env, deployed_at);
CREATE INDEX deployments_model ON deployments (model, version);
CREATE TRIGGER deployments_no_update BEFORE UPDATE ON deployments
BEGIN SELECT RAISE(ABORT, 'deployments are append-only'); END;
CREATE TRIGGER deployments_no_delete BEFORE DELETE ON deployments
BEGIN SELECT RAISE(ABORT, 'deployments are append-only'); END;

CREATE TABLE retirements (
    id INTEGER PRIMARY KEY,
    asset_kind TEXT NOT NULL CHECK (asset_kind IN ('model', 'dataset_version', 'schema_version')),
    asset TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    successor TEXT,
    archive TEXT,
    active_from TEXT,
    active_until TEXT,
    in_production_from TEXT,
    in_production_until TEXT,
    retired_by TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    event_id INTEGER REFERENCES events (id),
    UNIQUE (asset_kind, asset)
);
CREATE TRIGGER retirements_no_update BEFORE UPDATE ON retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
CREATE TRIGGER retirements_no_delete BEFORE DELETE ON retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
"""
