"""`aal gui [--screenshot FILE] [--doc DOC] [--page N]`: open the window (Qt loads lazily)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the window, or save a screenshot of it and exit")
    p.add_argument(
        "--screenshot",
        metavar="FILE",
        help="save a PNG once the page and its regions are drawn, then exit",
    )
    p.add_argument("--doc", help="document id or SHA-256 prefix to show")
    p.add_argument("--page", type=int, help="page to show, from 1")
    p.set_defaults(handler=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from ..ui.app import main

    argv: list[str] = []
    if getattr(args, "db", None):
        argv += ["--db", str(args.db)]
    if getattr(args, "user", None):
        argv += ["--user", str(args.user)]
    if args.screenshot:
        argv += ["--screenshot", args.screenshot]
    if args.doc:
        argv += ["--doc", args.doc]
    if args.page is not None:
        argv += ["--page", str(args.page)]
    # `aal gui` run as the program (not a call from a larger process) ends like `aal-desktop`
    return main(argv, own_process=getattr(args, "own_process", False))
