"""Run the project's benchmarks: every ``bench_*.py`` next to this file (or in ``--dir``).

Why one runner: each issue that cares about speed adds a measure in its own module, and
this prints them all the same way, as ratios against a baseline measured in the same run,
so figures from noisy machines stay comparable. A failing benchmark is reported and the
others still run; the exit status is 1 if anything failed.

Usage: ``python benchmarks/run.py [--quick] [--json] [--dir DIR] [NAME ...]``
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TextIO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Bench modules do `from common import BenchResult` and measure the checkout's
# `aal_desktop`, not whatever copy happens to be installed.
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from common import BenchResult  # noqa: E402

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class Discovered:
    """Benchmarks found, in run order, and the modules that could not be loaded."""

    benchmarks: dict[str, tuple[str, Callable[[bool], BenchResult]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _load_module(path: Path) -> ModuleType:
    """Import one bench file under a private name, so it cannot shadow a real package."""
    spec = importlib.util.spec_from_file_location(f"_aal_bench_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def discover(directory: Path) -> Discovered:
    """Import every ``bench_*.py`` in ``directory`` (sorted) and collect ``BENCHMARKS``."""
    found = Discovered()
    if str(directory) not in sys.path:  # helpers shared by bench modules in that folder
        sys.path.insert(0, str(directory))
    for path in sorted(directory.glob("bench_*.py")):
        try:
            module = _load_module(path)
            table = module.BENCHMARKS
            if not isinstance(table, dict):
                raise TypeError("BENCHMARKS must be a dict of name -> callable(quick)")
        except BaseException as exc:  # noqa: BLE001 - a broken module must not stop the run
            if isinstance(exc, KeyboardInterrupt):
                raise
            found.errors.append(f"{path.name}: cannot load: {_describe(exc)}")
            continue
        for name, fn in table.items():
            if not callable(fn):
                found.errors.append(f"{path.name}: {name!r} is not callable")
            elif name in found.benchmarks:
                other = found.benchmarks[name][0]
                found.errors.append(f"{path.name}: {name!r} is already defined in {other}")
            else:
                found.benchmarks[name] = (path.name, fn)
    return found


def select(
    benchmarks: dict[str, tuple[str, Callable[[bool], BenchResult]]], patterns: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Names chosen by ``patterns`` (exact name, glob, or module ``bench_X``/``X``).

    Returns the chosen names in discovery order and the patterns that matched nothing.
    """
    if not patterns:
        return list(benchmarks), []
    chosen: set[str] = set()
    unmatched: list[str] = []
    for pattern in patterns:
        hits = {
            name
            for name, (module, _fn) in benchmarks.items()
            if fnmatch.fnmatchcase(name, pattern)
            or module in (f"{pattern}.py", f"bench_{pattern}.py")
        }
        if not hits:
            unmatched.append(pattern)
        chosen |= hits
    return [name for name in benchmarks if name in chosen], unmatched


def _describe(exc: BaseException) -> str:
    """One line for an exception: its type and message."""
    return f"{type(exc).__name__}: {exc}"


def run_one(name: str, fn: Callable[[bool], BenchResult], quick: bool) -> BenchResult:
    """Call one benchmark and check that it returned a ``BenchResult``."""
    result = fn(quick)
    # Compare by shape, not class identity: a module loaded twice has a second class.
    if not all(hasattr(result, a) for a in ("name", "value", "baseline", "unit", "as_dict")):
        raise TypeError(f"{name} returned {type(result).__name__}, not BenchResult")
    return result


def _fmt(x: float) -> str:
    """A number for the table: four significant figures."""
    return f"{x:.4g}"


def print_table(rows: list[tuple[str, BenchResult | None]], out: TextIO) -> None:
    """A plain-text table, one row per benchmark; failed ones say FAILED."""
    header = ("benchmark", "value", "baseline", "ratio", "unit", "note")
    lines: list[tuple[str, ...]] = [header]
    for name, result in rows:
        if result is None:
            lines.append((name, "FAILED", "", "", "", "see error above"))
        else:
            lines.append(
                (
                    result.name,
                    _fmt(result.value),
                    _fmt(result.baseline),
                    f"{result.ratio:.2f}x",
                    result.unit,
                    result.note,
                )
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    for i, line in enumerate(lines):
        cells = [
            cell.ljust(w) if c in (0, 4) else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(line[:-1], widths, strict=True))
        ]
        print("  ".join([*cells, line[-1]]).rstrip(), file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths) + "  ----", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen benchmarks, print them; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Run bench_*.py benchmarks; figures are ratios against a baseline "
        "measured in the same run.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--dir", type=Path, default=HERE, help="folder holding bench_*.py (default: %(default)s)"
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="benchmark names, globs or module names"
    )
    args = parser.parse_args(argv)

    directory: Path = args.dir.resolve()
    if not directory.is_dir():
        parser.error(f"--dir {directory} is not a folder")
    found = discover(directory)
    for error in found.errors:
        print(f"error: {error}", file=sys.stderr)
    names, unmatched = select(found.benchmarks, args.names)
    if unmatched:
        known = ", ".join(found.benchmarks) or "none"
        print(
            f"error: no benchmark matches {', '.join(unmatched)} (known: {known})", file=sys.stderr
        )
        return EXIT_USAGE
    if not names and not found.errors:
        print(f"no benchmarks found in {directory}", file=sys.stderr)
        return EXIT_OK

    failed = bool(found.errors)
    rows: list[tuple[str, BenchResult | None]] = []
    for name in names:
        module, fn = found.benchmarks[name]
        try:
            result: BenchResult | None = run_one(name, fn, args.quick)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - report, then carry on with the rest
            failed = True
            result = None
            print(f"error: {name} ({module}) failed: {_describe(exc)}", file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
        if args.json:
            if result is not None:
                print(json.dumps(result.as_dict(), allow_nan=False), flush=True)
        else:
            rows.append((name, result))
    if not args.json:
        title = "AAL Desktop benchmarks" + (" (quick)" if args.quick else "")
        print(f"{title}: ratio = value / baseline, both measured in this run\n")
        print_table(rows, sys.stdout)
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
