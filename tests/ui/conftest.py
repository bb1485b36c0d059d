"""Fixtures the window tests share: a Session over the test's project, and the review day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from aal_desktop.services.project import Project
from aal_desktop.ui.session import Session

from ..test_review import Day, build_day


@pytest.fixture
def session(project: Project, qtbot: QtBot) -> Iterator[Session]:
    """The session a window is built on; a file whose data lives elsewhere overrides
    `project`, and one whose data must exist before the session opens marks
    `pytest.mark.usefixtures(...)` so that fixture runs first."""
    s = Session(project)
    yield s
    s.close()


@pytest.fixture
def day(project: Project, tmp_path: Path) -> Day:
    """A day of annotators' edits, for the review and audit windows."""
    return build_day(project, tmp_path)
