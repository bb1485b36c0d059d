"""Make Qt unimportable for the tests that must not need it, so a stray Qt import fails a test.

`python3 dev.py test` runs pytest twice: once with AAL_NO_QT=1 over every test not marked `qt`
(Qt blocked before any test module loads), once with Qt over the tests marked `qt`. Tests under
tests/ui/ and tests asking for a pytest-qt fixture are marked `qt` here; mark any other test
that needs Qt with `@pytest.mark.qt`.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

QT_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph")
QT_FIXTURES = frozenset({"qtbot", "qapp", "qapp_args", "qtmodeltester", "qtlog"})


def qt_blocked() -> bool:
    return os.environ.get("AAL_NO_QT") == "1"


class QtBlocker(importlib.abc.MetaPathFinder):
    """A finder that answers every Qt import with the error Python gives when Qt is absent."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: object = None
    ) -> None:
        if fullname.split(".")[0] in QT_PACKAGES:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (Qt is blocked: AAL_NO_QT=1 checks that this code"
                " runs without Qt)",
                name=fullname,
            )
        return None


def block_qt() -> None:
    """Install the blocker first on sys.meta_path; refuse if Qt got in already."""
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in QT_PACKAGES)
    if loaded:
        raise RuntimeError(f"Qt was imported before the blocker: {', '.join(loaded[:3])}")
    if not any(isinstance(f, QtBlocker) for f in sys.meta_path):
        sys.meta_path.insert(0, QtBlocker())


def mark_qt_tests(items: list[pytest.Item], ui_dir: Path) -> None:
    """Mark `qt` the tests under tests/ui/ and those using pytest-qt's fixtures."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if ui_dir in Path(item.path).parents or fixtures & QT_FIXTURES:
            item.add_marker(pytest.mark.qt)
