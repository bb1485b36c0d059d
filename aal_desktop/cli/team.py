"""`aal team init|join|sync|status|assign`: teams over shared storage (CLI.md)."""

from __future__ import annotations

import argparse
import sys

from ..core.errors import AalError
from ..services import documents, team_setup, team_sync
from ..services.project import Project
from .common import add_json_flag, group, print_json, with_project


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "team", "work as a team over shared storage (a folder or s3://…)")
    init = g.add_parser("init", help="make this project the team's at URL (lead)")
    init.add_argument("url")
    add_json_flag(init)
    init.set_defaults(handler=with_project(cmd_init))
    join = g.add_parser("join", help="make this fresh project a member's copy of the team's")
    join.add_argument("url")
    join.add_argument(
        "--as",
        dest="name",
        required=True,
        metavar="NAME",
        help="your member name, as the lead registered it",
    )
    add_json_flag(join)
    join.set_defaults(handler=with_project(cmd_join, create=True))  # makes the project
    sync = g.add_parser(
        "sync",
        help="push your work and pull the team's (member); merge members' work and publish (lead)",
    )
    add_json_flag(sync)
    sync.set_defaults(handler=with_project(cmd_sync))
    st = g.add_parser("status", help="URL, role, last sync, unpushed events, members")
    add_json_flag(st)
    st.set_defaults(handler=with_project(cmd_status))
    asg = g.add_parser("assign", help="assign a document to members (published by the next sync)")
    asg.add_argument("doc")
    asg.add_argument("names", nargs="+", metavar="NAME")
    asg.set_defaults(handler=with_project(cmd_assign))


def cmd_init(args: argparse.Namespace, project: Project) -> int:
    cfg = team_setup.init(project, args.url)
    if args.json:
        print_json(cfg)
    else:
        print(
            f"team {cfg.team_id} started at {cfg.url} (lead: {cfg.lead}, lead file {cfg.lead_seq})"
        )
    return 0


def cmd_join(args: argparse.Namespace, project: Project) -> int:
    cfg = team_setup.join(project, args.url, args.name)
    if args.json:
        print_json(cfg)
    else:
        docs = len(documents.list_documents(project))
        print(
            f"joined the team at {cfg.url} as {cfg.member}: {docs} document"
            f"{'s' if docs != 1 else ''} (lead file {cfg.lead_seq})"
        )
    return 0


def cmd_sync(args: argparse.Namespace, project: Project) -> int:
    result = team_sync.sync(project)
    for line in result.refusals:
        print(line, file=sys.stderr)
    if args.json:
        print_json(
            {
                "pushed": result.pushed,
                "pulled": result.pulled,
                "applied": result.applied,
                "conflicts": result.conflicts,
                "refused": result.refused,
                "published": result.published,
                "refusals": result.refusals,
                "at": result.at,
            }
        )
    else:
        print(f"synced {result.at[11:16]} · {result.summary()}")
    return 1 if result.refused else 0


def cmd_status(args: argparse.Namespace, project: Project) -> int:
    s = team_setup.status(project)
    if args.json:
        print_json(s)
        return 0
    print(f"team at {s.url}: {s.member} ({s.role}); last sync {s.last_sync_at or 'never'}")
    if s.role == "member":
        print(
            f"unpushed events: {s.unpushed}; last pushed bundle {s.push_seq}; "
            f"lead files applied {s.lead_seq}"
        )
    else:
        print(f"lead files published {s.lead_seq}; open conflicts {s.open_conflicts}")
        for m in s.members:
            print(f"  {m.member}: bundle {m.seq} accepted {m.accepted_at}")
    return 0


def cmd_assign(args: argparse.Namespace, project: Project) -> int:
    doc = documents.resolve(project, args.doc)
    unknown = [n for n in args.names if n not in {u.name for u in _users(project)}]
    if unknown:
        raise AalError(f"no member {unknown[0]} (add them with `aal user add`)")
    documents.assign(project, doc.id, args.names)
    print(
        f"assigned document {doc.id} to {', '.join(args.names)} (published by the next "
        "`aal team sync`)"
    )
    return 0


def _users(project: Project) -> list:  # type: ignore[type-arg]
    from ..services import users

    return users.list_users(project)
