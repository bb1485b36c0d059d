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
    acc.add_argument(
        "events",
        nargs="*",
        metavar="EVENT",
        type=_ref,
        help="event ids, or conflict references c<ID> (aal review conflicts)",
    )
    acc.add_argument("--reason", help="why (kept with the decision)")
    add_filter_args(acc, prefix="batch: ")
    acc.add_argument("--all", action="store_true", help="batch: every pending change")
    add_json_flag(acc)
    acc.set_defaults(handler=with_project(cmd_accept))

    rv = g.add_parser("revert", help="put back what a change replaced, as a new event")
    rv.add_argument("event", metavar="EVENT", type=_ref, help="an event id, or a conflict c<ID>")
    rv.add_argument("--reason", help="why the change is reverted (kept in the new event)")
    add_json_flag(rv)
    rv.set_defaults(handler=with_project(cmd_revert))

    cf = g.add_parser("conflicts", help="members' changes a team merge could not apply")
    cf.add_argument("--status", choices=["open", "accepted", "reverted"], default="open")
    cf.add_argument("--all", dest="every", action="store_true", help="every status")
    add_json_flag(cf)
    cf.set_defaults(handler=with_project(cmd_conflicts))


def _ref(text: str) -> str:
    """An event id or a conflict reference c<ID>; anything else is a usage error (exit 2)."""
    t = text.strip()
    if t.isdigit() or (t[:1] in ("c", "C") and t[1:].isdigit()):
        return t
    raise argparse.ArgumentTypeError(f"'{text}' is neither an event id nor a conflict c<ID>")


def _batch_filter(args: argparse.Namespace, project: Project) -> EventFilter | None:
    flt = filter_from_args(args, project)
    return flt if flt != EventFilter() or args.all else None


def _event_ids(refs: list[str]) -> tuple[list[int], list[int]]:
    """Plain event ids and conflict ids (c<ID>) of the command line."""
    from ..services import team_conflicts

    events, conflicts = [], []
    for ref in refs:
        cid = team_conflicts.parse_ref(ref)
        if cid is not None:
            conflicts.append(cid)
        elif ref.strip().isdigit():
            events.append(int(ref))
        else:
            raise ValidationFailed(f"'{ref}' is neither an event id nor a conflict c<ID>")
    return events, conflicts


def cmd_conflicts(args: argparse.Namespace, project: Project) -> int:
    from ..services import team_conflicts

    found = team_conflicts.list_conflicts(project, None if args.every else args.status)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("no conflicts" + ("" if args.every else f" ({args.status})"))
    for c in found:
        ev = c.event
        fields = review.changed_fields(ev.get("original"), ev.get("new")) or ["class_key", "box"]
        print(
            f"c{c.id}  {c.status:<8}  {c.member} bundle {c.bundle_seq}  {ev.get('kind')} "
            f"region {ev.get('region_id')}: {c.problem}"
        )
        print(
            f"      hers: {review.describe(ev.get('original'), fields)} -> "
            f"{review.describe(ev.get('new'), fields)}"
        )
        print(f"      lead: {review.describe(c.lead_state, fields)}")
    return 0


def cmd_accept(args: argparse.Namespace, project: Project) -> int:
    event_ids, conflict_ids = _event_ids(args.events)
    if conflict_ids:
        from ..services import team_conflicts

        for cid in conflict_ids:
            c = team_conflicts.accept(project, cid, args.reason)
            if not args.json:
                print(
                    f"accepted conflict c{c.id}: {c.member}'s change applied (event "
                    f"{c.result_event_id})"
                )
        if not event_ids:
            if args.json:
                print_json([team_conflicts.get(project, c) for c in conflict_ids])
            return 0
    args.events = event_ids
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
    event_ids, conflict_ids = _event_ids([args.event])
    if conflict_ids:
        from ..services import team_conflicts

        c = team_conflicts.revert(project, conflict_ids[0], args.reason)
        if args.json:
            print_json(c)
        else:
            print(f"reverted conflict c{c.id}: {c.member}'s change discarded ({c.reason})")
        return 0
    d = review.revert(project, event_ids[0], args.reason)
    if args.json:
        print_json(d)
    else:
        print(
            f"reverted event {d.event_id}: new event {d.revert_event_id} puts back the "
            "original value"
        )
    return 0
