"""`aal prelabel` and `aal accept-prelabels`: the layout model's proposals.

`aal prelabel DOC` takes a positional document (CLI.md), so accepting pre-labels is its
own command, `aal accept-prelabels DOC`, rather than an action under `prelabel`.
"""

from __future__ import annotations

import argparse

from ..core.errors import ValidationFailed
from ..core.wording import plural
from ..services import documents, prelabel
from ..services.project import Project
from .common import add_json_flag, parse_pages, print_json, with_project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prelabel", help="propose regions with the layout model (pymupdf.layout)")
    p.add_argument("doc", metavar="DOC", help="document id or SHA-256 prefix")
    p.add_argument("--pages", metavar="RANGE", help="pages like 1-3,5 (default: all)")
    p.add_argument(
        "--min-confidence",
        type=float,
        default=0.5,
        metavar="X",
        help="skip detections below this confidence (0-1, default 0.5)",
    )
    p.add_argument(
        "--for",
        dest="annotator",
        metavar="USER",
        help="annotator who owns the pre-labels (default: you)",
    )
    add_json_flag(p)
    p.set_defaults(handler=with_project(cmd_prelabel))

    a = sub.add_parser(
        "accept-prelabels", help="confirm pending pre-labels of a document or page as they are"
    )
    a.add_argument("doc", metavar="DOC")
    a.add_argument("--page", type=int, metavar="N", help="only page N (1-based)")
    a.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="only pre-labels at least this confident (default: all)",
    )
    a.add_argument("--reason", help="why (kept with the events)")
    add_json_flag(a)
    a.set_defaults(handler=with_project(cmd_accept))


def _print_progress(done: int, total: int, message: str) -> None:
    import sys

    if message != "done":
        print(f"  [{done + 1}/{total}] {message}", file=sys.stderr, flush=True)


def cmd_prelabel(args: argparse.Namespace, project: Project) -> int:
    doc = documents.resolve(project, args.doc)
    pages = parse_pages(args.pages, doc.page_count)
    rep = prelabel.prelabel(
        project,
        doc.id,
        pages,
        args.min_confidence,
        progress=None if args.json else _print_progress,
        annotator=args.annotator,
    )
    if args.json:
        print_json(
            {
                "event_id": rep.event_id,
                "document_id": rep.document_id,
                "region_ids": rep.region_ids,
                **rep.event_body(),
            }
        )
    else:
        print(
            f"pre-labelled document {doc.id} ({rep.model_name} {rep.model_version}), "
            f"pages {', '.join(str(p + 1) for p in rep.pages_done) or 'none'}: "
            f"{plural(rep.created, 'region')} created, "
            f"{plural(rep.skipped_duplicates, 'duplicate')} skipped, "
            f"{rep.below_threshold} below {rep.min_confidence:g}"
        )
        if rep.created_by_class:
            print("  created: " + ", ".join(f"{k} {n}" for k, n in rep.created_by_class.items()))
        if rep.unmapped:
            print(
                "  unmapped model classes (skipped): "
                + ", ".join(f"{k} {n}" for k, n in rep.unmapped.items())
            )
        for page, why in rep.failed_pages.items():
            print(f"  page {page + 1} failed: {why}")
        print(f"  recorded as event {rep.event_id}")
    return 1 if rep.failed_pages else 0


def cmd_accept(args: argparse.Namespace, project: Project) -> int:
    doc = documents.resolve(project, args.doc)
    page = None
    if args.page is not None:
        if not 1 <= args.page <= doc.page_count:
            raise ValidationFailed(f"page {args.page} is outside 1-{doc.page_count}")
        page = args.page - 1
    edits = prelabel.accept_above(project, doc.id, args.min_confidence, page, args.reason)
    if args.json:
        print_json({"accepted": [e.after.id for e in edits]})
    else:
        print(f"accepted {plural(len(edits), 'pre-label')} of document {doc.id}")
    return 0
