"""`aal init`: create or upgrade the project database and say who you are in it."""

from __future__ import annotations

import argparse

from ..services import audit, schemas
from ..services.project import Project
from .common import add_json_flag, print_json, with_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create or upgrade the project database (idempotent)")
    add_json_flag(p)
    p.set_defaults(handler=with_project(cmd_init, create=True))


def cmd_init(args: argparse.Namespace, project: Project) -> int:
    project.ensure_registered()
    schemas.ensure_default(project)
    restored = audit.restore_triggers(project)
    info = {
        "database": str(project.path),
        "pdfs": str(project.blobs.root),
        "db_version": project.db_version,
        "user": project.user,
        "role": project.role.value,
        "restored_triggers": restored,
    }
    if args.json:
        print_json(info)
    else:
        if restored:
            print(
                f"restored {len(restored)} missing append-only triggers: "
                f"{', '.join(restored)} (run `aal audit verify` to check the history)"
            )
        print(
            f"project database {project.path} ready (database version {info['db_version']}); "
            f"you are '{project.user}' ({project.role.value})"
        )
    return 0
