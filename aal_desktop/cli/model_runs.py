"""`aal model find` and `aal model compare`: has this run been tried, and what differs?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.names import printable
from ..services import run_search
from ..services.model_registry import ModelVersion
from ..services.project import Project
from .common import add_json_flag, print_json, table, with_project


def register_runs(g: argparse._SubParsersAction) -> None:
    """Add `find` and `compare` to the `model` group."""
    find = g.add_parser(
        "find",
        help="models trained on exactly these dataset versions and/or with this configuration",
    )
    find.add_argument(
        "--dataset",
        action="append",
        default=[],
        metavar="VERSION",
        help="dataset version (repeat: the exact set a model was trained on)",
    )
    find.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="training configuration (compared as parsed YAML/JSON)",
    )
    find.add_argument("--framework", metavar="TEXT", help="e.g. 'ultralytics 8.3'")
    add_json_flag(find)
    find.set_defaults(handler=with_project(cmd_find))

    cmp = g.add_parser(
        "compare", help="what differs between two runs: data, schema, configuration keys, metrics"
    )
    cmp.add_argument("a", metavar="MODEL")
    cmp.add_argument("b", metavar="MODEL")
    add_json_flag(cmp)
    cmp.set_defaults(handler=with_project(cmd_compare))


def warn_same_runs(project: Project, m: ModelVersion) -> list[run_search.FoundRun]:
    """After a registration: one line on stderr naming every run with the same identity."""
    same = run_search.same_runs(project, m)
    if same:
        names = "; ".join(run_search.describe_match(r) for r in same)
        print(
            f"aal: warning: {m.ref} has the same datasets, schema version, framework and "
            f"configuration as {names}",
            file=sys.stderr,
        )
    return same


def _metrics(metrics: dict[str, Any]) -> str:
    return (
        ", ".join(
            f"{k}={v}" for k, v in sorted(metrics.items()) if isinstance(v, int | float | str)
        )
        or "-"
    )


def cmd_find(args: argparse.Namespace, project: Project) -> int:
    found = run_search.find_runs(project, args.dataset, args.config, args.framework)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("no registered model matches")
        return 0
    rows = [
        [
            r.model,
            ",".join(r.datasets),
            r.schema_version,
            printable(r.framework) or "-",
            _metrics(r.metrics),
            ",".join(r.deployed_in) or "-",
            "retired" if r.retired else r.registered_at[:10],
        ]
        for r in found
    ]
    print(
        table(
            rows, ["model", "datasets", "schema", "framework", "metrics", "deployed", "registered"]
        )
    )
    return 0


def _value(v: Any) -> str:
    return "(none)" if v is None else str(v)


def cmd_compare(args: argparse.Namespace, project: Project) -> int:
    c = run_search.compare_runs(project, args.a, args.b)
    if args.json:
        print_json({**c.__dict__, "same_identity": c.same_identity})
        return 0
    print(
        f"{c.a} → {c.b}"
        + ("  (same datasets, schema, framework and configuration)" if c.same_identity else "")
    )
    if c.datasets_only_a or c.datasets_only_b:
        print(
            f"  datasets    {', '.join(c.datasets_only_a) or '-'} → "
            f"{', '.join(c.datasets_only_b) or '-'}"
            + (f" (both: {', '.join(c.datasets_shared)})" if c.datasets_shared else "")
        )
    else:
        print(f"  datasets    {', '.join(c.datasets_shared)} (same)")
    for change in c.dataset_changes:
        summary = change.get("summary") if isinstance(change, dict) else None
        if summary:
            print(f"  changelog   {summary}")
    sa, sb = c.schema_version
    print(f"  schema      v{sa} → v{sb}" if sa != sb else f"  schema      v{sa} (same)")
    fa, fb = c.framework
    if fa != fb:
        print(f"  framework   {_value(fa)} → {_value(fb)}")
    if not c.config_comparable and not c.same_config:
        print("  config      differs (not YAML/JSON on both sides: compared as text)")
    elif c.same_config:
        print("  config      same")
    for k in c.config_changes:
        print(f"  config      {k.key}: {_value(k.old)} → {_value(k.new)}")
    for k in c.metric_changes:
        print(f"  metric      {k.key}: {_value(k.old)} → {_value(k.new)}")
    return 0
