"""`aal version create|list|show|diff|retire` (CLI.md)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core import splits as split_core
from ..core.wording import plural
from ..services.project import Project
from .common import (
    add_json_flag,
    group,
    print_json,
    print_retirement,
    split_table,
    table,
    with_project,
)


def register(sub: argparse._SubParsersAction) -> None:
    actions = group(sub, "version", "dataset versions and releases")

    p = actions.add_parser("create", help="freeze documents, regions, schema and split (leads)")
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--status",
        dest="statuses",
        action="append",
        metavar="STATUS",
        help="document status to include (repeatable; default: approved)",
    )
    p.add_argument(
        "--split",
        default="80,10,10",
        metavar="TRAIN,VAL,TEST",
        help="document-level split ratios (default 80,10,10)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parent = p.add_mutually_exclusive_group()
    parent.add_argument(
        "--parent",
        metavar="VERSION",
        help="the version this one follows (default: the newest version)",
    )
    parent.add_argument(
        "--no-parent",
        action="store_true",
        help="start a new line of versions (everything counts as added)",
    )
    p.add_argument(
        "--dataset", metavar="NAME", help="dataset name (default: the parent's, else 'layout')"
    )
    p.add_argument(
        "--resplit",
        action="store_true",
        help="draw every document's split again instead of keeping the parent's",
    )
    add_json_flag(p)
    p.set_defaults(handler=with_project(_create))

    p = actions.add_parser("list", help="dataset versions, oldest first")
    add_json_flag(p)
    p.set_defaults(handler=with_project(_list))

    p = actions.add_parser("show", help="a version: counts per split and its changelog")
    p.add_argument("version", metavar="VERSION")
    add_json_flag(p)
    p.set_defaults(handler=with_project(_show))

    p = actions.add_parser("diff", help="what changed from version A to version B")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    add_json_flag(p)
    p.set_defaults(handler=with_project(_diff))

    p = actions.add_parser("retire", help="retire a dataset version (new models refuse it)")
    p.add_argument("version", metavar="VERSION")
    p.add_argument("--reason", required=True)
    p.add_argument("--successor", metavar="VERSION")
    p.add_argument("--archive", metavar="URI")
    add_json_flag(p)
    p.set_defaults(handler=with_project(_retire))


def _create(args: argparse.Namespace, project: Project) -> int:
    from ..services import versions

    parent: Any = None if args.no_parent else (args.parent or "auto")
    info = versions.create_version(
        project,
        args.name,
        statuses=tuple(args.statuses or ("approved",)),
        split=split_core.parse_ratios(args.split),
        seed=args.seed,
        parent=parent,
        dataset=args.dataset,
        resplit=args.resplit,
    )
    empty = versions.empty_splits(project, info.name)
    if empty:  # on stderr: stdout stays one JSON document with --json
        print(
            f"warning: {' and '.join(empty)} got no documents "
            f"({plural(info.documents, 'document')} split {args.split}); "
            f"{'it is' if len(empty) == 1 else 'they are'} left out of releases "
            "(add documents, or choose other ratios with --split)",
            file=sys.stderr,
        )
    if args.json:
        print_json(info)
        return 0
    counts = versions.version_stats(project, info.name).get("splits", {})
    per_split = ", ".join(f"{s} {counts.get(s, {}).get('documents', 0)}" for s in split_core.SPLITS)
    print(
        f"created {info.name} ({info.dataset} {info.semver or ''}".rstrip() + "): "
        f"{plural(info.documents, 'document')} ({per_split}), "
        f"{plural(info.regions, 'region')}, "
        f"schema v{info.schema_version}" + (f", parent {info.parent}" if info.parent else "")
    )
    return 0


def _list(args: argparse.Namespace, project: Project) -> int:
    from ..services import versions

    infos = versions.list_versions(project)
    if args.json:
        print_json(infos)
        return 0
    if not infos:
        print("no dataset versions yet (cut one with `aal version create NAME`)")
        return 0
    rows = [
        [
            i.name,
            i.dataset,
            i.semver or "",
            i.parent or "",
            f"v{i.schema_version}",
            i.documents,
            i.regions,
            i.created_by,
            i.created_at[:19].replace("T", " "),
            (i.retired_reason or "") if i.retired_at else "",
        ]
        for i in infos
    ]
    print(
        table(
            rows,
            [
                "NAME",
                "DATASET",
                "SEMVER",
                "PARENT",
                "SCHEMA",
                "DOCS",
                "REGIONS",
                "BY",
                "CREATED",
                "RETIRED",
            ],
        )
    )
    return 0


def _show(args: argparse.Namespace, project: Project) -> int:
    from ..services import versions

    info = versions.get_version(project, args.version)
    stats = versions.version_stats(project, info.name)
    log = versions.version_changelog(project, info.name)
    if args.json:
        print_json({"version": info, "stats": stats, "changelog": log})
        return 0
    ratios = "/".join(f"{r * 100:g}" for r in info.split_ratios)
    print(
        f"{info.name}  dataset {info.dataset}  semver {info.semver or '-'}  "
        f"parent {info.parent or '-'}  schema v{info.schema_version}"
    )
    print(
        f"statuses {', '.join(info.statuses)}  split {ratios} (seed {info.seed})  "
        f"created by {info.created_by} at {info.created_at[:19].replace('T', ' ')}"
    )
    if info.retired_at:
        print(
            f"RETIRED {info.retired_at[:19]}: {info.retired_reason}"
            + (f" (successor {info.successor})" if info.successor else "")
        )
    print()
    print(split_table(stats, "splits", list(split_core.SPLITS)))
    print()
    print(versions.changelog_markdown(log), end="")
    return 0


def _diff(args: argparse.Namespace, project: Project) -> int:
    from ..services import versions

    log = versions.diff_versions(project, args.a, args.b)
    if args.json:
        print_json(log)
    else:
        print(versions.changelog_markdown(log), end="")
    return 0


def _retire(args: argparse.Namespace, project: Project) -> int:
    from ..services import retirement

    print_retirement(
        args,
        retirement.retire_version(project, args.version, args.reason, args.successor, args.archive),
    )
    return 0
