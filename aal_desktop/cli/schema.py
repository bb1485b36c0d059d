"""`aal schema import|export|list|show|publish|diff|migrate|attention|names|retire`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.migration import PLAN_FORMAT_HELP
from ..core.schema_diff import to_markdown
from ..core.wording import plural
from ..services import migrations, schema_history, schemas
from ..services.project import Project
from .common import add_json_flag, group, print_json, print_retirement, table, with_project


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

    df = g.add_parser("diff", help="what changed between two schema versions")
    df.add_argument("a", type=int, metavar="N")
    df.add_argument("b", type=int, metavar="M")
    add_json_flag(df)
    df.set_defaults(handler=with_project(cmd_diff))

    mg = g.add_parser(
        "migrate",
        help="apply a migration file (YAML/JSON) to make the next "
        "draft version; --dry-run only counts; leads only",
        epilog=PLAN_FORMAT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mg.add_argument("file", type=Path, metavar="FILE")
    mg.add_argument(
        "--dry-run",
        action="store_true",
        help="print how many regions each operation touches; change nothing",
    )
    mg.add_argument("--reason", help="why (recorded with every region's schema event)")
    add_json_flag(mg)
    mg.set_defaults(handler=with_project(cmd_migrate))

    at = g.add_parser("attention", help="regions still flagged after a split or deprecation")
    at.add_argument("--doc", metavar="DOC")
    add_json_flag(at)
    at.set_defaults(handler=with_project(cmd_attention))

    nm = g.add_parser("names", help="what a region was called under every schema version")
    nm.add_argument("region", metavar="REGION")
    add_json_flag(nm)
    nm.set_defaults(handler=with_project(cmd_names))

    sr = g.add_parser("retire", help="retire a published schema version (not the current one)")
    sr.add_argument("version", type=int, metavar="N")
    sr.add_argument("--reason", required=True)
    sr.add_argument("--successor", type=int, metavar="N")
    sr.add_argument("--archive", metavar="URI")
    add_json_flag(sr)
    sr.set_defaults(handler=with_project(cmd_retire))


def cmd_import(args: argparse.Namespace, project: Project) -> int:
    s = schemas.import_file(project, args.file)
    if args.json:
        print_json(s)
    else:
        print(
            f"schema version {s.version} ({s.name}, {plural(len(s.classes), 'class')}) "
            "imported as draft; "
            f"publish it with `aal schema publish {s.version}`"
        )
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
    rows = [
        [
            ("*" if v.version == current else " ") + str(v.version),
            v.status,
            v.name,
            v.classes,
            v.guideline_version,
            v.published_at or "-",
        ]
        for v in versions
    ]
    print(table(rows, ["version", "status", "name", "classes", "guideline", "published"]))
    return 0


def cmd_show(args: argparse.Namespace, project: Project) -> int:
    s = schemas.get(project, args.version or schemas.current_version(project))
    if args.json:
        print_json(s)
        return 0
    guideline = s.guideline_version or "-"
    print(f"schema {s.name} v{s.version} ({s.status.value}), guideline {guideline}")
    rows = [
        [
            c.key,
            c.name,
            c.color,
            c.hotkey or "",
            c.parent or "",
            ", ".join(f"{a.key}:{a.type.value}{'*' if a.required else ''}" for a in c.attributes),
            "deprecated" if c.deprecated else "",
        ]
        for c in s.classes
    ]
    print(table(rows, ["key", "name", "colour", "hotkey", "parent", "attributes", ""]))
    return 0


def cmd_publish(args: argparse.Namespace, project: Project) -> int:
    # a migration's draft also brings along regions drawn under the old version meanwhile
    s, caught_up = migrations.publish(project, args.version)
    if args.json:
        print_json(s)
    else:
        extra = f" ({plural(caught_up, 'region')} brought along)" if caught_up else ""
        print(f"schema version {s.version} published; new regions use it{extra}")
    return 0


def cmd_diff(args: argparse.Namespace, project: Project) -> int:
    d, a, b = migrations.diff_versions(project, args.a, args.b)
    if args.json:
        print_json(d)
    else:
        print(to_markdown(d, a, b), end="")
    return 0


def _preview_json(p: migrations.MigrationPreview) -> dict:
    return {
        "from_version": p.from_version,
        "to_version": p.to_version,
        "regions": p.regions,
        "documents": p.documents,
        "operations": p.operations,
        "classes": [c.key for c in p.schema.classes],
    }


def cmd_migrate(args: argparse.Namespace, project: Project) -> int:
    plan = migrations.read_plan(args.file)
    if args.dry_run:
        preview = migrations.dry_run(project, plan)
        if args.json:
            print_json({"dry_run": True, **_preview_json(preview)})
            return 0
        _print_preview(preview)
        print(
            f"dry run: nothing was changed; applying would create draft v{preview.to_version}"
            f" and rewrite {plural(preview.regions, 'region')} in "
            f"{plural(preview.documents, 'document')}"
        )
        return 0
    result = migrations.apply(project, plan, args.reason)
    if args.json:
        print_json(
            {
                "dry_run": False,
                **_preview_json(result.preview),
                "version": result.version,
                "batch": result.batch,
                "events": result.events,
            }
        )
        return 0
    _print_preview(result.preview)
    print(
        f"schema v{result.version} created as a draft; "
        f"{plural(result.events, 'region')} rewritten "
        f"(batch {result.batch}); publish it with `aal schema publish {result.version}`"
    )
    return 0


def _print_preview(p: migrations.MigrationPreview) -> None:
    rows = [[e.index, e.label, e.regions, e.documents, e.deleted or ""] for e in p.operations]
    print(table(rows, ["#", "operation", "regions", "documents", "of them deleted"]))


def cmd_attention(args: argparse.Namespace, project: Project) -> int:
    from ..services import documents

    doc_id = documents.resolve(project, args.doc).id if args.doc else None
    rs = migrations.attention(project, doc_id)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "document_id": r.document_id,
                    "page": r.page + 1,
                    "class_key": r.class_key,
                    "schema_version": r.schema_version,
                    "attention": r.attention,
                }
                for r in rs
            ]
        )
        return 0
    if not rs:
        print("no region needs attention")
        return 0
    rows = [
        [r.id, r.document_id, r.page + 1, r.class_key, f"v{r.schema_version}", r.attention]
        for r in rs
    ]
    print(table(rows, ["region", "doc", "page", "class", "schema", "attention"]))
    return 0


def cmd_names(args: argparse.Namespace, project: Project) -> int:
    names = schema_history.names_by_version(project, args.region)
    if args.json:
        print_json(names)
        return 0
    rows = [
        [
            f"v{n.version}",
            n.status,
            n.class_key,
            n.class_name or "(not a class)",
            "deleted" if n.deleted else (n.attention or ""),
        ]
        for n in names
    ]
    print(table(rows, ["schema", "status", "class", "name", "state"]))
    return 0


def cmd_retire(args: argparse.Namespace, project: Project) -> int:
    from ..services import retirement

    print_retirement(
        args,
        retirement.retire_schema(project, args.version, args.reason, args.successor, args.archive),
    )
    return 0
