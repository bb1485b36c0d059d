"""dev.py's switches name real rules, and its Qt-free pass never loads tests/ui/."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
assert _spec is not None and _spec.loader is not None
dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dev)


def test_pending_switches_name_existing_contracts_and_packages() -> None:
    ids = dev._contract_ids()
    assert {"layers", "no-store-above-services", "core-pure", "qt-only-in-ui"} <= set(ids)
    assert set(ids) >= set(dev.PENDING_CONTRACTS)
    assert "core-pure" not in set(dev.PENDING_CONTRACTS)  # kept today: must stay enforced
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    checked = {Path(f).name.removesuffix(".py") for f in mypy["files"]}
    assert checked >= set(dev.PENDING_MYPY)
    assert {"core", "pdf"}.isdisjoint(set(dev.PENDING_MYPY))
    # every package and top-level module is type-checked (importers/ was left out once)
    package = ROOT / "aal_desktop"
    parts = {p.name.removesuffix(".py") for p in package.iterdir() if p.name != "__init__.py"}
    parts = {n for n in parts if (package / n).is_dir() or (package / f"{n}.py").is_file()}
    assert parts - {"__pycache__"} <= checked, sorted(parts - checked)


def test_qt_free_pass_drops_only_paths_under_tests_ui() -> None:
    assert dev._without_ui_paths([]) == []
    assert dev._without_ui_paths(["-q", "-x", "tests/test_store.py"]) == [
        "-q",
        "-x",
        "tests/test_store.py",
    ]
    assert dev._without_ui_paths(["tests/ui/test_session.py::test_x", "tests/test_store.py"]) == [
        "tests/test_store.py"
    ]
    assert dev._without_ui_paths(["-q", "tests/ui"]) is None
    assert dev._without_ui_paths(["-k", "tests", "-q"]) == ["-k", "tests", "-q"]
