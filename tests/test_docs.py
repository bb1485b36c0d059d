"""docs/ stands alone and stays true: every command is documented, every example is valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from aal_desktop.cli.main import main
from aal_desktop.core.migration import apply_plan
from aal_desktop.core.migration_plan import OP_NAMES, parse_plan
from aal_desktop.core.plan_format import PLAN_EXAMPLE, PLAN_FORMAT_HELP
from aal_desktop.core.schema import default_schema, parse_schema
from aal_desktop.services.deployments import evaluate_gates

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLI_MD = (DOCS / "CLI.md").read_text(encoding="utf-8")


def example(name: str) -> str:
    """The fenced block right after `<!-- example: NAME -->` in docs/CLI.md."""
    m = re.search(rf"<!-- example: {re.escape(name)} -->\n```\w*\n(.*?)```", CLI_MD, re.S)
    assert m is not None, f"docs/CLI.md has no example '{name}'"
    return m.group(1)


def help_entries(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Sub-command names listed by `aal ARGV --help` (argparse's positional choices)."""
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    if "positional arguments:" not in text:
        return []
    section = text.split("positional arguments:", 1)[1].split("\noptions:", 1)[0]
    return [m.group(1) for m in re.finditer(r"^    ([a-z][a-z-]*)(?:\s|$)", section, re.M)]


def test_every_command_and_action_is_in_the_cli_reference(capsys) -> None:
    commands = help_entries([], capsys)
    assert {"init", "doc", "region", "release", "model"} <= set(commands)
    missing = []
    for command in commands:
        if f"`aal {command}" not in CLI_MD:
            missing.append(command)
        for action in help_entries([command], capsys):
            if f"`aal {command} {action}" not in CLI_MD:
                missing.append(f"{command} {action}")
    assert missing == []


def test_label_schema_example_is_a_valid_schema() -> None:
    schema = parse_schema(example("label-schema"), "label-schema.yaml")
    assert [c.key for c in schema.classes] == ["title", "text", "caption", "table"]
    table = schema.require("table")
    assert [a.type.value for a in table.attributes] == ["bool", "enum", "text", "number"]
    assert schema.require("caption").parent == "text"


def test_migration_plan_example_is_the_help_text_and_applies_to_the_default_schema() -> None:
    assert example("migration-plan") == PLAN_EXAMPLE
    assert PLAN_EXAMPLE in PLAN_FORMAT_HELP
    plan = parse_plan(PLAN_EXAMPLE, "plan.yaml")
    assert sorted({op.op for op in plan.operations}) == sorted(OP_NAMES)
    after = apply_plan(default_schema(), plan)
    keys = {c.key for c in after.classes}
    assert {"heading", "note", "checklist_item", "signature"} <= keys
    assert {"section_header", "footnote", "page_footer"}.isdisjoint(keys)
    assert after.require("formula").deprecated
    assert after.require("table").attributes == []


def test_metrics_example_passes_the_gates_the_page_names() -> None:
    metrics = json.loads(example("metrics"))
    results = evaluate_gates(["mAP>=0.8", "val.recall>0.85"], metrics)
    assert [r.passed for r in results] == [True, True]
    assert evaluate_gates(["val.mAP>=0.9"], metrics)[0].passed is False


def test_class_map_example_maps_labels_to_default_schema_keys() -> None:
    mapping = yaml.safe_load(example("class-map"))
    keys = {c.key for c in default_schema().classes}
    assert isinstance(mapping, dict) and len(mapping) == len(keys)
    assert set(mapping.values()) == keys


def test_repo_stands_alone() -> None:
    """README and docs link only to files in the repo, and every linked doc exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("ARCHITECTURE.md", "CLI.md", "GLOSSARY.md", "TESTING.md"):
        assert f"docs/{name}" in readme
        assert (DOCS / name).is_file()
    for path in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert "shared/CLI.md" not in text and "DESIGN.md" not in text, path.name


def test_glossary_defines_each_term() -> None:
    glossary = (DOCS / "GLOSSARY.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### (.+)$", glossary, re.M))
    for term in (
        "Document",
        "Page",
        "Region",
        "Class",
        "Event",
        "Correction",
        "Release",
        "Member",
        "Bundle",
        "Adjudicated set",
        "Proposal, pre-label",
        "Dataset version",
        "Database version (`db_version`)",
        "Label schema, label schema version",
        "Upgrade (database) vs migration (label schema)",
    ):
        assert term in headings, term


def test_schema_migrate_help_documents_the_plan_format(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["schema", "migrate", "--help"])
    out = capsys.readouterr().out
    assert "from_version: 1" in out and "op: rename_attribute" in out
