"""`aal region add|relabel|move|set|delete|restore|list|history|link`."""

from __future__ import annotations

import argparse

from ..core.page_numbers import event_json
from ..core.records import Region
from ..services import documents, regions
from ..services.project import Project
from .common import add_json_flag, group, parse_assignments, print_json, table, with_project


def region_json(r: Region) -> dict:
    """A region for scripts: pages counted from 1 as on the command line."""
    d = r.model_dump(mode="json")
    d["page"] = r.page + 1
    d["box"] = list(r.box)
    return d


def register(sub: argparse._SubParsersAction) -> None:
    g = group(sub, "region", "labelled regions of pages")

    add = g.add_parser("add", help="add a region; prints its UUID")
    add.add_argument("doc", metavar="DOC")
    add.add_argument("page", type=int, metavar="PAGE", help="page number, from 1")
    for c in ("x0", "y0", "x1", "y1"):
        add.add_argument(c, type=float, metavar=c.upper())
    add.add_argument("class_key", metavar="CLASS")
    add.add_argument("--attr", action="append", default=[], metavar="K=V")
    add.add_argument("--reason")
    add.add_argument("--snap", action="store_true", help="shrink the box to the words it covers")
    add.add_argument("--parent", help="parent region UUID (caption → figure, cell → table)")
    add.add_argument("--order", type=int, help="reading order")
    add_json_flag(add)
    add.set_defaults(handler=with_project(cmd_add))

    rl = g.add_parser("relabel", help="change a region's class")
    rl.add_argument("region", metavar="REGION")
    rl.add_argument("class_key", metavar="CLASS")
    rl.add_argument("--reason")
    add_json_flag(rl)
    rl.set_defaults(handler=with_project(cmd_relabel))

    mv = g.add_parser("move", help="move or resize a region")
    mv.add_argument("region", metavar="REGION")
    for c in ("x0", "y0", "x1", "y1"):
        mv.add_argument(c, type=float, metavar=c.upper())
    mv.add_argument("--reason")
    mv.add_argument("--snap", action="store_true")
    add_json_flag(mv)
    mv.set_defaults(handler=with_project(cmd_move))

    st = g.add_parser("set", help="set attributes (K=V; an empty V clears)")
    st.add_argument("region", metavar="REGION")
    st.add_argument("values", nargs="+", metavar="K=V")
    st.add_argument("--reason")
    add_json_flag(st)
    st.set_defaults(handler=with_project(cmd_set))

    de = g.add_parser("delete", help="soft-delete a region (it can be restored)")
    de.add_argument("region", metavar="REGION")
    de.add_argument("--reason")
    add_json_flag(de)
    de.set_defaults(handler=with_project(cmd_delete))

    rs = g.add_parser("restore", help="restore a deleted region")
    rs.add_argument("region", metavar="REGION")
    rs.add_argument("--reason")
    add_json_flag(rs)
    rs.set_defaults(handler=with_project(cmd_restore))

    ln = g.add_parser("link", help="set parent, reading order or continuation of a region")
    ln.add_argument("region", metavar="REGION")
    ln.add_argument("--parent", help="parent region UUID, or 'none'")
    ln.add_argument("--order", help="reading order number, or 'none'")
    ln.add_argument("--continues", help="region this one continues on the next page, or 'none'")
    ln.add_argument("--reason")
    add_json_flag(ln)
    ln.set_defaults(handler=with_project(cmd_link))

    ls = g.add_parser("list", help="list regions with the text under each box")
    ls.add_argument("--doc", metavar="DOC")
    ls.add_argument("--page", type=int, metavar="N", help="page number, from 1")
    ls.add_argument("--deleted", action="store_true", help="include deleted regions")
    ls.add_argument(
        "--attention",
        action="store_true",
        help="only regions that need attention (after a split or deprecation)",
    )
    add_json_flag(ls)
    ls.set_defaults(handler=with_project(cmd_list))

    hi = g.add_parser("history", help="every event of a region, original and new value")
    hi.add_argument("region", metavar="REGION")
    add_json_flag(hi)
    hi.set_defaults(handler=with_project(cmd_history))


