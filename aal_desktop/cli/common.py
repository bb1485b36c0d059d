"""Shared CLI plumbing: opening the project, JSON output, parsing K=V and page ranges."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import ValidationFailed
from ..core.names import printable
from ..services.project import Project

if TYPE_CHECKING:
    from ..services.models import Retirement

Handler = Callable[[argparse.Namespace, Project], int]


def open_project(args: argparse.Namespace, create: bool = False) -> Project:
    """The project of `--db` (or AAL_DB), which must exist unless `create` (`aal init`);
    without either, the default project in the user data folder, created on first use.
    Opening writes nothing: the acting user is registered by their first write, so a read
    command never writes."""
    db = getattr(args, "db", None)
    return Project(
        db, getattr(args, "user", None), must_exist=bool(db) and not create, register=False
    )


def _is_record(value: Any) -> bool:
    """A pydantic record? Asked without importing pydantic: a command that never loaded
    it (`aal doc list`) cannot hold one."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


def to_jsonable(value: Any) -> Any:
    if _is_record(value):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__fspath__"):
        return str(value)
    return value


def print_json(value: Any) -> None:
    """One JSON document on stdout and nothing else (CLI.md)."""
    import json  # here: a command printing text (`aal doc list`) never loads it

    json.dump(to_jsonable(value), sys.stdout, indent=2, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")


def add_json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """`K=V` pairs from the command line (values stay strings; the schema coerces them)."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise ValidationFailed(f"'{item}' is not of the form KEY=VALUE")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def parse_pages(spec: str | None, page_count: int) -> list[int]:
    """'1-3,5' (1-based, as people count) → [0, 1, 2, 4]."""
    if not spec:
        return list(range(page_count))
    pages: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b) if b else page_count
            else:
                lo = hi = int(part)
        except ValueError:
            raise ValidationFailed(f"'{spec}' is not a page range like 1-3,5") from None
        if lo < 1 or hi > page_count or lo > hi:
            raise ValidationFailed(f"pages {part} are outside 1-{page_count}")
        pages.update(range(lo - 1, hi))
    return sorted(pages)


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain aligned text table for people; cells go through `printable`, so a name or a
    reason holding terminal escape codes cannot drive the terminal."""
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else printable(str(c)) for c in r] for r in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def with_project(fn: Handler, create: bool = False) -> Callable[[argparse.Namespace], int]:
    """Open the project for a command and always close it (`create`: see open_project)."""

    def run(args: argparse.Namespace) -> int:
        project = open_project(args, create)
        try:
            return fn(args, project)
        finally:
            project.close()

    return run


def group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """The ACTION subparsers of command group `name` under `sub`, created on first use.

    Found again through `sub.choices`, so it lives exactly as long as the parser it belongs
    to (a cache keyed on `id(sub)` handed a new parser the actions of a dead one whose id
    was reused: "conflicting subparser").
    """
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help)
        return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError(f"command '{name}' is not a group of actions")


def print_retirement(args: argparse.Namespace, r: Retirement) -> None:
    """What `model|version|schema retire` print: the record, as JSON or as lines."""
    if args.json:
        print_json(r)
        return
    print(f"retired {r.asset_kind.replace('_', ' ')} {r.asset}: {r.reason}")
    if r.successor:
        print(f"  successor {r.successor}")
    if r.archive:
        print(f"  archived at {r.archive}")
    if r.in_production_from:
        print(f"  in production {r.in_production_from} → {r.in_production_until or 'still'}")


def split_table(stats: dict[str, Any], group_key: str, groups: list[str]) -> str:
    """Counts per split or status (columns) of documents, pages, regions and each class."""
    per = stats.get(group_key, {})
    classes = sorted(stats.get("totals", {}).get("classes", {}))
    headers = ["", *groups, "total"]
    rows: list[list[Any]] = []
    for label in ("documents", "pages", "regions"):
        rows.append(
            [
                label,
                *[per.get(g, {}).get(label, 0) for g in groups],
                stats.get("totals", {}).get(label, 0),
            ]
        )
    for k in classes:
        rows.append(
            [
                f"  {k}",
                *[per.get(g, {}).get("classes", {}).get(k, 0) for g in groups],
                stats["totals"]["classes"][k],
            ]
        )
    return table(rows, headers)
