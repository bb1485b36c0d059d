"""`aal stats [VERSION]`: class distribution and counts of a dataset version or live data."""

from __future__ import annotations

import argparse

from ..core import splits as split_core
from ..services.project import Project
from .common import add_json_flag, print_json, split_table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="class distribution and counts (a version, or live data)")
    p.add_argument("version", nargs="?", metavar="VERSION")
    add_json_flag(p)
    p.set_defaults(handler=with_project(_stats))


def _stats(args: argparse.Namespace, project: Project) -> int:
    from ..core.records import DocStatus
    from ..services import versions

    if args.version:
        stats = versions.version_stats(project, args.version)
        if args.json:
            print_json({"version": args.version, **stats})
        else:
            print(split_table(stats, "splits", list(split_core.SPLITS)))
        return 0
    stats = versions.project_stats(project)
    if args.json:
        print_json({"version": None, **stats})
    else:
        print(split_table(stats, "statuses", [s.value for s in DocStatus]))
    return 0
