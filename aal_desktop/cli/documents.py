"""`aal doc import|list|show|status|assign`: PDFs into the project, and their workflow."""

from __future__ import annotations

import argparse
import sys

from ..services import documents
from ..services.project import Project
from .common import add_json_flag, group, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    dsub = group(sub, "doc", "import and manage PDF documents")

    imp = dsub.add_parser("import", help="import PDF files or folders (recursive)")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--source", help="where the documents come from (provenance)")
    imp.add_argument("--license", help="licence of the documents")
    imp.add_argument("--password", help="password of encrypted files (never needed again)")
    imp.add_argument(
        "--timeout",
        type=float,
        default=documents.DEFAULT_TIMEOUT,
        help="seconds allowed to open and check one file (default %(default)s)",
    )
    add_json_flag(imp)
    imp.set_defaults(handler=with_project(cmd_import))

    ls = dsub.add_parser("list", help="list documents")
    ls.add_argument("--status", choices=[s.value for s in documents.DocStatus])
    ls.add_argument("--assignee", help="only documents assigned to this user")
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list), no_pdf=True)  # see cli/main.py

    show = dsub.add_parser("show", help="one document with its pages and history")
    show.add_argument("doc", metavar="DOC")
    add_json_flag(show)
    show.set_defaults(handler=with_project(cmd_show))

    st = dsub.add_parser("status", help="set a document's workflow status")
    st.add_argument("doc", metavar="DOC")
    st.add_argument("status", choices=[s.value for s in documents.DocStatus])
    st.add_argument("--reason")
    add_json_flag(st)
    st.set_defaults(handler=with_project(cmd_status))

    asg = dsub.add_parser("assign", help="assign a document to annotators (leads)")
    asg.add_argument("doc", metavar="DOC")
    asg.add_argument("users", nargs="+", metavar="USER")
    asg.set_defaults(handler=with_project(cmd_assign))


def cmd_import(args: argparse.Namespace, project: Project) -> int:
    def show(i: int, n: int, outcome: documents.ImportOutcome) -> None:
        if not args.json:
            print(outcome.line(), flush=True)

    outcomes = documents.import_paths(
        project,
        args.paths,
        source=args.source,
        license=args.license,
        password=args.password,
        timeout=args.timeout,
        progress=show,
    )
    rejected = [o for o in outcomes if o.status == "rejected"]
    failed = [o for o in outcomes if o.status == "failed"]
    if args.json:
        print_json(
            [
                {
                    "path": str(o.path),
                    "status": o.status,
                    "document_id": o.document_id,
                    "pages": o.pages,
                    "sha256": o.sha256,
                    "kind": o.kind,
                    "reason": o.reason,
                }
                for o in outcomes
            ]
        )
    else:
        imported = sum(o.status == "imported" for o in outcomes)
        present = sum(o.status == "present" for o in outcomes)
        stopped = (
            f"; stopped at {failed[0].path.name}, {failed[0].not_tried} more not tried: "
            f"{failed[0].reason}"
            if failed
            else ""
        )
        print(
            f"{imported} imported, {present} already present, {len(rejected)} rejected" + stopped,
            file=sys.stderr,
        )
    return 1 if rejected or failed else 0


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    """Light rows, not Document records: a cold `aal doc list` never imports pydantic."""
    docs = documents.list_rows(project, status=args.status, assignee=args.assignee)
    counts = documents.region_counts(project)
    if args.json:  # the fields of a Document record, in its order, as its JSON dump has them
        print_json([{**d._asdict(), "regions": counts.get(d.id, 0)} for d in docs])
        return 0
    rows = [
        [d.id, d.sha256[:12], d.status, d.page_count, counts.get(d.id, 0), d.filename] for d in docs
    ]
    print(table(rows, ["id", "sha256", "status", "pages", "regions", "file"]))
    return 0


def cmd_show(args: argparse.Namespace, project: Project) -> int:
    d = documents.resolve(project, args.doc)
    pgs = documents.pages(project, d.id)
    history = documents.status_history(project, d.id)
    regions = documents.region_counts(project).get(d.id, 0)
    if args.json:
        print_json(
            {
                **d.model_dump(mode="json"),
                "regions": regions,
                "assignees": documents.assignees(project, d.id),
                "pages": [{**p.model_dump(mode="json"), "page": p.page + 1} for p in pgs],
                "status_history": history,
            }
        )
        return 0
    print(f"document {d.id}  {d.filename}")
    for label, value in (
        ("sha256", d.sha256),
        ("status", d.status.value),
        ("pages", d.page_count),
        ("regions", regions),
        ("title", d.title),
        ("source", d.source),
        ("license", d.license),
        ("original path", d.original_path),
        ("imported", f"{d.imported_at} by {d.imported_by}"),
        ("encrypted", "yes (stored decrypted)" if d.encrypted else "no"),
    ):
        print(f"  {label:<14}{value if value is not None else '-'}")
    print("  pages:")
    for p in pgs[:20]:
        print(f"    {p.page + 1:>4}  {p.width:g} x {p.height:g} pt  rotation {p.rotation}")
    if len(pgs) > 20:
        print(f"    … {len(pgs) - 20} more")
    print("  status history:")
    for h in history:
        print(
            f"    {h.at}  {h.old_status or '-'} -> {h.new_status}  by {h.user}"
            + (f"  ({h.reason})" if h.reason else "")
        )
    return 0


def cmd_status(args: argparse.Namespace, project: Project) -> int:
    d = documents.set_status(project, args.doc, args.status, reason=args.reason)
    if args.json:
        print_json(d)
    else:
        print(f"document {d.id} is now {d.status.value}")
    return 0


def cmd_assign(args: argparse.Namespace, project: Project) -> int:
    documents.assign(project, args.doc, args.users)
    d = documents.resolve(project, args.doc)
    print(f"document {d.id} assigned to {', '.join(documents.assignees(project, d.id))}")
    return 0
