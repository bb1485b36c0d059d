"""`aal undo` and `aal redo`: the acting user's history, kept in the project.

Each earlier command that changed regions (`aal region relabel`, `aal accept-prelabels`, …)
is one step; `aal undo` takes back that user's newest step as new events (`reverts` naming
each event it takes back), `aal redo` brings back the last undone one. Refused, with who
changed what since, when someone else has changed those regions in between.
"""

from __future__ import annotations

import argparse

from ..services import history
from ..services.project import Project
from .common import add_json_flag, print_json, with_project


def register(sub: argparse._SubParsersAction) -> None:
    for name, helptext, handler in (
        ("undo", "take back your last change (as new events)", cmd_undo),
        ("redo", "bring back the change you last undid", cmd_redo),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument(
            "--step", type=int, default=None, help="a particular step (default: the next one)"
        )
        add_json_flag(p)
        p.set_defaults(handler=with_project(handler))


def _report(args: argparse.Namespace, verb: str, outcome: history.Outcome) -> int:
    step = outcome.step
    if args.json:
        print_json(
            {
                "step": step.id,
                "label": step.label,
                "state": step.state,
                "events": [e.event_id for e in outcome.edits],
                "regions": [e.after.id for e in outcome.edits],
            }
        )
    else:
        n = len(outcome.edits)
        print(f"{verb} step {step.id} ({step.label}): {n} event{'s' if n != 1 else ''}")
    return 0


def cmd_undo(args: argparse.Namespace, project: Project) -> int:
    return _report(args, "undid", history.undo(project, args.step))


def cmd_redo(args: argparse.Namespace, project: Project) -> int:
    return _report(args, "redid", history.redo(project, args.step))
