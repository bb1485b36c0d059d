#!/usr/bin/env python3
"""Bootstrap a local virtual environment, then run the app or the whole test suite.

Quick start (only Python 3.11+ and pip needed):
    python3 dev.py app      # open AAL Desktop on the default project
    python3 dev.py test     # ruff, format, import contracts, mypy, then every test
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
        sys.exit(
            "AAL Desktop needs Python 3.11 or newer (this is "  # noqa: UP031
            + sys.version.split()[0]
            + ")."
        )
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


# Build rules written down before the code meets them all (issue 12). A rule named here still
# runs and prints its result, but does not fail the build; delete its name once the branch that
# meets it has merged. AAL_STRICT=1 enforces every rule now (to see what is left).
PENDING_CONTRACTS: set[str] = set()  # ids of [[tool.importlinter.contracts]] in pyproject.toml
PENDING_MYPY: set[str] = set()  # packages under aal_desktop/ whose errors only print
PENDING_FORMAT = False  # `ruff format --check`: False once the lead has formatted the tree
LINT_PATHS = ["aal_desktop", "tests", "benchmarks", "resources", "packaging", "dev.py"]


def _strict(env: dict[str, str]) -> bool:
    return env.get("AAL_STRICT") == "1"


def _ruff_check(env: dict[str, str]) -> str:
    if _call([str(PY), "-m", "ruff", "check", *LINT_PATHS], env) == 0:
        return "ok"
    print("ruff found problems (see above); fix them or run `.venv/bin/ruff check --fix`.")
    return "FAILED"


def _ruff_format(env: dict[str, str]) -> str:
    cmd = [str(PY), "-m", "ruff", "format", "--check", *LINT_PATHS]
    if not PENDING_FORMAT or _strict(env):
        return "ok" if _call(cmd, env) == 0 else "FAILED"
    summary = _capture(cmd, env).strip().splitlines()[-1:] or ["(no output)"]
    print(f"ruff format --check (pending, not enforced): {summary[0]}")
    return "pending (PENDING_FORMAT)"


def _contract_ids() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


def _import_contracts(env: dict[str, str]) -> str:
    """Enforced contracts print in full; pending ones print one line each."""
    ids = _contract_ids()
    pending = set() if _strict(env) else set(PENDING_CONTRACTS) & set(ids)
    enforced = [i for i in ids if i not in pending]
    lint = [str(BIN / "lint-imports"), "--no-logo"]
    ok = not enforced or _call([*lint, *(a for i in enforced for a in ("--contract", i))], env) == 0
    for contract in sorted(pending):
        out = _capture([*lint, "--contract", contract], env)
        kept = "Contracts: 1 kept, 0 broken." in out
        hint = "now kept: remove it from PENDING_CONTRACTS in dev.py" if kept else "BROKEN"
        print(f"import contract {contract!r} (pending, not enforced): {hint}")
    return _status(ok, len(pending))


def _mypy(env: dict[str, str]) -> str:
    """mypy over [tool.mypy] files; errors in PENDING_MYPY packages are counted, not fatal."""
    pending = set() if _strict(env) else set(PENDING_MYPY)
    proc = subprocess.run(
        [str(PY), "-m", "mypy"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    counts: dict[str, int] = {}
    fatal = []
    for line in proc.stdout.splitlines():
        if ": error:" not in line:
            continue
        parts = line.replace("\\", "/").split("/")
        package = parts[1].split(":")[0].removesuffix(".py") if len(parts) > 1 else line
        counts[package] = counts.get(package, 0) + 1
        if package not in pending:
            fatal.append(line)
    for package in sorted(pending):
        n = counts.get(package, 0)
        hint = "now clean: remove it from PENDING_MYPY in dev.py" if n == 0 else f"{n} errors"
        print(f"mypy aal_desktop/{package} (pending, not enforced): {hint}")
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not counts):
        print(proc.stdout)  # mypy itself failed (bad config, crash)
        return "FAILED"
    if fatal:
        print("\n".join(fatal))
        print(f"mypy: {len(fatal)} errors in enforced packages (see above).")
    return _status(not fatal, len(pending))


def _status(ok: bool, pending: int) -> str:
    if not ok:
        return "FAILED"
    return f"ok ({pending} pending, not enforced)" if pending else "ok"


def _pytest(extra: list[str], env: dict[str, str], steps: dict[str, str]) -> bool:
    """Tests not marked `qt` run with Qt unimportable, then the `qt` ones with Qt.

    No test runs twice. A `-m` of your own gets one plain run instead.
    """
    if any(a.startswith("-m") for a in extra):
        rc = _call([str(PY), "-m", "pytest", *extra], env)
        steps["pytest"] = "ok" if rc == 0 else f"FAILED (exit {rc})"
        return rc == 0
    no_qt = {**env, "AAL_NO_QT": "1"}
    qt_free_args = _without_ui_paths(extra)
    first = (
        5
        if qt_free_args is None
        else _call(
            [
                str(PY),
                "-m",
                "pytest",
                "-p",
                "no:pytest-qt",
                "-W",
                "ignore:Unknown config option:pytest.PytestConfigWarning",
                "-m",
                "not qt",
                *qt_free_args,
            ],
            no_qt,
        )
    )
    steps["pytest, Qt blocked (not qt)"] = _pytest_result(first)
    if first not in (0, 5) and ("-x" in extra or "--exitfirst" in extra):
        return False
    second = _call([str(PY), "-m", "pytest", "-m", "qt", *extra], env)
    steps["pytest, with Qt (qt)"] = _pytest_result(second)
    if first == 5 and second == 5:
        steps["pytest"] = "FAILED (no test was collected in either pass)"
        return False
    return first in (0, 5) and second in (0, 5)


def _without_ui_paths(extra: list[str]) -> list[str] | None:
    """`extra` minus test paths under tests/ui/ (their conftest imports Qt); None if only
    such paths were named."""
    ui = (ROOT / "tests" / "ui").resolve()
    kept: list[str] = []
    named = dropped = 0
    takes_value = {"-k", "-m", "-p", "-W", "-o", "-c", "--rootdir", "--deselect", "--ignore"}
    for i, arg in enumerate(extra):
        is_value = i > 0 and extra[i - 1] in takes_value
        path = (ROOT / arg.split("::")[0]).resolve()
        if not arg.startswith("-") and not is_value and path.exists():
            named += 1
            if path == ui or ui in path.parents:
                dropped += 1
                continue
        kept.append(arg)
    return None if named and named == dropped else kept


def _pytest_result(rc: int) -> str:
    return {0: "ok", 5: "ok (no tests selected)"}.get(rc, f"FAILED (exit {rc})")


def _call(cmd: list[str], env: dict[str, str]) -> int:
    return subprocess.call(cmd, cwd=ROOT, env=env)


def _capture(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    return proc.stdout


def run_tests(extra: list[str]) -> int:
    """The static rules (a red rule is a red build), then pytest; prints which step failed."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("HF_DATASETS_OFFLINE", "1")  # tests load local Parquet; never the hub
    env.setdefault("HF_HUB_OFFLINE", "1")
    corpus = ROOT.parent / "shared" / "corpus"
    if "AAL_CORPUS" not in env and corpus.is_dir():
        env["AAL_CORPUS"] = str(corpus)
    steps: dict[str, str] = {}
    for name, step in (
        ("ruff check", _ruff_check),
        ("ruff format --check", _ruff_format),
        ("import contracts", _import_contracts),
        ("mypy", _mypy),
    ):
        print(f"== {name}", flush=True)
        steps[name] = step(env)
    if "FAILED" not in steps.values():
        print("== pytest", flush=True)
        _pytest(extra, env, steps)
    failed = [name for name, result in steps.items() if result.startswith("FAILED")]
    print("\n".join(f"   {name}: {result}" for name, result in steps.items()))
    if failed:
        print(f"dev.py test FAILED at: {', '.join(failed)}")
        return 1
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test"}:
        print(__doc__)
        return 2
    bootstrap()
    if argv[0] == "test":
        return run_tests(argv[1:])
    # through the launcher: it names missing system libraries before any Qt module loads
    launch = "import sys; from aal_desktop.ui.platform_check import launch; sys.exit(launch())"
    return subprocess.call([str(PY), "-c", launch, *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
