"""The benchmarks' own fixtures still build what the app reads.

Why: bench_store writes a million-region project with raw SQL and bench_team drives the
team services; when the schema or a service signature changed, both broke silently (the
benchmarks are not part of the test run) and `edit_vs_raw_insert` reported FAILED. These
run the same builders at a few rows, then read the result through the app.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from aal_desktop.services import audit, regions
from aal_desktop.services.project import Project

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench() -> Iterator[ModuleType]:
    """Import bench modules as benchmarks/run.py does (their helpers sit beside them)."""
    sys.path.insert(0, str(BENCHMARKS))
    saved = dict(os.environ)
    try:
        yield importlib.import_module("common")
    finally:
        sys.path.remove(str(BENCHMARKS))
        os.environ.clear()
        os.environ.update(saved)


def test_the_store_benchmarks_project_opens_and_takes_an_edit(bench, tmp_path: Path) -> None:
    bench_store = importlib.import_module("bench_store")
    path = bench_store.build_project(300, tmp_path)
    with Project(path, user="bench") as project:
        (first, *_rest) = regions.list_regions(project, 1)
        regions.relabel(project, first.id, "title" if first.class_key != "title" else "text")
        assert audit.verify_chain(project).ok
        assert regions.history(project, first.id)[-1].kind == "region.relabel"


def test_the_team_benchmarks_members_push_and_the_lead_merges_all(bench, tmp_path: Path) -> None:
    bench_team = importlib.import_module("bench_team")
    from aal_desktop.core.team import SyncResult
    from aal_desktop.services import team_merge, team_setup

    merged, _before, total, _seconds = bench_team._setup(tmp_path, 10)
    with Project(merged, user="lead") as lead:
        result = SyncResult(role="lead")
        team_merge.merge(lead, team_setup.storage_of(team_setup.config(lead)), result)
    assert total == 30 and (result.applied, result.conflicts, result.refused) == (30, 0, 0)
