"""The event filter options shared by `aal events list` and `aal review accept`."""

from __future__ import annotations

import argparse

from ..core.times import optional_iso
from ..services import documents
from ..services.audit import EventFilter
from ..services.project import Project


def add_filter_args(
    p: argparse.ArgumentParser, by_region_and_review: bool = False, prefix: str = ""
) -> None:
    """The EventFilter options, shared by `aal events list` and `aal review accept`.

    `prefix` starts the help of --user/--kind ("batch: " where the filter picks a batch);
    --region and --review only where the command may filter by them.
    """
    p.add_argument("--user", dest="by_user", metavar="U", help=f"{prefix}changes made by U")
    p.add_argument(
        "--kind", metavar="K", help=f"{prefix}e.g. region.relabel, or a prefix like region."
    )
    p.add_argument("--change-type", choices=["additive", "corrective", "schema"])
    p.add_argument("--doc", metavar="DOC")
    if by_region_and_review:
        p.add_argument("--region", metavar="REGION")
    p.add_argument("--since", metavar="ISO", help="events at or after this time")
    p.add_argument("--until", metavar="ISO", help="events before this time")
    p.add_argument("--class-before", metavar="CLASS")
    p.add_argument("--class-after", metavar="CLASS")
    if by_region_and_review:
        p.add_argument("--review", choices=["pending", "accepted", "reverted"])


def filter_from_args(args: argparse.Namespace, project: Project) -> EventFilter:
    """The EventFilter that `add_filter_args`' options describe (absent options match any)."""
    doc_id = documents.resolve(project, args.doc).id if getattr(args, "doc", None) else None
    return EventFilter(
        user=args.by_user,
        kind=args.kind,
        change_type=args.change_type,
        document_id=doc_id,
        region_id=getattr(args, "region", None),
        since=optional_iso(args.since, "--since"),
        until=optional_iso(args.until, "--until"),
        class_before=args.class_before,
        class_after=args.class_after,
        review=getattr(args, "review", None),
    )
