"""`aal review accept|revert`: a lead's decisions about region changes."""

from __future__ import annotations

import argparse

from ..core.errors import ValidationFailed
from ..services import review
from ..services.audit import EventFilter
from ..services.project import Project
from .common import add_json_flag, group, print_json, with_project
from .event_filters import add_filter_args, filter_from_args


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "review", "accept or revert region changes (leads)")

    acc = g.add_parser(
        "accept",
        help="mark changes as reviewed: EVENT ids, or every pending change a filter matches",
    )
    acc.add_argument("events", nargs="*", type=int, metavar="EVENT")
    acc.add_argument("--reason", help="why (kept with the decision)")
    add_filter_args(acc, prefix="batch: ")
    acc.add_argument("--all", action="store_true", help="batch: every pending change")
    add_json_flag(acc)
    acc.set_defaults(handler=with_project(cmd_accept))

    rv = g.add_parser("revert", help="put back what a change replaced, as a new event")
    rv.add_argument("event", type=int, metavar="EVENT")
    rv.add_argument("--reason", help="why the change is reverted (kept in the new event)")
    add_json_flag(rv)
    rv.set_defaults(handler=with_project(cmd_revert))


def _batch_filter(args: argparse.Namespace, project: Project) -> EventFilter | None:
    flt = filter_from_args(args, project)
    return flt if flt != EventFilter() or args.all else None


def cmd_accept(args: argparse.Namespace, project: Project) -> int:
    flt = _batch_filter(args, project)
    if args.events and flt is not None:
        raise ValidationFailed("give EVENT ids or a filter (--user, --kind, ..., --all), not both")
    if not args.events and flt is None:
        raise ValidationFailed(
            "nothing to accept: give EVENT ids, or a filter such as --user U --kind "
            "region.relabel, or --all for every pending change"
        )
    if flt is not None:
        n = review.accept_filtered(project, flt, args.reason)
        if args.json:
            print_json({"accepted": n})
        else:
            print(f"accepted {n} pending change{'s' if n != 1 else ''}")
        return 0
    decisions = review.accept_many(project, args.events, args.reason)
    if args.json:
        print_json(decisions)
        return 0
    for d in decisions:
        if d.already:
            print(f"event {d.event_id} was already accepted by {d.user} at {d.at[:19]}")
        else:
            print(f"accepted event {d.event_id}")
    return 0


def cmd_revert(args: argparse.Namespace, project: Project) -> int:
    d = review.revert(project, args.event, args.reason)
    if args.json:
        print_json(d)
    else:
        print(f"reverted event {d.event_id}: new event {d.revert_event_id} puts back the "
              "original value")
    return 0
