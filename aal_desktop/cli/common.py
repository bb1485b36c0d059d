"""Shared CLI plumbing: opening the project, JSON output, parsing K=V and page ranges."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..core.errors import ValidationFailed
from ..services.project import Project

Handler = Callable[[argparse.Namespace, Project], int]


def open_project(args: argparse.Namespace) -> Project:
    return Project(getattr(args, "db", None), getattr(args, "user", None))


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
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
    """A plain aligned text table for people."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def with_project(fn: Handler) -> Callable[[argparse.Namespace], int]:
    """Open the project for a command and always close it."""

    def run(args: argparse.Namespace) -> int:
        project = open_project(args)
        try:
            return fn(args, project)
        finally:
            project.close()

    return run


_GROUPS: dict[tuple[int, str], argparse._SubParsersAction] = {}


def group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """The ACTION subparsers of command group `name`, created once; several modules may add
    actions to one group (e.g. `schema` here, `schema diff|migrate` in schema_evolution)."""
    key = (id(sub), name)
    if key not in _GROUPS:
        parser = sub.add_parser(name, help=help)
        _GROUPS[key] = parser.add_subparsers(dest=f"{name}_command", metavar="ACTION",
                                             required=True)
    return _GROUPS[key]
