"""`aal schema diff|migrate|attention|names`: schema evolution from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.schema_diff import to_markdown
from ..services import migrations, schema_history
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "schema", "label schema versions")

    df = g.add_parser("diff", help="what changed between two schema versions")
    df.add_argument("a", type=int, metavar="N")
    df.add_argument("b", type=int, metavar="M")
    add_json_flag(df)
    df.set_defaults(handler=with_project(cmd_diff))

    mg = g.add_parser("migrate", help="apply a migration file (YAML/JSON) to make the next "
                                      "draft version; --dry-run only counts; leads only")
    mg.add_argument("file", type=Path, metavar="FILE")
    mg.add_argument("--dry-run", action="store_true",
                    help="print how many regions each operation touches; change nothing")
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


def cmd_diff(args: argparse.Namespace, project: Project) -> int:
    d, a, b = migrations.diff_versions(project, args.a, args.b)
    if args.json:
        print_json(d)
    else:
        print(to_markdown(d, a, b), end="")
    return 0


def _preview_json(p: migrations.MigrationPreview) -> dict:
    return {"from_version": p.from_version, "to_version": p.to_version, "regions": p.regions,
            "documents": p.documents, "operations": p.operations,
            "classes": [c.key for c in p.schema.classes]}


def cmd_migrate(args: argparse.Namespace, project: Project) -> int:
    plan = migrations.read_plan(args.file)
    if args.dry_run:
        preview = migrations.dry_run(project, plan)
        if args.json:
            print_json({"dry_run": True, **_preview_json(preview)})
            return 0
        _print_preview(preview)
        print(f"dry run: nothing was changed; applying would create draft v{preview.to_version}"
              f" and rewrite {preview.regions} regions in {preview.documents} documents")
        return 0
    result = migrations.apply(project, plan, args.reason)
    if args.json:
        print_json({"dry_run": False, **_preview_json(result.preview), "version": result.version,
                    "batch": result.batch, "events": result.events})
        return 0
    _print_preview(result.preview)
    print(f"schema v{result.version} created as a draft; {result.events} regions rewritten "
          f"(batch {result.batch}); publish it with `aal schema publish {result.version}`")
    return 0


def _print_preview(p: migrations.MigrationPreview) -> None:
    rows = [[e.index, e.label, e.regions, e.documents, e.deleted or ""] for e in p.operations]
    print(table(rows, ["#", "operation", "regions", "documents", "of them deleted"]))


def cmd_attention(args: argparse.Namespace, project: Project) -> int:
    from ..services import documents

    doc_id = documents.resolve(project, args.doc).id if args.doc else None
    rs = migrations.attention(project, doc_id)
    if args.json:
        print_json([{"id": r.id, "document_id": r.document_id, "page": r.page + 1,
                     "class_key": r.class_key, "schema_version": r.schema_version,
                     "attention": r.attention} for r in rs])
        return 0
    if not rs:
        print("no region needs attention")
        return 0
    rows = [[r.id, r.document_id, r.page + 1, r.class_key, f"v{r.schema_version}", r.attention]
            for r in rs]
    print(table(rows, ["region", "doc", "page", "class", "schema", "attention"]))
    return 0


def cmd_names(args: argparse.Namespace, project: Project) -> int:
    names = schema_history.names_by_version(project, args.region)
    if args.json:
        print_json(names)
        return 0
    rows = [[f"v{n.version}", n.status, n.class_key, n.class_name or "(not a class)",
             "deleted" if n.deleted else (n.attention or "")] for n in names]
    print(table(rows, ["schema", "status", "class", "name", "state"]))
    return 0
