"""Entry point of `aal`: global options, the table of commands, exit codes (CLI.md)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import NamedTuple, TextIO

from ..core.errors import AalError
from ..core.names import printable

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every argument it adds; left to find the width
        # itself, the first one imports shutil (and bz2, lzma, zlib with it)
        # (typeshed types formatter_class as taking prog alone; every HelpFormatter takes width)
        return self.formatter_class(prog=self.prog, width=_terminal_width() - 2)  # type: ignore[call-arg]


@functools.cache
def _terminal_width() -> int:
    """What shutil.get_terminal_size() would say: COLUMNS, else the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


# Each command module, imported only when one of its commands runs (`aal --version` and
# `aal doc list` must not pay for scipy, pandas, pyarrow or PyMuPDF).
def _init() -> ModuleType:
    from . import init

    return init


def _documents() -> ModuleType:
    from . import documents

    return documents


def _events() -> ModuleType:
    from . import events

    return events


def _audit() -> ModuleType:
    from . import audit

    return audit


def _gui() -> ModuleType:
    from . import gui

    return gui


def _models() -> ModuleType:
    from . import models

    return models


def _versions() -> ModuleType:
    from . import versions

    return versions


def _schema() -> ModuleType:
    from . import schema

    return schema


def _lineage() -> ModuleType:
    from . import lineage

    return lineage


def _report() -> ModuleType:
    from . import report

    return report


def _prelabel() -> ModuleType:
    from . import prelabel

    return prelabel


def _agreement() -> ModuleType:
    from . import agreement

    return agreement


def _regions() -> ModuleType:
    from . import regions

    return regions


def _release() -> ModuleType:
    from . import release

    return release


def _review() -> ModuleType:
    from . import review

    return review


def _users() -> ModuleType:
    from . import users

    return users


def _keys() -> ModuleType:
    from . import keys

    return keys


def _team() -> ModuleType:
    from . import team

    return team


def _stats() -> ModuleType:
    from . import stats

    return stats


def _history() -> ModuleType:
    from . import history

    return history


def _annotations() -> ModuleType:
    from . import annotations

    return annotations


class Command(NamedTuple):
    """A top-level command: the module that registers it and its line in `aal --help`.

    A named tuple, not a dataclass: `aal --version` then never imports dataclasses (and
    inspect with it, a fifth of its start)."""

    load: Callable[[], ModuleType]
    help: str


# Every top-level command, in the order `aal --help` lists them.
COMMANDS: dict[str, Command] = {
    "init": Command(_init, "create or upgrade the project database (idempotent)"),
    "doc": Command(_documents, "import and manage PDF documents"),
    "events": Command(_events, "the append-only event log"),
    "audit": Command(_audit, "check the event log"),
    "gui": Command(_gui, "open the window, or save a screenshot of it and exit"),
    "model": Command(_models, "model registry, deployments and retirement"),
    "version": Command(_versions, "dataset versions and releases"),
    "schema": Command(_schema, "label schema versions"),
    "lineage": Command(
        _lineage,
        "what trained a model, which models used a version, what served an environment at a time",
    ),
    "report": Command(_report, "technical documentation of a model (Markdown, HTML or PDF)"),
    "prelabel": Command(_prelabel, "propose regions with the layout model (pymupdf.layout)"),
    "accept-prelabels": Command(
        _prelabel, "confirm pending pre-labels of a document or page as they are"
    ),
    "agreement": Command(_agreement, "inter-annotator agreement on double-annotated documents"),
    "adjudicate": Command(_agreement, "decide disagreements into the adjudicated set (leads)"),
    "region": Command(_regions, "labelled regions of pages"),
    "annotations": Command(_annotations, "import annotations made with other tools"),
    "undo": Command(_history, "take back your last change (as new events)"),
    "redo": Command(_history, "bring back the change you last undid"),
    "release": Command(_release, "write a dataset version as a release folder, or verify one"),
    "review": Command(_review, "accept or revert region changes (leads)"),
    "user": Command(_users, "people and their roles"),
    "key": Command(_keys, "your signing key (team sync)"),
    "stats": Command(_stats, "class distribution and counts (a version, or live data)"),
    "team": Command(_team, "work as a team over shared storage (a folder or s3://…)"),
}
# Global options that take a value: skipped when looking for the command in argv.
_VALUE_OPTIONS = {"--db", "--user"}


