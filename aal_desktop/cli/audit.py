"""`aal audit verify|summary`: check the event log, and what review made of each person's work."""

from __future__ import annotations

import argparse
import sys

from ..services import audit, review
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    a = group(sub, "audit", "check the event log")
    v = a.add_parser("verify", help="re-compute the event log's hash chain")
    v.add_argument(
        "--against",
        metavar="RELEASE",
        default=None,
        help="also check the log head a release recorded (folder or URL)",
    )
    add_json_flag(v)
    v.set_defaults(handler=with_project(cmd_verify))

    sm = a.add_parser("summary", help="per person: regions made, corrections, review outcome")
    add_json_flag(sm)
    sm.set_defaults(handler=with_project(cmd_summary))


def cmd_verify(args: argparse.Namespace, project: Project) -> int:
    if getattr(args, "against", None):
        return cmd_verify_against(args, project)
    report = audit.verify(project)
    if args.json:
        print_json(report)
    elif report.ok:
        print(
            f"audit log ok: {report.checked} events, hash chain intact; {report.triggers} "
            f"append-only triggers present; {report.regions} regions match their last "
            f"event; {report.anchors} release anchors hold"
        )
    if not report.ok:
        where = f" at event {report.first_bad_id}" if report.first_bad_id else ""
        more = (
            f" (and {len(report.problems) - 1} more problems; see --json)"
            if len(report.problems) > 1
            else ""
        )
        print(f"aal: audit log broken{where}: {report.problem}{more}", file=sys.stderr)
        return 1
    return 0


def cmd_summary(args: argparse.Namespace, project: Project) -> int:
    rows = review.annotator_summary(project)
    if args.json:
        print_json(rows)
        return 0
    print(
        table(
            [
                [
                    r.user,
                    r.role or "",
                    r.regions_made,
                    r.corrections_made,
                    r.accepted,
                    r.reverted,
                    r.pending,
                ]
                for r in rows
            ],
            ["user", "role", "regions", "corrections", "accepted", "reverted", "pending"],
        )
    )
    return 0


def cmd_verify_against(args: argparse.Namespace, project: Project) -> int:
    """The hook for `--against`: the check lives in services/anchoring.py."""
    from ..services.anchoring import verify_against

    check = verify_against(project, args.against)
    if args.json:
        print_json(
            {
                "ok": check.ok,
                "release": check.release,
                "event_id": check.event_id,
                "recorded_hash": check.recorded_hash,
                "local_hash": check.local_hash,
                "chain": check.chain,
                "problem": check.problem,
            }
        )
    elif check.ok:
        print(
            f"audit log ok: {check.chain.checked} events, hash chain intact, event "
            f"{check.event_id} as {check.release} recorded it"
        )
    if not check.ok:
        print(f"aal: {check.problem}", file=sys.stderr)
        return 1
    return 0
