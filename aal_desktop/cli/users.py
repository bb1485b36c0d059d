"""`aal user add|list`."""

from __future__ import annotations

import argparse

from ..core.names import printable
from ..core.wording import article
from ..services import users
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    usub = group(sub, "user", "people and their roles")
    add = usub.add_parser("add", help="add a user or change their role (leads)")
    add.add_argument("name")
    add.add_argument("--role", choices=["annotator", "lead"], required=True)
    add.add_argument(
        "--key",
        metavar="PUBKEY",
        help="their public signing key, as `aal key show` prints it (teams)",
    )
    add_json_flag(add)
    add.set_defaults(handler=with_project(cmd_add))
    ls = usub.add_parser("list", help="list users")
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))


def cmd_add(args: argparse.Namespace, project: Project) -> int:
    if args.key:
        from ..core.signing import parse_public_key

        parse_public_key(args.key)  # a bad key refuses before the user is added
    u = users.add_user(project, args.name, args.role)
    if args.key:
        from ..services import team_setup

        team_setup.register_key(project, u.name, args.key)
    if args.json:
        print_json(u)
    else:
        print(f"user {printable(u.name)} is {article(u.role.value)}")
    return 0


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    us = users.list_users(project)
    if args.json:
        print_json(us)
    else:
        print(table([[u.name, u.role.value, u.created_at] for u in us], ["name", "role", "added"]))
    return 0
