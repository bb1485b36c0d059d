"""No module under aal_desktop/ is over 600 lines (issue 12): a longer one does several jobs.

A module that grows past the limit is split by job (one module, one job, named for it), not
trimmed to fit.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aal_desktop"
MAX_LINES = 600


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _sizes() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): _line_count(path)
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_is_over_600_lines() -> None:
    offenders = {name: n for name, n in _sizes().items() if n > MAX_LINES}
    assert not offenders, "over 600 lines, split them by job: " + ", ".join(
        f"{name} ({n} lines)" for name, n in offenders.items()
    )
