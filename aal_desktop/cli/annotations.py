"""`aal annotations import FORMAT PATH`: bring in boxes made with other tools (CLI.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importers.model import FORMATS
from ..services import annotation_import
from ..services.annotation_pages import NO_SUCH_PAGE, PAGE_UNKNOWN, UNKNOWN_IMAGE
from ..services.project import Project
from .common import add_json_flag, group, print_json, with_project

NO_PAGE = {UNKNOWN_IMAGE, PAGE_UNKNOWN, NO_SUCH_PAGE}


def register(sub: argparse._SubParsersAction) -> None:
    asub = group(sub, "annotations", "import annotations made with other tools")
    imp = asub.add_parser(
        "import",
        help="import COCO, Label Studio, CVAT, labelme, PAWLS or PAGE XML files",
        description="Boxes are converted into PDF points of the displayed page. Pages given "
        "as images (--images) become one-page documents. Importing the same file "
        "again adds nothing.",
    )
    imp.add_argument(
        "format", choices=FORMATS, metavar="FORMAT", help=f"one of {', '.join(FORMATS)}"
    )
    imp.add_argument(
        "path", type=Path, metavar="PATH", help="the annotation file, or a folder of them"
    )
    imp.add_argument(
        "--images",
        type=Path,
        metavar="DIR",
        help="folder of the page images the annotations refer to",
    )
    imp.add_argument(
        "--map",
        dest="map_path",
        type=Path,
        metavar="FILE",
        help="YAML {foreign label: class key} (null leaves a label out)",
    )
    imp.add_argument("--doc", metavar="DOC", help="the document the annotations are about")
    imp.add_argument(
        "--as-prelabels",
        action="store_true",
        help="import as pending proposals, to be accepted like pre-labels",
    )
    imp.add_argument("--source", help="where the documents come from (provenance)")
    add_json_flag(imp)
    imp.set_defaults(handler=with_project(cmd_import))


def cmd_import(args: argparse.Namespace, project: Project) -> int:
    options = annotation_import.ImportOptions(
        format=args.format,
        path=args.path,
        images=args.images,
        map_path=args.map_path,
        doc=args.doc,
        as_prelabels=args.as_prelabels,
        source=args.source,
    )
    report = annotation_import.import_annotations(project, options)
    if args.json:
        print_json(report.summary())
    else:
        for line in report.lines():
            print(line)
    lost = {r: n for r, n in report.skipped.items() if r in NO_PAGE}
    if report.imported == 0 and report.already_present == 0 and lost:
        # every box skipped for want of its page: a forgotten --images or --doc, not success
        print(
            f"aal: nothing was imported: {sum(lost.values())} boxes have no page here "
            f"({', '.join(lost)}); give the page images with --images DIR or the "
            "document with --doc DOC",
            file=sys.stderr,
        )
        return 1
    return 0
