"""`aal user add|list`."""

from __future__ import annotations

import argparse

from ..core.names import printable
from ..services import users
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    usub = group(sub, "user", "people and their roles")
    add = usub.add_parser("add", help="add a user or change their role (leads)")
    add.add_argument("name")
    add.add_argument("--role", choices=["annotator", "lead"], required=True)
    add_json_flag(add)
    add.set_defaults(handler=with_project(cmd_add))
    ls = usub.add_parser("list", help="list users")
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))


def cmd_add(args: argparse.Namespace, project: Project) -> int:
    u = users.add_user(project, args.name, args.role)
    if args.json:
        print_json(u)
    else:
        print(f"user {printable(u.name)} is a {u.role.value}")
    return 0


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    us = users.list_users(project)
    if args.json:
        print_json(us)
    else:
        print(table([[u.name, u.role.value, u.created_at] for u in us], ["name", "role", "added"]))
    return 0
