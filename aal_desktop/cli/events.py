"""`aal events list`: the append-only event log, filtered."""

from __future__ import annotations

import argparse

from ..core.page_numbers import event_json
from ..services import audit
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project
from .event_filters import add_filter_args, filter_from_args


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "events", "the append-only event log")
    ls = g.add_parser("list", help="list events, oldest first")
    add_filter_args(ls, by_region_and_review=True)
    ls.add_argument("--limit", type=int)
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    events = audit.list_events(project, filter_from_args(args, project), limit=args.limit)
    if args.json:
        print_json([event_json(e) for e in events])
        return 0
    rows = []
    for e in events:
        before = (e.original or {}).get("class_key") if isinstance(e.original, dict) else None
        after = (e.new or {}).get("class_key") if isinstance(e.new, dict) else None
        change = f"{before} -> {after}" if before and after and before != after else (after or "")
        rows.append(
            [
                e.id,
                e.at[:19],
                e.user,
                e.kind,
                e.change_type or "",
                e.review or "",
                e.region_id or "",
                change,
                e.reason or "",
            ]
        )
    print(table(rows, ["id", "at", "user", "kind", "type", "review", "region", "class", "reason"]))
    return 0
