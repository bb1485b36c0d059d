"""The `aal` command per CLI.md: names, JSON on stdout only, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.cli.main import main

from .conftest import make_pdf

ROOT = Path(__file__).resolve().parents[1]


class Aal:
    """Runs `aal --db … --user …` in-process and returns (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *args: str, user: str = "lead1") -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--db", str(self.db), "--user", user, *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, user: str = "lead1") -> object:
        code, out, err = self(*args, "--json", user=user)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    runner = Aal(tmp_path / "p" / "aal.sqlite3", capsys)
    assert runner("init")[0] == 0  # an explicit --db must exist: `aal init` makes it
    return runner


def test_init_is_idempotent(aal: Aal) -> None:
    assert aal("init")[0] == 0
    info = aal.json("init")
    assert info["role"] == "lead" and Path(info["database"]).exists()


def test_documents_users_and_status(aal: Aal, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", pages=2)
    (imported,) = aal.json("doc", "import", str(pdf), "--source", "scan", "--license", "CC0")
    assert imported["status"] == "imported" and imported["pages"] == 2
    code, out, _ = aal("doc", "import", str(pdf))
    assert code == 0 and "already present" in out
    (doc,) = aal.json("doc", "list")
    assert doc["source"] == "scan" and doc["regions"] == 0
    shown = aal.json("doc", "show", doc["sha256"][:10])
    assert [p["page"] for p in shown["pages"]] == [1, 2]
    assert aal.json("user", "add", "ann", "--role", "annotator")["role"] == "annotator"
    assert {u["name"] for u in aal.json("user", "list")} == {"lead1", "ann"}
    code, _, err = aal("doc", "status", "1", "approved", user="ann")
    assert code == 1 and err.count("\n") == 1 and "only a lead" in err
    assert aal("doc", "status", "1", "submitted", user="ann")[0] == 0
    assert aal.json("doc", "status", "1", "approved")["status"] == "approved"
    assert [d["id"] for d in aal.json("doc", "list", "--status", "approved")] == [1]


def test_region_commands_and_history(aal: Aal, tmp_path: Path) -> None:
    aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))
    code, out, _ = aal(
        "region", "add", "1", "1", "60", "80", "300", "110", "text", "--reason", "first pass"
    )
    rid = out.strip()
    assert code == 0 and len(rid) == 36
    assert aal("region", "relabel", rid, "title", "--reason", "bigger font")[0] == 0
    assert aal("region", "move", rid, "65", "85", "200", "108")[0] == 0
    assert aal("region", "delete", rid, "--reason", "dup")[0] == 0
    assert aal.json("region", "list") == []
    assert aal("region", "restore", rid)[0] == 0
    (listed,) = aal.json("region", "list", "--doc", "1", "--page", "1")
    assert listed["class_key"] == "title" and listed["page"] == 1
    assert listed["text"] == "Hello world" and listed["box"] == [65, 85, 200, 108]
    history = aal.json("region", "history", rid)
    assert [e["kind"] for e in history] == [
        "region.create",
        "region.relabel",
        "region.move",
        "region.delete",
        "region.restore",
    ]
    assert history[1]["original"]["class_key"] == "text"
    assert history[1]["new"]["class_key"] == "title" and history[1]["reason"] == "bigger font"


def test_user_errors_exit_1_with_one_line(aal: Aal, tmp_path: Path) -> None:
    aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))
    for args in (
        ["region", "add", "1", "1", "0", "0", "9000", "10", "text"],
        ["region", "add", "1", "1", "0", "0", "10", "10", "nope"],
        ["region", "add", "1", "7", "0", "0", "10", "10", "text"],
        ["region", "relabel", "missing-id", "text"],
        ["doc", "show", "deadbeefdeadbeef"],
        ["schema", "import", str(tmp_path / "missing.yaml")],
    ):
        code, out, err = aal(*args)
        assert code == 1, args
        assert out == "" and err.startswith("aal: ") and err.count("\n") == 1, (args, err)


def test_bad_usage_exits_2(aal: Aal) -> None:
    assert aal("region", "add", "1")[0] == 2
    assert aal("no-such-command")[0] == 2


def test_events_filters_and_audit(aal: Aal, tmp_path: Path) -> None:
    aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))
    aal("user", "add", "ann", "--role", "annotator")
    rid = aal("region", "add", "1", "1", "60", "80", "300", "110", "text", user="ann")[1].strip()
    aal("region", "relabel", rid, "title", user="lead1")
    assert len(aal.json("events", "list")) == 2
    assert [e["user"] for e in aal.json("events", "list", "--user", "ann")] == ["ann"]
    assert [e["kind"] for e in aal.json("events", "list", "--change-type", "corrective")] == [
        "region.relabel"
    ]
    assert len(aal.json("events", "list", "--kind", "region.create", "--doc", "1")) == 1
    assert aal.json("events", "list", "--since", "2999-01-01") == []
    assert aal.json("audit", "verify")["ok"] is True


