"""`aal-desktop --screenshot` and `aal gui --screenshot` write a real picture of the window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path / "home"),
    )
    env.pop("AAL_DB", None)
    env.pop("AAL_USER", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def init(db: Path, tmp_path: Path) -> None:
    done = run(["-m", "aal_desktop.cli.main", "--db", str(db), "--user", "lead1", "init"], tmp_path)
    assert done.returncode == 0, done.stderr


def variety(image: QImage) -> int:
    """Distinct colours over a grid of samples: a blank or flat picture has a handful."""
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    )


@pytest.mark.slow
def test_screenshot_of_a_fresh_project_shows_the_sample_page(tmp_path):
    out = tmp_path / "shots" / "main.png"
    db = tmp_path / "proj" / "aal.sqlite3"
    init(db, tmp_path)  # an explicit --db must exist (issue 15)
    done = run(
        ["-m", "aal_desktop.ui.app", "--db", str(db), "--user", "lead1", "--screenshot", str(out)],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1400, 900)
    assert variety(image) > 200
    # the canvas area (centre of the window) holds the rendered page, not a grey box
    centre = image.copy(560, 150, 300, 500)
    assert variety(centre) > 20


@pytest.mark.slow
def test_aal_gui_screenshot_of_page_two_and_a_clear_error_for_a_missing_document(tmp_path):
    db = tmp_path / "proj" / "aal.sqlite3"
    init(db, tmp_path)
    out = tmp_path / "p2.png"
    done = run(
        [
            "-m",
            "aal_desktop.cli.main",
            "--db",
            str(db),
            "--user",
            "lead1",
            "gui",
            "--screenshot",
            str(out),
            "--doc",
            "1",
            "--page",
            "2",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900) and variety(image) > 200

    missing = run(
        [
            "-m",
            "aal_desktop.cli.main",
            "--db",
            str(db),
            "--user",
            "lead1",
            "gui",
            "--screenshot",
            str(tmp_path / "x.png"),
            "--doc",
            "99",
        ],
        tmp_path,
    )
    assert missing.returncode == 1
    assert "no document with id 99" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_a_screenshot_called_in_a_larger_process_returns_and_loads_no_idle_parts(tmp_path):
    """Run as the program, a screenshot ends its process once the picture is written
    (ui/app.end_process); called with argv it returns instead. Either way the window
    starts without YAML, the network and team code, or the heavy libraries, and what
    start-up built is frozen out of the garbage collector's walks (gc.freeze)."""
    db = tmp_path / "proj" / "aal.sqlite3"
    init(db, tmp_path)
    out = tmp_path / "in-process.png"
    code = (
        "import sys\n"
        "from aal_desktop.ui.app import main\n"
        f"code = main(['--db', {str(db)!r}, '--user', 'lead1', '--screenshot', {str(out)!r}])\n"
        "watched = ('yaml', 'urllib.request', 'aal_desktop.services.team_sync',\n"
        "           'aal_desktop.services.team_setup', 'cryptography', 'scipy', 'pandas',\n"
        "           'pyarrow', 'pymupdf', 'numpy')\n"
        "import gc\n"
        "print('frozen', gc.get_freeze_count() > 10_000)\n"
        "print('returned', code, ','.join(m for m in watched if m in sys.modules))\n"
    )
    done = run(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2:] == ["frozen True", "returned 0"]
    assert QImage(str(out)).width() == 1400
