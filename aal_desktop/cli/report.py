"""`aal report MODEL -o FILE`: a model's technical documentation (Markdown, HTML or PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services import report as reports
from ..services.project import Project
from .common import with_project


def register(sub: argparse._SubParsersAction) -> None:
    rp = sub.add_parser("report", help="technical documentation of a model (Markdown, HTML or PDF)")
    rp.add_argument("model", metavar="MODEL")
    rp.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help="FILE.md, FILE.html (or .htm) or FILE.pdf",
    )
    rp.set_defaults(handler=with_project(cmd_report))


def cmd_report(args: argparse.Namespace, project: Project) -> int:
    out = reports.write_report(project, args.model, args.output)
    print(f"wrote {out}", file=sys.stderr)
    return 0
