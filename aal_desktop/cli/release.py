"""`aal release VERSION --to DEST` and `aal release verify DEST` (CLI.md).

DEST is a folder or a storage URL (s3://bucket/prefix, file://…). One `release` parser
takes positional words and dispatches by hand: argparse cannot offer both a positional
VERSION and a `verify` action under one command, and the contract has both. `verify`
needs no project (a release is checked anywhere it was copied to), but a manifest proves
little by itself: with `--db`, the project's record of the manifest's hash anchors it.
"""

from __future__ import annotations

import argparse
import sys

from ..core.errors import ValidationFailed
from .common import add_json_flag, open_project, print_json

USAGE = (
    "aal release VERSION --to DIR|URL [--format coco,yolo,jsonl,parquet] [--dpi 144] "
    "[--pdfs] [--no-images] [--json]\n       aal release verify FOLDER|URL [--json]"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "release",
        help="write a dataset version as a release folder, or verify one",
        usage=USAGE,
        description=(
            "Write VERSION to DIR/<dataset>/<date>_<VERSION>/ (atomically: "
            "nothing appears there until it is complete), or re-hash a release "
            "folder against its manifest with `verify` (exit 1 on a mismatch)."
        ),
    )
    p.add_argument("words", nargs="+", metavar="VERSION | verify FOLDER")
    p.add_argument(
        "--to",
        dest="to",
        metavar="DIR|URL",
        help="destination: a folder, file://… or s3://bucket/prefix",
    )
    p.add_argument(
        "--format",
        dest="formats",
        default="coco,yolo,jsonl,parquet",
        help="annotation formats, comma-separated (default: all four)",
    )
    p.add_argument("--dpi", type=float, default=144.0, help="page image resolution (default 144)")
    p.add_argument("--pdfs", action="store_true", help="include the source PDFs, named by SHA-256")
    p.add_argument(
        "--no-images",
        dest="images",
        action="store_false",
        help="no page images (COCO/YOLO boxes still in pixels at --dpi)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="render processes (default: the number of cores, 2 to 4)",
    )
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    if words[0] == "verify" and len(words) == 2 and args.to is None:
        return verify(args, words[1])
    if len(words) != 1:
        raise ValidationFailed(f"expected one VERSION or `verify FOLDER`; usage:\n{USAGE}")
    if not args.to:
        raise ValidationFailed("say where to write the release with --to DIR")
    return release(args, words[0])


def release(args: argparse.Namespace, version: str) -> int:
    from ..services import releases

    show_progress = not args.json and sys.stderr.isatty()
    last = [-1]

    def progress(done: int, total: int, what: str) -> None:
        pct = int(100 * done / max(total, 1))
        if show_progress and pct != last[0]:
            last[0] = pct
            print(f"\r{pct:3d}% {what[:60]:<60}", end="", file=sys.stderr, flush=True)

    project = open_project(args)
    try:
        record = releases.release(
            project,
            version,
            args.to,
            args.formats,
            args.dpi,
            args.pdfs,
            progress=progress,
            workers=args.workers,
            images=args.images,
        )
    finally:
        if show_progress:
            print(file=sys.stderr)
        project.close()
    if args.json:
        print_json(record)
    else:
        print(record.path)
    return 0


def verify(args: argparse.Namespace, target: str) -> int:
    from ..services.anchoring import verify_release

    project = open_project(args) if getattr(args, "db", None) else None
    try:
        check = verify_release(target, project)
    finally:
        if project is not None:
            project.close()
    if args.json:
        print_json(
            {
                "folder": check.url,
                "ok": check.ok,
                "files": check.files,
                "manifest_sha256": check.manifest_sha256,
                "anchored_by": check.anchored_by,
                "problems": check.problems,
                "notes": check.notes,
            }
        )
    elif check.problems:
        for problem in check.problems:
            print(f"{problem}", file=sys.stderr)
        print(f"aal: {len(check.problems)} problem(s) in {check.url}", file=sys.stderr)
    else:
        anchor = {
            "project": "its manifest hash is the one the project recorded",
            "chain": "it chains to the previous release",
            "none": "not anchored",
        }[check.anchored_by]
        print(f"ok: {check.files} files match {check.url}/manifest.json; {anchor}")
        for note in check.notes:
            print(f"note: {note}", file=sys.stderr)
    return 1 if check.problems else 0
