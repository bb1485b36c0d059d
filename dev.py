#!/usr/bin/env python3
"""Bootstrap a local virtual environment, then run the app or the whole test suite.

Quick start (only Python 3.11+ and pip needed):
    python3 dev.py app      # open AAL Desktop on the default project
    python3 dev.py test     # ruff, then every test
Extra arguments after the command go to the app (e.g. --db PATH) or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("AAL_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".aal-installed"


def _requirements_digest() -> str:
    """Hash of pyproject.toml so the venv is refreshed when dependencies change."""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def bootstrap() -> None:
    """Create .venv and install the app with its test extra, once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must speak to old Pythons too
        sys.exit("AAL Desktop needs Python 3.11 or newer (this is "  # noqa: UP031
                 + sys.version.split()[0] + ").")
    if not PY.exists():
        print(f"Creating virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    print("Installing AAL Desktop and its test tools (first run only) ...", flush=True)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.check_call([*pip, "install", "--upgrade", "pip"])
    subprocess.check_call([*pip, "install", "-e", f"{ROOT}[test]"])
    STAMP.write_text(digest)


def run_tests(extra: list[str]) -> int:
    """Lint first (a red lint is a red build), then the whole pytest suite."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("HF_DATASETS_OFFLINE", "1")  # tests load local Parquet; never the hub
    env.setdefault("HF_HUB_OFFLINE", "1")
    corpus = ROOT.parent / "shared" / "corpus"
    if "AAL_CORPUS" not in env and corpus.is_dir():
        env["AAL_CORPUS"] = str(corpus)
    lint = subprocess.call([str(PY), "-m", "ruff", "check", "aal_desktop", "tests", "benchmarks",
                            "resources", "dev.py"], cwd=ROOT, env=env)
    if lint != 0:
        print("ruff found problems (see above); fix them or run `.venv/bin/ruff check --fix`.")
        return lint
    return subprocess.call([str(PY), "-m", "pytest", *extra], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test"}:
        print(__doc__)
        return 2
    bootstrap()
    if argv[0] == "test":
        return run_tests(argv[1:])
    return subprocess.call([str(PY), "-m", "aal_desktop.ui.app", *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