def _done(args: argparse.Namespace, r: Region, what: str) -> int:
    if args.json:
        print_json(region_json(r))
    else:
        print(f"{r.id} {what}")
    return 0


def cmd_add(args: argparse.Namespace, project: Project) -> int:
    r = regions.add_region(
        project,
        args.doc,
        args.page - 1,
        (args.x0, args.y0, args.x1, args.y1),
        args.class_key,
        parse_assignments(args.attr),
        args.reason,
        snap=args.snap,
        parent_id=args.parent,
        reading_order=args.order,
    )
    if args.json:
        print_json(region_json(r))
    else:
        print(r.id)
    return 0


def cmd_relabel(args: argparse.Namespace, project: Project) -> int:
    r = regions.relabel(project, args.region, args.class_key, args.reason)
    return _done(args, r, f"is now {r.class_key}")


def cmd_move(args: argparse.Namespace, project: Project) -> int:
    r = regions.move(
        project, args.region, (args.x0, args.y0, args.x1, args.y1), args.reason, snap=args.snap
    )
    return _done(args, r, "moved to " + " ".join(f"{v:g}" for v in r.box))


def cmd_set(args: argparse.Namespace, project: Project) -> int:
    r = regions.set_attributes(project, args.region, parse_assignments(args.values), args.reason)
    return _done(args, r, f"attributes {r.attrs}")


def cmd_delete(args: argparse.Namespace, project: Project) -> int:
    return _done(args, regions.delete(project, args.region, args.reason), "deleted")


def cmd_restore(args: argparse.Namespace, project: Project) -> int:
    return _done(args, regions.restore(project, args.region, args.reason), "restored")


def _opt(value: str | None, cast: type = str) -> object:
    if value is None:
        return ...
    return None if value.lower() == "none" else cast(value)


def cmd_link(args: argparse.Namespace, project: Project) -> int:
    r = regions.link(
        project,
        args.region,
        parent_id=_opt(args.parent),  # type: ignore[arg-type]
        reading_order=_opt(args.order, int),  # type: ignore[arg-type]
        continues_id=_opt(args.continues),  # type: ignore[arg-type]
        reason=args.reason,
    )
    return _done(args, r, "linked")


def cmd_list(args: argparse.Namespace, project: Project) -> int:
    doc_id = documents.resolve(project, args.doc).id if args.doc else None
    page = args.page - 1 if args.page is not None else None
    rs = regions.list_regions(
        project, doc_id, page, include_deleted=args.deleted, attention_only=args.attention
    )
    if args.json:
        print_json([region_json(r) for r in rs])
        return 0
    rows = []
    for r in rs:
        text = (r.text or "").replace("\n", " ")
        rows.append(
            [
                r.id,
                r.document_id,
                r.page + 1,
                r.class_key,
                " ".join(f"{v:g}" for v in r.box),
                "model" if r.origin == "model" else "human",
                "deleted" if r.deleted else (r.attention or ""),
                text[:40] + ("…" if len(text) > 40 else ""),
            ]
        )
    print(table(rows, ["region", "doc", "page", "class", "box (pt)", "origin", "state", "text"]))
    return 0


def cmd_history(args: argparse.Namespace, project: Project) -> int:
    events = regions.history(project, args.region)
    if args.json:
        print_json([event_json(e) for e in events])
        return 0
    for e in events:
        print(
            f"#{e.id}  {e.at}  {e.user}  {e.kind} ({e.change_type or '-'})"
            + (f"  reason: {e.reason}" if e.reason else "")
        )
        for label, value in (("from", e.original), ("to", e.new)):
            if value is None:
                print(f"    {label}: (nothing)")
            else:
                summary = {k: value.get(k) for k in ("class_key", "box", "attrs", "deleted")}
                print(f"    {label}: {summary}")
    return 0
