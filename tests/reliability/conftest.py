"""One template project for the whole reliability suite (importing a PDF costs a worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import build_template


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("reliability-template") / "project")
