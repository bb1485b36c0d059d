"""The domain, store, pdf, services and export layers never import Qt (STYLE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aal_desktop"
PURE = ["core", "store", "pdf", "services", "export", "cli"]
QT = ("PySide6", "pyqtgraph", "shiboken6")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", PURE)
def test_layer_does_not_import_qt(layer: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        if layer == "cli" and path.name == "gui.py":
            continue  # `aal gui` opens the window, lazily, inside its handler
        for name in imported_modules(path):
            if name.split(".")[0] in QT:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_cli_starts_without_loading_qt_or_pymupdf() -> None:
    """`aal --help` must stay quick: no Qt, no PyMuPDF (~1 s) on its import path, nor on the
    path of any command's parser (every command module is loaded here)."""
    code = (
        "import sys; from aal_desktop.cli.main import COMMANDS, build_parser; "
        "[build_parser(name) for name in COMMANDS]; "
        "print(','.join(m for m in ('PySide6', 'pymupdf', 'pyqtgraph') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent, check=True
    )
    assert out.stdout.strip() == ""


def _imports_with_level(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(0, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_cli_never_imports_store() -> None:
    """The command line goes through services (issue 12): store/ may become PostgreSQL."""
    offenders = []
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        for level, name in _imports_with_level(path):
            if (level == 2 and name.split(".")[0] == "store") or name.startswith(
                "aal_desktop.store"
            ):
                offenders.append(f"{path.name} imports {'.' * level}{name}")
    assert offenders == []


# Services whose SQL moved into store/ (issue 12); the others follow as they are moved.
SQL_FREE_SERVICES = [
    "documents",
    "schemas",
    "schema_history",
    "users",
    "project",
    "text",
    "quality",
    "audit",
    "agreement",
    "migrations",
    "review",
    "prelabel",
]


@pytest.mark.parametrize("name", SQL_FREE_SERVICES)
def test_service_runs_no_sql_itself(name: str) -> None:
    """Every statement of these services is a store function: no execute/query of its own."""
    tree = ast.parse((PACKAGE / "services" / f"{name}.py").read_text(encoding="utf-8"))
    calls = [
        f"line {node.lineno}: .{node.func.attr}("
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"execute", "executemany", "executescript", "query"}
    ]
    assert calls == []
