"""`aal lineage`: what trained a model, which models used a version, what served when."""

from __future__ import annotations

import argparse

from ..core.errors import ValidationFailed
from ..core.wording import plural
from ..services import lineage as lin
from ..services.project import Project
from .common import add_json_flag, print_json, with_project


def register(sub: argparse._SubParsersAction) -> None:
    ln = sub.add_parser(
        "lineage",
        help="what trained a model, which models used a version, "
        "what served an environment at a time",
    )
    which = ln.add_mutually_exclusive_group(required=True)
    which.add_argument("--version", metavar="VERSION", help="dataset version")
    which.add_argument("--model", metavar="MODEL")
    which.add_argument("--env", metavar="ENV", help="with --at: what was in production then")
    ln.add_argument("--at", metavar="ISO", help="date or time (a date means its end)")
    add_json_flag(ln)
    ln.set_defaults(handler=with_project(cmd_lineage))


def cmd_lineage(args: argparse.Namespace, project: Project) -> int:
    if args.at and not args.env:
        raise ValidationFailed("--at goes with --env")
    if args.model:
        ml = lin.model_lineage(project, args.model)
        if args.json:
            print_json(ml)
        else:
            _print_model_lineage(ml)
    elif args.version:
        dl = lin.dataset_lineage(project, args.version)
        if args.json:
            print_json(dl)
        else:
            _print_dataset_lineage(dl)
    else:
        ans = lin.production(project, args.env, args.at)
        if args.json:
            print_json(ans)
        elif ans.deployment is None:
            print(f"nothing was in production in '{ans.env}' at {ans.at}")
        else:
            d = ans.deployment
            print(
                f"{ans.env} at {ans.at}: {d.ref} (deployment #{d.id}, {d.kind} "
                f"{d.deployed_at} → {d.ended_at or 'still active'})"
            )
            print(f"  trained on {', '.join(ans.datasets)} (schema version {ans.schema_version})")
    return 0


def _print_model_lineage(ml: lin.ModelLineage) -> None:
    m = ml.model
    print(f"model {m.ref}" + ("  [RETIRED]" if m.retired else "") + f"  sha256 {m.weights_sha256}")
    for s in ml.schemas:
        print(f"  schema version {s.version} ({s.name}, {s.status})")
    for d in ml.datasets:
        print(
            f"  dataset version {d.name}"
            + (" [RETIRED]" if d.retired else "")
            + f": {plural(len(d.documents), 'document')}, {plural(d.regions, 'region')}, "
            + ", ".join(f"{k} {v['documents']}" for k, v in sorted(d.splits.items()))
        )
        for doc in d.documents:
            print(
                f"    doc {doc.document_id} {doc.filename} [{doc.split}] "
                f"source={doc.source or '-'} licence={doc.license or '-'}"
            )
    for cs in ml.corrections:
        span = (
            f"{cs.from_version} → {cs.to_version}" if cs.from_version else f"before {cs.to_version}"
        )
        print(f"  corrections {span}: {len(cs.corrections)}")
        for c in cs.corrections:
            after = f" → {c.class_after}" if c.class_after != c.class_before else ""
            print(
                f"    event {c.event_id} {c.user} {c.kind} {c.class_before or ''}{after}: "
                f"{c.reason or '(no reason)'}"
            )
    for dep in ml.deployments:
        print(f"  deployment #{dep.id} {dep.env} {dep.deployed_at} → {dep.ended_at or 'active'}")
    if ml.retirement:
        print(f"  retired {ml.retirement.retired_at}: {ml.retirement.reason}")


def _print_dataset_lineage(dl: lin.DatasetLineage) -> None:
    d = dl.dataset
    print(
        f"dataset version {d.name}"
        + (" [RETIRED]" if d.retired else "")
        + f" (schema version {d.schema_version}, parent {d.parent or '-'})"
    )
    if not dl.models:
        print("  no models trained on it")
    for use in dl.models:
        print(f"  model {use.model.ref}" + (" [RETIRED]" if use.model.retired else ""))
        for dep in use.deployments:
            print(
                f"    deployment #{dep.id} {dep.env} {dep.deployed_at} → {dep.ended_at or 'active'}"
            )
