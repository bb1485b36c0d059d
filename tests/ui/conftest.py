"""Fixtures the window tests share: a Session over the test's project, the review day, a
first-run project with the sample, throw-away QSettings, and opening the main window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from aal_desktop.services.project import Project
from aal_desktop.ui.main_window import MainWindow
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


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a test saves what it drew, to look at: AAL_SHOTS if set, else its tmp dir."""
    folder = Path(os.environ.get("AAL_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window settings in a temporary ini file, never the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def first_run_project(tmp_path: Path) -> Iterator[Project]:
    """A brand-new project, as the app opens it on first run (sample imported)."""
    from aal_desktop.ui.app import first_run

    p = Project(tmp_path / "fresh" / "aal.sqlite3", user="lead1", isolate_pdf=True)
    outcome = first_run(p)
    assert outcome is not None and outcome.status == "imported", outcome
    yield p


def open_window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    """Show the main window and wait until its first page and regions are drawn."""
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        assert window.open_initial()
    window.canvas.setFocus()
    return window
