"""`aal-desktop --install-desktop-entry`: the menu entry and icon for one user (freedesktop).

After `pipx install .` the launcher lives in a private venv whose bin folder the desktop
session may not search, so the entry's Exec= names the launcher by its absolute path. Files
go under $XDG_DATA_HOME (default ~/.local/share): applications/aal-desktop.desktop and
icons/hicolor/{256x256,scalable}/apps/aal-desktop.*. Needs no Qt.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from ..resources import resource, resources_dir

ENTRY = "aal-desktop.desktop"


def data_home() -> Path:
    """$XDG_DATA_HOME when set to an absolute path (the spec ignores relative ones)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher() -> list[str]:
    """How to start the app: the `aal-desktop` launcher that is running, the one beside this
    Python, on PATH, or `python -m aal_desktop.ui.app` when none exists (a source checkout)."""
    running = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if running is not None and running.name == "aal-desktop" and running.is_file():
        return [str(running.resolve())]
    beside = Path(sys.executable).with_name("aal-desktop")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("aal-desktop")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "aal_desktop.ui.app"]


def _template() -> str:
    for candidate in (resource(ENTRY), resources_dir().parent / "packaging" / ENTRY):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{ENTRY} is not shipped with this installation")


def entry_text(command: list[str]) -> str:
    """The shipped entry with Exec= and TryExec= pointing at this installation."""
    exec_line = " ".join(shlex.quote(c) for c in command)
    lines = []
    for line in _template().splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line} %F"
        elif line.startswith("TryExec="):
            line = f"TryExec={command[0]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(root: Path | None = None) -> list[Path]:
    """Write the entry and the icons; returns the files written."""
    share = root or data_home()
    written = []
    entry = share / "applications" / ENTRY
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(entry_text(launcher()), encoding="utf-8")
    written.append(entry)
    for size, name in (("256x256", "aal-desktop-256.png"), ("scalable", "aal-desktop.svg")):
        source = resource(f"icons/{name}")
        if source.is_file():
            target = share / "icons" / "hicolor" / size / "apps" / ("aal-desktop" + source.suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    for tool, args in (
        ("update-desktop-database", [str(entry.parent)]),
        ("gtk-update-icon-cache", ["-f", "-t", str(share / "icons" / "hicolor")]),
    ):
        if shutil.which(tool):  # caches are optional: menus rescan without them
            subprocess.run([tool, *args], capture_output=True, check=False, timeout=30)
    return written


def main() -> int:
    """The command-line flag's handler: install, say where, exit 0 (1 with one clear line)."""
    try:
        written = install()
    except OSError as exc:
        print(f"aal-desktop: cannot install the desktop entry: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"installed {path}")
    return 0
