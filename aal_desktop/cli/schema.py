"""`aal schema import|export|list|show|publish`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services import schemas
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "schema", "label schema versions")
    imp = g.add_parser("import", help="read a YAML or JSON schema file as a new draft version")
    imp.add_argument("file", type=Path)
    add_json_flag(imp)
    imp.set_defaults(handler=with_project(cmd_import))

    exp = g.add_parser("export", help="write a schema version as YAML (or JSON by -o suffix)")
    exp.add_argument("--version", type=int, help="default: the current published version")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    exp.add_argument("--format", choices=["yaml", "json"], help="default: from the suffix, YAML")
    exp.set_defaults(handler=with_project(cmd_export))

    ls = g.add_parser("list", help="list schema versions")
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))

    show = g.add_parser("show", help="show one schema version (default: current)")
    show.add_argument("version", nargs="?", type=int)
    add_json_flag(show)
    show.set_defaults(handler=with_project(cmd_show))

    pub = g.add_parser("publish", help="freeze a draft (default: the newest draft); leads only")
    pub.add_argument("version", nargs="?", type=int)
    add_json_flag(pub)
    pub.set_defaults(handler=with_project(cmd_publish))


def cmd_import(args: argparse.Namespace, project: Project) -> int:
    s = schemas.import_file(project, args.file)
    if args.json:
        print_json(s)
    else:
        print(f"schema version {s.version} ({s.name}, {len(s.classes)} classes) imported as draft; "
              f"publish it with `aal schema publish {s.version}`")
    return 0


def cmd_export(args: argparse.Namespace, project: Project) -> int:
    fmt = args.format or ("json" if args.output and args.output.suffix == ".json" else "yaml")
    text = schemas.export_text(project, args.version, fmt)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    versions = schemas.list_versions(project)
    current = schemas.current_version(project)
    if args.json:
        print_json([{**v.__dict__, "current": v.version == current} for v in versions])
        return 0
    rows = [[("*" if v.version == current else " ") + str(v.version), v.status, v.name, v.classes,
             v.guideline_version, v.published_at or "-"] for v in versions]
    print(table(rows, ["version", "status", "name", "classes", "guideline", "published"]))
    return 0


def cmd_show(args: argparse.Namespace, project: Project) -> int:
    s = schemas.get(project, args.version or schemas.current_version(project))
    if args.json:
        print_json(s)
        return 0
    guideline = s.guideline_version or "-"
    print(f"schema {s.name} v{s.version} ({s.status.value}), guideline {guideline}")
    rows = [[c.key, c.name, c.color, c.hotkey or "", c.parent or "",
             ", ".join(f"{a.key}:{a.type.value}{'*' if a.required else ''}" for a in c.attributes),
             "deprecated" if c.deprecated else ""] for c in s.classes]
    print(table(rows, ["key", "name", "colour", "hotkey", "parent", "attributes", ""]))
    return 0


def cmd_publish(args: argparse.Namespace, project: Project) -> int:
    from ..services import migrations

    # a migration's draft also brings along regions drawn under the old version meanwhile
    s, caught_up = migrations.publish(project, args.version)
    if args.json:
        print_json(s)
    else:
        extra = f" ({caught_up} regions brought along)" if caught_up else ""
        print(f"schema version {s.version} published; new regions use it{extra}")
    return 0