def requested_command(argv: Sequence[str]) -> str | None:
    """The top-level command named in argv (None for `aal`, `aal --help`, `aal --version`)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUE_OPTIONS:
            skip = True
        elif token == "--":
            continue
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


@contextlib.contextmanager
def _catalogue_looked_up_once() -> Iterator[None]:
    """argparse passes each of its words through gettext, which searches the disk for a
    message catalogue on every call (a few stat calls each, about seventy calls: a third
    of `aal doc list` once imported); where it looks cannot change while a parser is built."""
    import gettext

    find = gettext.find
    gettext.find = functools.cache(find)  # type: ignore[assignment]  # same signature
    try:
        yield
    finally:
        gettext.find = find


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `aal` parser: `command`'s module registers its real parsers, every other
    command is a one-line placeholder so `aal --help` lists them without importing them."""
    with _catalogue_looked_up_once():
        return _build_parser(command)


def _build_parser(command: str | None) -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="aal", description="AAL Desktop: PDF layout labelling, datasets, models.")
    parser.add_argument(
        "--db",
        default=os.environ.get("AAL_DB"),
        help="project database (default: AAL_DB or the user data folder)",
    )
    parser.add_argument(
        "--user",
        default=os.environ.get("AAL_USER"),
        help="acting user (default: AAL_USER or your login name)",
    )
    parser.add_argument("--version", action="version", version=f"aal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = COMMANDS[command].load if command in COMMANDS else None
    for name, cmd in COMMANDS.items():
        if name in sub.choices:
            continue  # registered with another command of its module
        if cmd.load is wanted:
            cmd.load().register(sub)
        else:
            sub.add_parser(name, help=cmd.help, add_help=False)
    return parser


class _Printable:
    """A text stream that drops terminal escape codes and control characters (all but line
    breaks) from what it is given: names and reasons come from people, and one holding
    ESC ] 0; or ESC [2J must not drive the terminal of whoever lists them. JSON is not
    changed by it (json escapes control characters itself)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        parts = _BREAKS.split(text)
        self._stream.write("".join(p if p in ("\n", "\r") else printable(p) for p in parts))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


_BREAKS = re.compile(r"([\n\r])")


def main(argv: list[str] | None = None) -> int:
    """`aal ARGS`; argv None: the command line (this is the program, not a call from tests
    or a script, which a command like `gui --screenshot` may then end itself)."""
    own_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(out), _Printable(err)  # type: ignore[assignment]
    try:
        return _main(argv, own_process)
    finally:
        sys.stdout, sys.stderr = out, err


def _show_mupdf_messages_on_stderr() -> None:
    """MuPDF's own messages (collected from the PDF workers) go to stderr, never stdout, so
    `--json` output stays one JSON document."""
    import logging

    log = logging.getLogger("aal_desktop.pdf.mupdf")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("MuPDF: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def _main(argv: list[str], own_process: bool = False) -> int:
    parser = build_parser(requested_command(argv))
    args = parser.parse_args(argv)
    args.own_process = own_process
    if not getattr(args, "no_pdf", False):  # a command that opens no PDF skips `logging`
        _show_mupdf_messages_on_stderr()
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(handler(args) or 0)
    except AalError as exc:
        print(f"aal: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("aal: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        print(f"aal: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        failure = _database_failure(exc, args)
        if failure is None:
            raise
        print(f"aal: {failure}", file=sys.stderr)
        return EXIT_ERROR


def _database_failure(exc: Exception, args: argparse.Namespace) -> AalError | None:
    """A SQLite failure (full disk, read-only file, I/O error, lock past the time-out) met
    outside a service's transaction, as one line naming the database; None for a bug."""
    from ..services.project import database_failure, default_db_path

    path = getattr(args, "db", None) or default_db_path()
    return database_failure(exc, path)


if __name__ == "__main__":
    sys.exit(main())
