"""storage/ and identity/ sit below services: no Qt, no store, no services, no UI; the bundle
and signing modules of core do no I/O at all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "aal_desktop"


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("layer", ["storage", "identity"])
def test_low_layers_import_nothing_above_them(layer: str) -> None:
    banned = (
        "PySide6",
        "pyqtgraph",
        "..store",
        "..services",
        "..ui",
        "..cli",
        "..export",
        "aal_desktop.store",
        "aal_desktop.services",
        "aal_desktop.ui",
    )
    offenders = [
        f"{p.name} imports {n}"
        for p in sorted((PACKAGE / layer).rglob("*.py"))
        for n in imports(p)
        if n.startswith(banned)
    ]
    assert offenders == []


@pytest.mark.parametrize("module", ["bundle.py", "signing.py"])
def test_bundle_and_signing_do_no_io(module: str) -> None:
    source = (PACKAGE / "core" / module).read_text(encoding="utf-8")
    names = imports(PACKAGE / "core" / module)
    assert not [
        n
        for n in names
        if n.split(".")[0] in {"os", "pathlib", "io", "socket", "sqlite3", "sqlite_utils", "shutil"}
    ]
    assert "open(" not in source
