"""`aal-desktop --install-desktop-entry`: a menu entry and icon under $XDG_DATA_HOME."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, data_home: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_DATA_HOME")
    }
    env["HOME"] = str(tmp_path / "home")
    if data_home is not None:
        env["XDG_DATA_HOME"] = data_home
    return subprocess.run(
        [sys.executable, "-m", "aal_desktop.ui.app", "--install-desktop-entry"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_desktop_entry_writes_the_entry_and_icons_under_xdg_data_home(tmp_path):
    share = tmp_path / "xdg-data"
    done = _run(tmp_path, str(share))  # no display: it never starts Qt's GUI
    assert done.returncode == 0, done.stderr
    entry = share / "applications" / "aal-desktop.desktop"
    png = share / "icons" / "hicolor" / "256x256" / "apps" / "aal-desktop.png"
    svg = share / "icons" / "hicolor" / "scalable" / "apps" / "aal-desktop.svg"
    assert entry.is_file() and png.is_file() and svg.is_file()
    assert f"installed {entry}" in done.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry, encoding="utf-8")
    section = parser["Desktop Entry"]
    assert section["Name"] == "AAL Desktop" and section["Icon"] == "aal-desktop"
    command = section["Exec"].removesuffix(" %F")
    program = command.split()[0]
    assert os.path.isabs(program) and Path(program).exists()  # no PATH needed
    assert section["TryExec"] == program
    # the command in the entry really starts this installation
    args = command.split()[1:] + ["--help"]
    shown = subprocess.run(
        [program, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0 and "--install-desktop-entry" in shown.stdout
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True
        )
        assert "error" not in check.stdout.lower(), check.stdout


def test_without_xdg_data_home_it_uses_the_home_folder(tmp_path):
    done = _run(tmp_path, None)
    assert done.returncode == 0, done.stderr
    assert (
        tmp_path / "home" / ".local" / "share" / "applications" / "aal-desktop.desktop"
    ).is_file()


@pytest.mark.parametrize("relative", ["relative/share"])
def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(tmp_path, relative):
    done = _run(tmp_path, relative)
    assert done.returncode == 0, done.stderr
    assert not (ROOT / relative).exists()
    assert (
        tmp_path / "home" / ".local" / "share" / "applications" / "aal-desktop.desktop"
    ).is_file()
