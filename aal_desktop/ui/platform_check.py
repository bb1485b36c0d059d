"""Before Qt starts: can its platform plugin load here? If not, say exactly what to install.

Qt aborts the whole process ("Could not load the Qt platform plugin xcb") when a system
library of its X11 plugin is missing, which a fresh Debian machine shows with five missing
packages. This module imports no Qt: it reads the plugin's dependencies with `ldd`, looks
for the libraries Qt opens at run time (libxcb-cursor), and turns what is missing into one
message with the install line for Debian/Ubuntu and Fedora.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package)
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "mesa-libEGL"),
    "libGL.so.1": ("libgl1", "mesa-libGL"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
}
# Opened with dlopen by the xcb plugin, so `ldd` cannot see them.
RUNTIME_LIBRARIES = {"xcb": ("libxcb-cursor.so.0",)}
# What a desktop needs in all, for the README and for a message that names everything at once.
DESKTOP_DEBIAN = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
    "libxkbcommon-x11-0 libegl1 libfontconfig1 libdbus-1-3"
)


@dataclass(frozen=True)
class PlatformProblem:
    """Why Qt would fail to start here, and the message that says what to do."""

    platform: str
    missing: tuple[str, ...]
    message: str


def chosen_platform(env: dict[str, str] | None = None) -> str:
    """The platform plugin Qt will pick: QT_QPA_PLATFORM, else wayland or xcb by session."""
    env = dict(os.environ) if env is None else env
    explicit = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if explicit:
        return explicit
    if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return "wayland"
    return "xcb"


def plugin_path(platform: str) -> Path | None:
    """The plugin's shared library inside the installed PySide6, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    name = {"xcb": "libqxcb.so", "wayland": "libqwayland.so"}.get(platform)
    if name is None:
        return None
    path = root / "Qt" / "plugins" / "platforms" / name
    return path if path.is_file() else None


def missing_by_ldd(library: Path) -> list[str]:
    """Sonames `ldd` reports as 'not found' for a library and its Qt dependencies."""
    if shutil.which("ldd") is None:
        return []
    targets = [library]
    qt_lib = library.parents[2] / "lib" / "libQt6XcbQpa.so.6"
    if qt_lib.is_file():
        targets.append(qt_lib)
    missing: list[str] = []
    for target in targets:
        try:
            out = subprocess.run(
                ["ldd", str(target)], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines():
            if "not found" in line:
                soname = line.split("=>")[0].strip()
                if soname and soname not in missing:
                    missing.append(soname)
    return missing


def missing_at_runtime(platform: str) -> list[str]:
    """Libraries the plugin opens itself (dlopen) that the system does not have."""
    missing = []
    for soname in RUNTIME_LIBRARIES.get(platform, ()):
        stem = soname.removeprefix("lib").split(".so")[0]
        if ctypes.util.find_library(stem) is None:
            missing.append(soname)
    return missing


def install_lines(missing: list[str]) -> tuple[str, str]:
    """The Debian/Ubuntu and Fedora install commands for the missing sonames."""
    debian = sorted({PACKAGES.get(s, (s, s))[0] for s in missing})
    fedora = sorted({PACKAGES.get(s, (s, s))[1] for s in missing})
    return (f"sudo apt-get install {' '.join(debian)}", f"sudo dnf install {' '.join(fedora)}")


def check(env: dict[str, str] | None = None) -> PlatformProblem | None:
    """None when Qt's platform plugin can load here; else what is missing and what to run."""
    env = dict(os.environ) if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    platform = chosen_platform(env)
    if platform == "xcb" and not env.get("DISPLAY"):
        return PlatformProblem(
            platform,
            (),
            (
                "no display to open the window on: DISPLAY is not set. Run the app inside a "
                "desktop session (or over `ssh -X`), or set QT_QPA_PLATFORM=offscreen to take "
                "screenshots without a screen (aal gui --screenshot FILE)."
            ),
        )
    plugin = plugin_path(platform)
    if plugin is None:
        return None  # offscreen, minimal, vnc…: nothing of the system's is needed
    missing = missing_by_ldd(plugin)
    missing += [s for s in missing_at_runtime(platform) if s not in missing]
    if not missing:
        return None
    debian, fedora = install_lines(missing)
    return PlatformProblem(
        platform,
        tuple(missing),
        (
            f"the window cannot open: Qt's '{platform}' platform plugin needs system libraries "
            f"this machine lacks ({', '.join(missing)}).\n"
            f"  Debian/Ubuntu: {debian}\n"
            f"  Fedora:        {fedora}\n"
            "Then start the app again. (The command line, `aal`, works without them.)"
        ),
    )


# Flags that never open a window here: no reason to refuse them on a headless machine.
NO_WINDOW_FLAGS = {"-h", "--help", "--install-desktop-entry", "--screenshot"}


def launch(argv: list[str] | None = None) -> int:
    """The `aal-desktop` launcher (and `dev.py app`): check BEFORE any Qt module loads, since
    a missing libEGL or libfontconfig already fails `import PySide6.QtGui` with a traceback;
    then start the app."""
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen build's worker processes start here too
    args = sys.argv[1:] if argv is None else list(argv)
    if not NO_WINDOW_FLAGS & {a.split("=", 1)[0] for a in args}:
        problem = check()
        if problem is not None:
            print(f"aal-desktop: {problem.message}", file=sys.stderr)
            return 1
    from .app import main as app_main

    return app_main(args, own_process=argv is None)


def main() -> int:
    """`python -m aal_desktop.ui.platform_check`: exit 1 with the message, 0 when fine."""
    problem = check()
    if problem is None:
        print("Qt's platform plugin can load here.")
        return 0
    print(problem.message, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
