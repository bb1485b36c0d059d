"""A training run's identity, so "has this been tried?" has an answer before a GPU day is spent.

Two runs are the same experiment when they learned from the same dataset versions under the
same label schema version, with the same framework and the same configuration. The
configuration is compared as parsed data (YAML or JSON, keys sorted), so re-indenting a file
or reordering its keys does not hide a duplicate; a file that is neither is compared by its
raw text. A changed value is what `config_changes` lists, key by key.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import safe_yaml
from .errors import ValidationFailed

STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class CanonicalConfig:
    """A configuration reduced to what matters: its hash and, when it parses, its data."""

    sha256: str
    data: Any = None
    structured: bool = False


@dataclass(frozen=True)
class RunIdentity:
    """Datasets, schema version, framework and configuration hash of one training run."""

    datasets: tuple[str, ...]
    schema_version: int | None
    framework: str | None
    config_sha256: str | None

    @classmethod
    def of(
        cls,
        datasets: Iterable[str],
        schema_version: int | None,
        framework: str | None,
        config_sha256: str | None,
    ) -> RunIdentity:
        return cls(
            tuple(sorted(set(datasets))),
            schema_version,
            normalize_framework(framework),
            config_sha256,
        )

    def key(self) -> str:
        """One comparable text for the identity (stored, indexed, compared)."""
        payload = json.dumps(
            [list(self.datasets), self.schema_version, self.framework, self.config_sha256],
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyChange:
    """One configuration key whose value differs between two runs (dotted path)."""

    key: str
    old: Any
    new: Any


def normalize_framework(framework: str | None) -> str | None:
    """`PyTorch 2.3 ` and `pytorch 2.3` are the same framework."""
    if framework is None:
        return None
    text = " ".join(framework.split()).lower()
    return text or None


def _canonical_json(data: Any) -> str:
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=str,
    )


def _parse(name: str | None, text: str) -> tuple[Any, bool]:
    """Parsed data and whether the text is structured (YAML/JSON); JSON is tried first."""
    try:
        return json.loads(text), True
    except (ValueError, RecursionError):
        pass
    lower = (name or "").lower()
    if lower.endswith(STRUCTURED_SUFFIXES) or not lower:
        try:
            data = safe_yaml.load(text, name or "configuration")
        except ValidationFailed:
            return None, False
        # A bare word parses as a YAML string: that is not structured configuration.
        if isinstance(data, dict | list):
            return data, True
    return None, False


def _finite(data: Any) -> bool:
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, dict):
        return all(_finite(v) for v in data.values())
    if isinstance(data, list):
        return all(_finite(v) for v in data)
    return True


def canonical_config(name: str | None, text: str | None) -> CanonicalConfig | None:
    """Hash of the parsed configuration (keys sorted), or of its raw text when it is not
    YAML/JSON; None when there is no configuration."""
    if text is None:
        return None
    data, structured = _parse(name, text)
    if structured and _finite(data):
        digest = hashlib.sha256(_canonical_json(data).encode("utf-8")).hexdigest()
        return CanonicalConfig(f"sha256:{digest}", data, True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return CanonicalConfig(f"raw-sha256:{digest}", None, False)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested mappings as dotted keys (`optimizer.lr`); lists stay whole values."""
    if isinstance(data, Mapping) and data:
        out: dict[str, Any] = {}
        for key in sorted(data, key=str):
            out.update(flatten(data[key], f"{prefix}{key}."))
        return out
    return {prefix[:-1] if prefix else "": data}


_MISSING = object()


def config_changes(old: Any, new: Any) -> list[KeyChange]:
    """Every key whose value differs (added and removed keys included), in key order."""
    a, b = flatten(old), flatten(new)
    changes = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key, _MISSING), b.get(key, _MISSING)
        if va is _MISSING or vb is _MISSING or _canonical_json(va) != _canonical_json(vb):
            changes.append(
                KeyChange(key, None if va is _MISSING else va, None if vb is _MISSING else vb)
            )
    return changes


def metric_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[KeyChange]:
    """Metrics whose value differs between two runs (a metric one run lacks included)."""
    return config_changes(dict(old), dict(new))
