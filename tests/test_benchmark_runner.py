"""The benchmark runner: discovery, JSON lines, name selection, and carrying on after errors.

Why: other issues add ``bench_*.py`` modules and read the runner's JSON output; these tests
run the real command line on throw-away bench modules, so no real measure is needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"

BENCH_OK = """
from common import BenchResult


def _double(quick: bool) -> BenchResult:
    return BenchResult("double", 2.0, 1.0, "s", note="quick" if quick else "full")


def _half(quick: bool) -> BenchResult:
    return BenchResult("half", 0.5, 1.0, "MB")


def _zero_baseline(quick: bool) -> BenchResult:
    return BenchResult("zero_baseline", 1.0, 0.0, "s")


BENCHMARKS = {"double": _double, "half": _half, "zero_baseline": _zero_baseline}
"""

BENCH_FAILING = """
from common import BenchResult


def _boom(quick: bool) -> BenchResult:
    raise RuntimeError("deliberate failure")


def _exits(quick: bool) -> BenchResult:
    raise SystemExit(3)


BENCHMARKS = {"boom": _boom, "exits": _exits}
"""


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/run.py --dir folder ...`` in a child process."""
    return subprocess.run(
        [sys.executable, str(RUNNER), "--dir", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def json_lines(stdout: str) -> dict[str, dict[str, Any]]:
    """Parse the runner's stdout, which must be JSON objects only, by name."""
    rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {row["name"]: row for row in rows}


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    """A folder with one good and one failing bench module."""
    (tmp_path / "bench_good.py").write_text(textwrap.dedent(BENCH_OK), encoding="utf-8")
    (tmp_path / "bench_zbad.py").write_text(textwrap.dedent(BENCH_FAILING), encoding="utf-8")
    (tmp_path / "helper.py").write_text("raise RuntimeError('not a bench module')\n")
    return tmp_path


def test_json_lines_and_carry_on_after_failures(bench_dir: Path) -> None:
    proc = run(bench_dir, "--json", "--quick")
    assert proc.returncode == 1, proc.stderr
    rows = json_lines(proc.stdout)
    assert set(rows) == {"double", "half", "zero_baseline"}
    for row in rows.values():
        assert {"name", "value", "baseline", "ratio", "unit", "note"} <= set(row)
    assert rows["double"] == {
        "name": "double",
        "value": 2.0,
        "baseline": 1.0,
        "ratio": 2.0,
        "unit": "s",
        "note": "quick",
    }
    assert rows["half"]["ratio"] == 0.5
    assert rows["zero_baseline"]["ratio"] is None  # no Infinity in the JSON
    assert "deliberate failure" in proc.stderr
    assert "exits" in proc.stderr  # a benchmark calling sys.exit is a failure, not the end


def test_select_by_name_glob_and_module(bench_dir: Path) -> None:
    proc = run(bench_dir, "--json", "half")
    assert proc.returncode == 0, proc.stderr
    assert list(json_lines(proc.stdout)) == ["half"]
    assert json_lines(proc.stdout)["half"]["note"] == ""

    proc = run(bench_dir, "--json", "d*", "zero_*")
    assert proc.returncode == 0, proc.stderr
    assert set(json_lines(proc.stdout)) == {"double", "zero_baseline"}
    assert json_lines(proc.stdout)["double"]["note"] == "full"

    proc = run(bench_dir, "--json", "good")
    assert set(json_lines(proc.stdout)) == {"double", "half", "zero_baseline"}


def test_unknown_name_is_a_usage_error(bench_dir: Path) -> None:
    proc = run(bench_dir, "no_such_benchmark")
    assert proc.returncode == 2
    assert "no_such_benchmark" in proc.stderr
    assert proc.stdout == ""


def test_table_output(bench_dir: Path) -> None:
    proc = run(bench_dir)
    assert proc.returncode == 1
    assert "ratio" in proc.stdout.splitlines()[2]
    assert "2.00x" in proc.stdout
    assert "FAILED" in proc.stdout


def test_broken_module_is_reported_and_others_run(tmp_path: Path) -> None:
    (tmp_path / "bench_good.py").write_text(textwrap.dedent(BENCH_OK), encoding="utf-8")
    (tmp_path / "bench_broken.py").write_text("import no_such_module_here\n", encoding="utf-8")
    proc = run(tmp_path, "--json")
    assert proc.returncode == 1
    assert "bench_broken.py" in proc.stderr
    assert set(json_lines(proc.stdout)) == {"double", "half", "zero_baseline"}


def test_empty_folder(tmp_path: Path) -> None:
    proc = run(tmp_path, "--json")
    assert proc.returncode == 0
    assert proc.stdout == ""
