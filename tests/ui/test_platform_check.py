"""The start-up check names the system libraries Qt's platform plugin lacks (no Qt needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.ui import platform_check


def test_offscreen_needs_nothing_from_the_system() -> None:
    assert platform_check.check({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_no_display_is_said_plainly() -> None:
    problem = platform_check.check({})
    assert problem is not None
    assert "DISPLAY is not set" in problem.message
    assert "QT_QPA_PLATFORM=offscreen" in problem.message


def test_missing_libraries_give_install_lines_for_debian_and_fedora(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform_check, "plugin_path", lambda platform: Path("/x/libqxcb.so"))
    monkeypatch.setattr(
        platform_check,
        "missing_by_ldd",
        lambda plugin: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"],
    )
    monkeypatch.setattr(
        platform_check,
        "missing_at_runtime",
        lambda platform: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"],
    )
    problem = platform_check.check({"DISPLAY": ":0"})
    assert problem is not None
    assert problem.missing == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0")
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in problem.message
    assert "sudo dnf install xcb-util-cursor xcb-util-keysyms xcb-util-wm" in problem.message


def test_platform_follows_the_session() -> None:
    assert platform_check.chosen_platform({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_check.chosen_platform({"WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert platform_check.chosen_platform({"DISPLAY": ":0"}) == "xcb"


def test_the_real_plugin_is_found_and_read() -> None:
    plugin = platform_check.plugin_path("xcb")
    if plugin is None:
        pytest.skip("this PySide6 build has no xcb plugin")
    assert plugin.name == "libqxcb.so"
    missing = platform_check.missing_by_ldd(plugin)
    assert all(name.startswith("lib") and ".so" in name for name in missing)


def test_app_refuses_to_start_with_the_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aal_desktop.ui import app

    problem = platform_check.PlatformProblem("xcb", ("libxcb-icccm.so.4",), "install libxcb-icccm4")
    monkeypatch.setattr(platform_check, "check", lambda env=None: problem)
    folder = tmp_path / "never-created"
    assert app.main(["--db", str(folder / "aal.sqlite3")]) == 1
    assert "install libxcb-icccm4" in capsys.readouterr().err
    assert not folder.exists()  # refused before anything was opened or made


def test_the_launcher_says_what_to_install_before_any_qt_module_loads() -> None:
    """`aal-desktop` and `dev.py app` check first: a missing libEGL would already break
    `import PySide6.QtGui`, with a traceback instead of the message."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from aal_desktop.ui import platform_check as p\n"
        "p.check = lambda env=None: p.PlatformProblem('xcb', ('libEGL.so.1',), "
        "'install libegl1')\n"
        "code = p.launch([])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "1 []", done.stdout + done.stderr
    assert done.stderr.strip() == "aal-desktop: install libegl1"
    dev = (root / "dev.py").read_text(encoding="utf-8")
    assert "platform_check import launch" in dev
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'aal-desktop = "aal_desktop.ui.platform_check:launch"' in pyproject
