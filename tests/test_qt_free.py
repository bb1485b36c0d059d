"""The Qt blocker behind `dev.py test`'s Qt-free pass really makes Qt unimportable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .qt_free import QtBlocker, qt_blocked

ROOT = Path(__file__).resolve().parents[1]


def test_blocker_refuses_qt_and_passes_everything_else() -> None:
    blocker = QtBlocker()
    for name in ("PySide6", "PySide6.QtCore", "shiboken6", "pyqtgraph"):
        with pytest.raises(ModuleNotFoundError, match="Qt is blocked"):
            blocker.find_spec(name)
    assert blocker.find_spec("pydantic") is None
    assert blocker.find_spec("PySide6_like") is None


def test_qt_free_pass_cannot_import_qt_but_runs_the_cli() -> None:
    """In a fresh interpreter with the blocker, Qt fails to import and `aal --help` still works."""
    code = (
        "import sys; from tests.qt_free import block_qt; block_qt()\n"
        "try:\n    import PySide6.QtWidgets\nexcept ImportError:\n    print('blocked')\n"
        "from aal_desktop.cli.main import build_parser; build_parser().format_help()\n"
        "print('cli ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.splitlines() == ["blocked", "cli ok"]


@pytest.mark.skipif(not qt_blocked(), reason="only in the Qt-free pass (AAL_NO_QT=1)")
def test_this_run_has_qt_blocked() -> None:
    with pytest.raises(ImportError):
        import PySide6.QtCore  # noqa: F401
    assert "PySide6" not in sys.modules
