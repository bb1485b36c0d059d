"""`aal model register|list|show|check|find|compare|deploy|rollback|deployments|retire`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import AalError, ValidationFailed
from ..services import models
from ..services.project import Project
from .common import add_json_flag, group, print_json, print_retirement, table, with_project
from .model_runs import register_runs, warn_same_runs


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "model", "model registry, deployments and retirement")

    reg = g.add_parser("register", help="record a trained model version; prints NAME:VERSION")
    reg.add_argument("name", metavar="NAME")
    reg.add_argument(
        "--weights",
        required=True,
        type=Path,
        metavar="FILE",
        help="weights file (stays where it is; its path and SHA-256 are recorded)",
    )
    reg.add_argument(
        "--dataset",
        required=True,
        action="append",
        metavar="VERSION",
        help="dataset version it was trained on (repeat for several)",
    )
    reg.add_argument("--metrics", type=Path, metavar="FILE", help="evaluation metrics (JSON)")
    reg.add_argument("--config", type=Path, metavar="FILE", help="training config (kept)")
    reg.add_argument("--framework", metavar="TEXT", help="e.g. 'ultralytics 8.3'")
    reg.add_argument(
        "--allow-retired",
        action="store_true",
        help="accept a retired dataset version (needs --reason)",
    )
    reg.add_argument("--reason", help="why a retired dataset version is used")
    add_json_flag(reg)
    reg.set_defaults(handler=with_project(cmd_register))

    ls = g.add_parser("list", help="every model version, retired ones included")
    ls.add_argument("--name", help="only versions of this model")
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))

    show = g.add_parser("show", help="one model version: weights, data, metrics, deployments")
    show.add_argument("model", metavar="MODEL")
    add_json_flag(show)
    show.set_defaults(handler=with_project(cmd_show))

    chk = g.add_parser("check", help="re-hash the weights file; exit 1 if it changed or is gone")
    chk.add_argument("model", metavar="MODEL")
    add_json_flag(chk)
    chk.set_defaults(handler=with_project(cmd_check))
    register_runs(g)

    dep = g.add_parser("deploy", help="deploy after evaluating gates on the recorded metrics")
    dep.add_argument("model", metavar="MODEL")
    dep.add_argument("--env", required=True, metavar="ENV")
    dep.add_argument(
        "--gate",
        action="append",
        default=[],
        metavar="'METRIC>=VALUE'",
        help="evaluation gate (>=, >, <=, <, ==); repeat for several",
    )
    dep.add_argument(
        "--limitation",
        action="append",
        default=[],
        metavar="TEXT",
        help="known limitation (repeat for several)",
    )
    dep.add_argument("--force", action="store_true", help="deploy despite failing gates")
    dep.add_argument("--reason", help="why (required with --force; recorded)")
    dep.add_argument("--at", metavar="ISO", help="record a deployment made at this time")
    add_json_flag(dep)
    dep.set_defaults(handler=with_project(cmd_deploy))

    rb = g.add_parser("rollback", help="redeploy what the current deployment replaced")
    rb.add_argument("--env", required=True, metavar="ENV")
    rb.add_argument("--reason")
    rb.add_argument("--at", metavar="ISO", help="record a rollback made at this time")
    add_json_flag(rb)
    rb.set_defaults(handler=with_project(cmd_rollback))

    ud = g.add_parser("undeploy", help="take a model out of an environment, nothing in its place")
    ud.add_argument("model", metavar="MODEL")
    ud.add_argument("--env", required=True, metavar="ENV")
    ud.add_argument("--reason", required=True, help="why (recorded)")
    ud.add_argument("--at", metavar="ISO", help="record an undeploy made at this time")
    add_json_flag(ud)
    ud.set_defaults(handler=with_project(cmd_undeploy))

    dl = g.add_parser("deployments", help="deployment history, with when each one ended")
    dl.add_argument("--env", metavar="ENV")
    dl.add_argument("--model", metavar="MODEL")
    add_json_flag(dl)
    dl.set_defaults(handler=with_project(cmd_deployments))

    ret = g.add_parser("retire", help="retire a model version (it stays listed)")
    ret.add_argument("model", metavar="MODEL")
    ret.add_argument("--reason", required=True)
    ret.add_argument("--successor", metavar="MODEL")
    ret.add_argument("--archive", metavar="URI", help="where the weights are archived")
    add_json_flag(ret)
    ret.set_defaults(handler=with_project(cmd_retire_model))


# --- model ------------------------------------------------------------------------------------


def cmd_register(args: argparse.Namespace, project: Project) -> int:
    if args.reason and not args.allow_retired:
        raise ValidationFailed("--reason goes with --allow-retired")
    m = models.register_model(
        project,
        args.name,
        args.weights,
        args.dataset,
        args.metrics,
        args.config,
        args.framework,
        allow_retired=args.allow_retired,
        reason=args.reason,
    )
    same = warn_same_runs(project, m)
    if args.json:
        print_json({**m.__dict__, "ref": m.ref, "same_runs": same})
    else:
        print(m.ref)
    return 0


def _status(m: models.ModelVersion, project: Project) -> str:
    if m.retired:
        return "retired"
    live = [d.env for d in models.list_deployments(project, model=m.ref) if d.active]
    return ("deployed: " + ",".join(live)) if live else "registered"


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    found = models.list_models(project, args.name)
    if args.json:
        print_json([{**m.__dict__, "ref": m.ref, "status": _status(m, project)} for m in found])
        return 0
    if not found:
        print("no models registered yet: `aal model register NAME --weights FILE --dataset V`")
        return 0
    rows = [
        [
            m.ref,
            ",".join(m.datasets),
            m.schema_version,
            m.weights_sha256[:12],
            m.framework or "-",
            _status(m, project),
            m.registered_at[:19],
        ]
        for m in found
    ]
    print(
        table(rows, ["model", "datasets", "schema", "sha256", "framework", "status", "registered"])
    )
    return 0


def cmd_show(args: argparse.Namespace, project: Project) -> int:
    m = models.get_model(project, args.model)
    deps = models.list_deployments(project, model=m.ref)
    if args.json:
        print_json(
            {
                **m.__dict__,
                "ref": m.ref,
                "deployments": deps,
                "retirement": models.get_retirement(project, "model", m.ref),
            }
        )
        return 0
    print(f"model {m.ref}" + ("  [RETIRED]" if m.retired else ""))
    print(f"  weights     {m.weights_path}")
    print(f"  sha256      {m.weights_sha256} ({m.weights_size} bytes)")
    print(f"  framework   {m.framework or '-'}")
    print(f"  datasets    {', '.join(m.datasets)} (schema version {m.schema_version})")
    print(f"  config      {m.config_name or '-'}")
    print(f"  registered  {m.registered_at} by {m.registered_by}")
    if m.override_reason:
        print(f"  retired data used because: {m.override_reason}")
    for k, v in m.metrics.items():
        print(f"  metric      {k} = {v}")
    for d in deps:
        print(
            f"  deployment  #{d.id} {d.env} {d.kind} {d.deployed_at} → "
            f"{d.ended_at or 'active'}" + (" (forced)" if d.forced else "")
        )
    if m.retired:
        print(
            f"  retired     {m.retired_at} by {m.retired_by}: {m.retired_reason}; successor "
            f"{m.successor or '-'}; archive {m.archive or '-'}"
        )
    return 0


def cmd_check(args: argparse.Namespace, project: Project) -> int:
    check = models.check_weights(project, args.model)
    if args.json:
        print_json({**check.__dict__, "matches": check.matches})
        return 0 if check.matches else 1
    if not check.matches:
        raise AalError(check.describe())
    print(check.describe())
    return 0


def _describe_deployment(d: models.Deployment) -> str:
    lines = [f"deployment #{d.id}: {d.ref} → {d.env} ({d.kind}) at {d.deployed_at}"]
    lines += [f"  gate {g.describe()}" for g in d.gates]
    if d.forced:
        lines.append(f"  FORCED: {d.force_reason}")
    lines += [f"  limitation: {t}" for t in d.limitations]
    if d.replaces is not None:
        lines.append(f"  replaces #{d.replaces} (rollback pointer)")
    if d.restores is not None:
        lines.append(f"  restores the model of #{d.restores}")
    return "\n".join(lines)


def cmd_deploy(args: argparse.Namespace, project: Project) -> int:
    if args.force and not args.reason:
        raise ValidationFailed("--force needs a --reason (it is recorded)")
    d = models.deploy(
        project,
        args.model,
        args.env,
        args.gate,
        args.limitation,
        force=args.force,
        reason=args.reason,
        at=args.at,
    )
    if args.json:
        print_json(d)
    else:
        print(_describe_deployment(d))
    return 0


def cmd_rollback(args: argparse.Namespace, project: Project) -> int:
    d = models.rollback(project, args.env, args.reason, at=args.at)
    if args.json:
        print_json(d)
    else:
        print(_describe_deployment(d))
    return 0


def cmd_undeploy(args: argparse.Namespace, project: Project) -> int:
    d = models.undeploy(project, args.model, args.env, args.reason, at=args.at)
    if args.json:
        print_json(d)
    else:
        print(f"undeployed {d.ref} from '{d.env}' at {d.ended_at}: nothing is deployed there now")
    return 0


def cmd_deployments(args: argparse.Namespace, project: Project) -> int:
    deps = models.list_deployments(project, env=args.env, model=args.model)
    if args.json:
        print_json(deps)
        return 0
    rows = [
        [
            d.id,
            d.env,
            d.ref,
            d.kind,
            d.deployed_at[:19],
            (d.ended_at or "active")[:19],
            "forced" if d.forced else ("passed" if d.gates_passed else "FAILED"),
            d.replaces or "-",
        ]
        for d in deps
    ]
    print(table(rows, ["id", "env", "model", "kind", "from", "until", "gates", "replaces"]))
    return 0


def cmd_retire_model(args: argparse.Namespace, project: Project) -> int:
    print_retirement(
        args, models.retire_model(project, args.model, args.reason, args.successor, args.archive)
    )
    return 0
