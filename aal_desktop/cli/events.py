"""`aal events list` and `aal audit verify`."""

from __future__ import annotations

import argparse
import sys

from ..services import audit, documents
from ..services.project import Project
from ..store.events import EventFilter
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "events", "the append-only event log")
    ls = g.add_parser("list", help="list events, oldest first")
    add_filter_args(ls, by_region_and_review=True)
    ls.add_argument("--limit", type=int)
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))

    a = group(sub, "audit", "check the event log")
    v = a.add_parser("verify", help="re-compute the event log's hash chain")
    add_json_flag(v)
    v.set_defaults(handler=with_project(cmd_verify))


def add_filter_args(p: argparse.ArgumentParser, by_region_and_review: bool = False,
                    prefix: str = "") -> None:
    """The EventFilter options, shared by `aal events list` and `aal review accept`.

    `prefix` starts the help of --user/--kind ("batch: " where the filter picks a batch);
    --region and --review only where the command may filter by them.
    """
    p.add_argument("--user", dest="by_user", metavar="U", help=f"{prefix}changes made by U")
    p.add_argument("--kind", metavar="K",
                   help=f"{prefix}e.g. region.relabel, or a prefix like region.")
    p.add_argument("--change-type", choices=["additive", "corrective", "schema"])
    p.add_argument("--doc", metavar="DOC")
    if by_region_and_review:
        p.add_argument("--region", metavar="REGION")
    p.add_argument("--since", metavar="ISO", help="events at or after this time")
    p.add_argument("--until", metavar="ISO", help="events before this time")
    p.add_argument("--class-before", metavar="CLASS")
    p.add_argument("--class-after", metavar="CLASS")
    if by_region_and_review:
        p.add_argument("--review", choices=["pending", "accepted", "reverted"])


def filter_from_args(args: argparse.Namespace, project: Project) -> EventFilter:
    """The EventFilter that `add_filter_args`' options describe (absent options match any)."""
    doc_id = documents.resolve(project, args.doc).id if getattr(args, "doc", None) else None
    return EventFilter(user=args.by_user, kind=args.kind, change_type=args.change_type,
                       document_id=doc_id, region_id=getattr(args, "region", None),
                       since=args.since, until=args.until, class_before=args.class_before,
                       class_after=args.class_after, review=getattr(args, "review", None))


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    events = audit.list_events(project, filter_from_args(args, project), limit=args.limit)
    if args.json:
        print_json(events)
        return 0
    rows = []
    for e in events:
        before = (e.original or {}).get("class_key") if isinstance(e.original, dict) else None
        after = (e.new or {}).get("class_key") if isinstance(e.new, dict) else None
        change = f"{before} -> {after}" if before and after and before != after else (after or "")
        rows.append([e.id, e.at[:19], e.user, e.kind, e.change_type or "", e.review or "",
                     e.region_id or "", change, e.reason or ""])
    print(table(rows, ["id", "at", "user", "kind", "type", "review", "region", "class", "reason"]))
    return 0


def cmd_verify(args: argparse.Namespace, project: Project) -> int:
    report = audit.verify(project)
    if args.json:
        print_json(report)
    elif report.ok:
        print(f"audit log ok: {report.checked} events, hash chain intact")
    if not report.ok:
        print(f"aal: audit log broken at event {report.first_bad_id}: {report.problem}",
              file=sys.stderr)
        return 1
    return 0
