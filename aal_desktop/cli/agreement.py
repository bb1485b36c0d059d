"""`aal agreement` and `aal adjudicate`: inter-annotator agreement and deciding disagreements."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.errors import ValidationFailed
from ..services import agreement as agreement_service
from ..services import documents
from ..services.project import Project
from .common import add_json_flag, print_json, table, with_project


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("agreement", help="inter-annotator agreement on double-annotated documents")
    g.add_argument("--doc", action="append", metavar="DOC", help="limit to DOC (repeatable)")
    g.add_argument("--iou", type=float, default=0.5, help="IoU for a match (default 0.5)")
    g.add_argument(
        "--annotator",
        action="append",
        metavar="USER",
        help="compare only these annotators (repeatable)",
    )
    g.add_argument("--disagreements", action="store_true", help="list every disagreement")
    add_json_flag(g)
    g.set_defaults(handler=with_project(cmd_agreement))

    j = sub.add_parser("adjudicate", help="decide disagreements into the adjudicated set (leads)")
    j.add_argument("doc", metavar="DOC")
    j.add_argument("page", type=int, nargs="?", metavar="PAGE", help="page (1-based)")
    j.add_argument(
        "--pick",
        action="append",
        default=[],
        metavar="REGION",
        help="copy this annotator's region into the adjudicated set",
    )
    j.add_argument(
        "--merge",
        action="append",
        nargs=2,
        default=[],
        metavar=("REGION_A", "REGION_B"),
        help="average two annotators' boxes",
    )
    j.add_argument(
        "--class",
        dest="class_key",
        metavar="CLASS",
        help="class of the picked/merged regions (default: theirs)",
    )
    j.add_argument(
        "--agreed",
        action="store_true",
        help="merge every pair the annotators agree on (whole document)",
    )
    j.add_argument("--iou", type=float, default=0.5)
    j.add_argument("--reason")
    add_json_flag(j)
    j.set_defaults(handler=with_project(cmd_adjudicate))


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def cmd_agreement(args: argparse.Namespace, project: Project) -> int:
    ids = [documents.resolve(project, d).id for d in args.doc] if args.doc else None
    rep = agreement_service.agreement(project, ids, args.iou, args.annotator)
    if args.json:
        body: dict[str, Any] = rep.summary()
        body["disagreements"] = [
            {
                "document_id": d.document_id,
                "page": d.page + 1,
                "annotator_a": d.annotator_a,
                "annotator_b": d.annotator_b,
                "kind": d.kind,
                "region_a": d.region_a,
                "region_b": d.region_b,
                "label_a": d.label_a,
                "label_b": d.label_b,
                "box_a": list(d.box_a) if d.box_a else None,
                "box_b": list(d.box_b) if d.box_b else None,
                "iou": d.iou,
                "resolved": d.resolved,
            }
            for d in rep.disagreements
        ]
        print_json(body)
        return 0
    s = rep.overall
    if s is None:
        print("no double-annotated documents (two annotators with regions on one document)")
        return 0
    print(
        f"{len(rep.documents)} double-annotated documents, annotators "
        f"{', '.join(rep.annotators)}, IoU >= {args.iou:g}"
    )
    print(
        f"matched pairs {s.pairs} (same class {s.agreeing_pairs}), unmatched "
        f"{s.unmatched_a} + {s.unmatched_b}; kappa {_fmt(s.kappa)}, "
        f"F1 micro {_fmt(s.micro_f1)} macro {_fmt(s.macro_f1)}"
    )
    rows = [
        [c, v.tp, v.fp, v.fn, _fmt(v.precision), _fmt(v.recall), _fmt(v.f1)]
        for c, v in s.per_class.items()
    ]
    print(table(rows, ["class", "TP", "FP", "FN", "precision", "recall", "F1"]))
    if len(rep.pairs) > 1:
        print(
            table(
                [
                    [
                        p.annotator_a,
                        p.annotator_b,
                        len(p.documents),
                        _fmt(p.scores.kappa),
                        _fmt(p.scores.micro_f1),
                    ]
                    for p in rep.pairs
                ],
                ["A", "B", "docs", "kappa", "F1"],
            )
        )
    open_ = [d for d in rep.disagreements if not d.resolved]
    print(f"{len(rep.disagreements)} disagreements ({len(open_)} not adjudicated)")
    if args.disagreements:
        print(
            table(
                [
                    [
                        d.document_id,
                        d.page + 1,
                        d.kind,
                        f"{d.annotator_a}:{d.label_a or '-'}",
                        f"{d.annotator_b}:{d.label_b or '-'}",
                        d.region_a or "",
                        d.region_b or "",
                        "yes" if d.resolved else "",
                    ]
                    for d in rep.disagreements
                ],
                ["doc", "page", "kind", "A", "B", "region A", "region B", "adjudicated"],
            )
        )
    return 0


def cmd_adjudicate(args: argparse.Namespace, project: Project) -> int:
    doc = documents.resolve(project, args.doc)
    if args.agreed:
        created = agreement_service.adjudicate_agreed(project, doc.id, args.iou)
    else:
        if args.page is None:
            raise ValidationFailed("give PAGE with --pick/--merge (or use --agreed)")
        if not 1 <= args.page <= doc.page_count:
            raise ValidationFailed(f"page {args.page} is outside 1-{doc.page_count}")
        picks = [
            agreement_service.Pick("a", region_a=r, class_key=args.class_key) for r in args.pick
        ]
        picks += [agreement_service.Pick("merge", a, b, args.class_key) for a, b in args.merge]
        if not picks:
            raise ValidationFailed("nothing to decide: give --pick REGION or --merge A B")
        created = agreement_service.adjudicate(project, doc.id, args.page - 1, picks, args.reason)
    if args.json:
        print_json({"created": [r.id for r in created]})
    else:
        for r in created:
            print(f"{r.id}  page {r.page + 1}  {r.class_key}")
        print(f"{len(created)} adjudicated regions created")
    return 0