def test_schema_commands(aal: Aal, tmp_path: Path) -> None:
    exported = tmp_path / "s.yaml"
    assert aal("schema", "export", "-o", str(exported))[0] == 0
    text = exported.read_text().replace("name: DocLayNet layout", "name: DocLayNet v2")
    exported.write_text(text)
    assert aal.json("schema", "import", str(exported))["version"] == 2
    versions = aal.json("schema", "list")
    assert [(v["version"], v["status"], v["current"]) for v in versions] == [
        (1, "published", True),
        (2, "draft", False),
    ]
    assert aal("schema", "publish", user="ann")[0] == 1  # ann becomes an annotator
    assert aal.json("schema", "publish")["status"] == "published"
    assert aal.json("schema", "show")["name"] == "DocLayNet v2"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("hotkey: t", "hotkey: c"))
    code, _, err = aal("schema", "import", str(bad))
    assert code == 1 and "bad.yaml" in err and "hotkey 'c'" in err


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    """`python -m aal_desktop.cli.main` is what the `aal` script runs."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "aal_desktop.cli.main",
            "--db",
            str(tmp_path / "x.sqlite3"),
            "init",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["db_version"] >= 1


def _top_level_help(parser: object) -> dict[str, str]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {a.dest: str(a.help) for a in sub._choices_actions}


def test_every_command_module_registers_what_the_table_lists() -> None:
    """The help line `aal --help` shows without importing a module is the one the module
    registers, and loading one command's module leaves every other command listed."""
    from aal_desktop.cli.main import COMMANDS, build_parser

    listed = _top_level_help(build_parser())
    assert listed == {name: cmd.help for name, cmd in COMMANDS.items()}
    for name in COMMANDS:
        parser = build_parser(name)
        helps = _top_level_help(parser)
        assert list(helps) == list(COMMANDS), name
        assert helps[name] == COMMANDS[name].help, name
        import argparse

        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        real = sub.choices[name]
        assert real.add_help, f"{name} is still a placeholder after loading its module"


def test_parsers_built_again_and_again_never_conflict() -> None:
    """Parsers are built per call (tests build hundreds); a dead parser's groups must never
    be reused, even when Python reuses its object ids ("conflicting subparser"). A cache
    keyed on id(sub) failed here within ~20 rounds."""
    import argparse

    from aal_desktop.cli.common import group
    from aal_desktop.cli.main import build_parser

    for _ in range(300):
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        group(sub, "doc", "documents").add_parser("list")
        assert group(sub, "doc", "documents").add_parser("show") is not None
        assert set(sub.choices["doc"]._subparsers._group_actions[0].choices) == {"list", "show"}
        del parser, sub
    commands = {
        "doc": ["list"],
        "schema": ["list"],
        "audit": ["verify"],
        "version": ["list"],
        "region": ["list", "--doc", "1"],
    }
    for _ in range(10):
        for name, rest in commands.items():
            assert build_parser(name).parse_args([name, *rest]).command == name


@pytest.mark.parametrize("argv", [["--version"], ["doc", "list"]])
def test_quick_commands_import_only_their_own_module(tmp_path: Path, argv: list[str]) -> None:
    """`aal --version` and `aal doc list` load no other command's module and none of the
    heavy libraries (scipy, pandas, pyarrow, PyMuPDF, Qt)."""
    db = tmp_path / "x.sqlite3"
    code = (
        "import sys\n"
        "from aal_desktop.cli.main import main\n"
        "try:\n"
        f"    main(['--db', {str(db)!r}, '--user', 'lead1', *{argv!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('scipy', 'pandas', 'pyarrow', 'pymupdf', 'PySide6', 'numpy', 'sqlite_utils')\n"
        "cli = sorted(m for m in sys.modules if m.startswith('aal_desktop.cli.'))\n"
        "print(','.join(m for m in heavy if m in sys.modules) + '|' + ','.join(cli),"
        " file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    heavy, cli = out.stderr.strip().splitlines()[-1].split("|")
    assert heavy == ""
    expected = {"aal_desktop.cli.main"}
    if argv[0] == "doc":
        expected |= {"aal_desktop.cli.common", "aal_desktop.cli.documents"}
    assert set(cli.split(",")) == expected


@pytest.mark.parametrize("columns", [None, "", "abc", "-3", "40", "132"])
def test_help_is_as_wide_as_shutil_would_make_it(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    """The parser finds the terminal's width itself (importing shutil cost a cold command
    ~4 ms); it must agree with shutil.get_terminal_size() and wrap help to it."""
    import shutil

    from aal_desktop.cli import main as cli_main

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    cli_main._terminal_width.cache_clear()
    try:
        width = shutil.get_terminal_size().columns
        assert cli_main._terminal_width() == width
        text = cli_main.build_parser("doc").format_help()
        assert max(len(line) for line in text.splitlines()) <= max(width, 60) - 2
    finally:
        cli_main._terminal_width.cache_clear()


def test_building_the_parser_leaves_gettext_as_it_was() -> None:
    """The parser is built with gettext's catalogue search remembered (cli/main.py), and
    gettext is given back untouched: later messages are looked up as before."""
    import gettext

    from aal_desktop.cli.main import build_parser

    before = gettext.find
    help_text = build_parser("doc").format_help()
    assert gettext.find is before
    assert "COMMAND" in help_text and "--version" in help_text
    assert build_parser("doc").format_help() == help_text


def test_version_loads_no_more_than_the_parser() -> None:
    """`aal --version` answers from the parser alone: no records, no logging, no dataclasses
    (and the inspect module they import)."""
    code = (
        "import sys\n"
        "from aal_desktop.cli.main import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "watched = ('pydantic', 'logging', 'dataclasses', 'inspect', 'sqlite3')\n"
        "print(','.join(m for m in watched if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.startswith("aal ")
    assert out.stderr.strip() == ""
