"""The dataset versions dialog: list, charts, changelog, the create form, Release…"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from aal_desktop.services import regions, versions
from aal_desktop.services.project import Project
from aal_desktop.ui.session import Session
from aal_desktop.ui.versions_view import VersionsDialog

from ..test_versions import Built, build


@pytest.fixture
def built(project: Project, tmp_path: Path) -> Built:
    b = build(project, tmp_path)
    versions.create_version(project, "v1", split=(1, 1, 1), seed=2)
    regions.relabel(project, b.regions[0].id, "title")
    versions.create_version(project, "v2")
    return b


# the versions exist before the session (from conftest) opens
pytestmark = pytest.mark.usefixtures("built")


def widths(bars: object) -> list[float]:
    return [float(w) for w in bars.opts["width"]]  # type: ignore[attr-defined]


def click_version(qtbot: QtBot, d: VersionsDialog, name: str) -> None:
    lst = d.version_list
    for row in range(lst.count()):
        if lst.item(row).data(Qt.ItemDataRole.UserRole) == name:
            rect = lst.visualItemRect(lst.item(row))
            qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{name} not listed")


def test_lists_versions_and_shows_stats_charts_and_changelog(
    session: Session, built: Built, qtbot: QtBot, shots: Path
) -> None:
    d = VersionsDialog(session)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.version_list.count() == 2 and d.selected_name() == "v2"  # newest first
    assert "text → title: 1" in d.changelog_view.toPlainText()
    # compare chart: parent vs this version per class (schema order: text, title)
    assert widths(d.compare_bars["parent"]) == [3, 3]
    assert widths(d.compare_bars["this version"]) == [2, 4]
    stats = versions.version_stats(session.project, "v2")
    for split in ("train", "val", "test"):
        counts = stats["splits"][split]["classes"]
        assert widths(d.class_bars[split]) == [counts.get("text", 0), counts.get("title", 0)]
    table = d.split_table
    assert table.item(2, 3).text() == "6"  # regions, total
    d.tabs.setCurrentIndex(1)
    d.grab().save(str(shots / "versions_changelog.png"))
    d.tabs.setCurrentIndex(0)
    d.grab().save(str(shots / "versions.png"))

    click_version(qtbot, d, "v1")
    assert d.selected_name() == "v1"
    assert "first version" in d.changelog_view.toPlainText()
    assert set(d.compare_bars) == {"this version"}
    assert widths(d.compare_bars["this version"]) == [3, 3]
    assert "v1" in d.header.text() and "parent –" in d.header.text()


def test_a_lead_creates_a_version_from_the_form(
    session: Session, built: Built, qtbot: QtBot, shots: Path
) -> None:
    d = VersionsDialog(session)
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.create_button, Qt.MouseButton.LeftButton)
    assert d.form.isVisible() and d.form.name_edit.text() == "v3"
    d.grab().save(str(shots / "versions_form.png"))
    # a name already used is refused in the form, nothing is created
    d.form.name_edit.selectAll()
    qtbot.keyClicks(d.form.name_edit, "v1")
    qtbot.mouseClick(d.form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.create_task is None)
    assert "already exists" in d.form.error_label.text()
    assert len(versions.list_versions(session.project)) == 2
    # include the in-progress document too, with another seed
    d.form.name_edit.selectAll()
    qtbot.keyClicks(d.form.name_edit, "v3-all")
    qtbot.mouseClick(d.form.status_boxes["in_progress"], Qt.MouseButton.LeftButton)
    d.form.seed_spin.setValue(5)
    qtbot.mouseClick(d.form.submit_button, Qt.MouseButton.LeftButton)
    assert not d.form.submit_button.isEnabled()  # until the background work reports
    qtbot.waitUntil(lambda: d.create_task is None)
    info = versions.get_version(session.project, "v3-all")
    assert info.statuses == ["in_progress", "approved"] or info.statuses == [
        "approved",
        "in_progress",
    ]
    assert (info.documents, info.seed, info.parent) == (4, 5, "v2")
    assert not d.form.isVisible() and d.selected_name() == "v3-all"
    qtbot.waitUntil(lambda: d.version_list.count() == 3)
    assert "Added" in d.changelog_view.toPlainText()
    assert widths(d.compare_bars["this version"]) == [3, 5]


def test_release_button_opens_the_release_dialog(session: Session, qtbot: QtBot) -> None:
    d = VersionsDialog(session)
    qtbot.addWidget(d)
    d.show()
    if not d.release_button.isVisible():
        pytest.skip("ui.release_dialog is not installed")
    qtbot.mouseClick(d.release_button, Qt.MouseButton.LeftButton)
    assert d.release_dialog is not None and d.release_dialog.isVisible()
    assert d.release_dialog.version_name == "v2"  # type: ignore[attr-defined]
    d.release_dialog.close()


def test_an_annotator_sees_versions_but_cannot_create_or_release(
    built: Built, qtbot: QtBot
) -> None:
    s = Session(Project(built.project.path, user="ann1"))
    try:
        d = VersionsDialog(s)
        qtbot.addWidget(d)
        d.show()
        assert d.version_list.count() == 2
        assert not d.create_button.isEnabled() and not d.release_button.isEnabled()
    finally:
        s.close()


def test_creating_a_version_leaves_the_window_responsive_and_tells_the_session(
    session: Session, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = VersionsDialog(session)
    qtbot.addWidget(d)
    d.show()
    real = versions.create_version

    def slow(project: Project, *args: object, **kwargs: object) -> object:
        assert project is not session.project  # its own connection, in its own thread
        time.sleep(1.0)  # tens of thousands of regions to freeze
        return real(project, *args, **kwargs)

    monkeypatch.setattr(versions, "create_version", slow)
    heard: list[int] = []
    session.versionsChanged.connect(lambda: heard.append(1))
    ticks_while_busy = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: d.create_task is not None and ticks_while_busy.append(1))
    timer.start()
    qtbot.mouseClick(d.create_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(d.form.submit_button, Qt.MouseButton.LeftButton)
    assert d.create_task is not None and d.form.busy.isVisible()
    assert not d.form.submit_button.isEnabled() and not d.create_button.isEnabled()
    assert d.create_version() is None  # one at a time
    qtbot.waitUntil(lambda: d.create_task is None, timeout=10_000)
    timer.stop()
    assert [i.name for i in versions.list_versions(session.project)] == ["v1", "v2", "v3"]
    assert not d.form.isVisible() and d.selected_name() == "v3"
    assert d.version_list.count() == 3
    assert d.create_button.isEnabled() and d.form.submit_button.isEnabled()
    assert len(ticks_while_busy) >= 10  # the GUI thread kept running during that second
    qtbot.waitUntil(lambda: len(heard) >= 1)  # the window hears of it through the session
