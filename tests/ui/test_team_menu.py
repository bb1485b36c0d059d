"""The window's Team menu, driven as a person would: my key with Copy, a lead adds a
member, Sync now runs off the GUI thread and ends with its line in the status bar, team
status lists the members' bundles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from aal_desktop.identity import keys
from aal_desktop.services import documents, regions, team_conflicts, team_setup, team_sync, users
from aal_desktop.services.project import Project
from aal_desktop.store import users as user_rows
from aal_desktop.ui.dialogs.team_dialogs import (
    AddMemberDialog,
    ConflictsDialog,
    KeyDialog,
    TeamStatusDialog,
)
from aal_desktop.ui.main_window import MainWindow
from aal_desktop.ui.session import Session
from aal_desktop.ui.team_menu import install_team_menu

from ..conftest import make_pdf
from .conftest import open_window


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """A lead's project in a team over a folder; the lead's key in her own config folder."""
    monkeypatch.setenv("AAL_CONFIG_DIR", str(tmp_path / "lead-config"))
    p = Project(tmp_path / "lead" / "aal.sqlite3", user="lead1")
    (outcome,) = documents.import_paths(p, [make_pdf(tmp_path / "d.pdf", pages=2)])
    assert outcome.document_id == 1
    (tmp_path / "shared").mkdir()
    yield p
    p.close()


def _window(qtbot: QtBot, session: Session, settings: QSettings) -> MainWindow:
    window = open_window(qtbot, session, settings)
    install_team_menu(window)
    return window


def _dialog(window: MainWindow, cls: type) -> object:
    found = [d for d in window.findChildren(cls) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def test_my_key_shows_the_key_and_copy_puts_it_on_the_clipboard(
    qtbot: QtBot, session: Session, settings: QSettings
) -> None:
    window = _window(qtbot, session, settings)
    titles = [a.text() for a in window.team_menu.menu.actions()]
    assert titles == [
        "My signing &key…",
        "&Add member…",
        "&Sync now",
        "Team s&tatus…",
        "&Conflicts…",
    ]
    window.team_menu.key_action.trigger()
    dialog = _dialog(window, KeyDialog)
    assert dialog.field.text() == keys.load_or_create().public
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == keys.load_or_create().public
    assert dialog.copy_button.text() == "Copied"


def test_a_lead_adds_a_member_with_her_key(
    qtbot: QtBot, session: Session, settings: QSettings, project: Project
) -> None:
    window = _window(qtbot, session, settings)
    window.team_menu.menu.aboutToShow.emit()
    assert window.team_menu.add_action.isEnabled()
    window.team_menu.add_action.trigger()
    dialog = _dialog(window, AddMemberDialog)
    qtbot.keyClicks(dialog.name, "ann")
    qtbot.keyClicks(dialog.key, "ed25519:not-a-key")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not a public key" in dialog.error.text()
    assert "ann" not in {u.name for u in users.list_users(project)}
    ann_key = keys.load_or_create(Path(str(project.folder)) / "ann-config").public
    dialog.key.clear()
    qtbot.keyClicks(dialog.key, ann_key)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert user_rows.public_keys(project.db)["ann"] == ann_key
    assert "Added ann" in window.statusBar().currentMessage()


def test_sync_now_runs_off_the_gui_thread_and_reports_in_the_status_bar(
    qtbot: QtBot,
    session: Session,
    settings: QSettings,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = str(tmp_path / "shared")
    ann_keys = tmp_path / "ann-config"
    users.add_user(project, "ann", "annotator")
    team_setup.register_key(project, "ann", keys.load_or_create(ann_keys).public)
    documents.assign(project, 1, ["ann"])
    team_setup.init(project, shared)
    # ann, elsewhere, draws two regions and pushes them
    monkeypatch.setenv("AAL_CONFIG_DIR", str(ann_keys))
    with Project(tmp_path / "ann" / "aal.sqlite3", user="ann") as ann:
        team_setup.join(ann, shared, "ann")
        regions.add_region(ann, 1, 0, (72, 90, 200, 110), "text")
        regions.add_region(ann, 1, 1, (72, 90, 200, 110), "title")
        assert team_sync.sync(ann).pushed == 2
    monkeypatch.setenv("AAL_CONFIG_DIR", str(tmp_path / "lead-config"))
    window = _window(qtbot, session, settings)
    with qtbot.waitSignal(window.team_menu.synced, timeout=60000) as blocker:
        window.team_menu.sync_action.trigger()
        assert not window.team_menu.sync_action.isEnabled()  # one sync at a time
        assert window.team_menu.progress.isVisible()
    result = blocker.args[0]
    assert (result.applied, result.conflicts, result.refused) == (2, 0, 0)
    message = window.statusBar().currentMessage()
    assert message.startswith("Synced ") and message.endswith("· 2 applied · 0 conflicts")
    qtbot.waitUntil(lambda: window.team_menu.sync_action.isEnabled())
    assert not window.team_menu.progress.isVisible()
    assert {r.annotator for r in regions.list_regions(project)} == {"ann"}
    # the status dialog names her accepted bundle
    window.team_menu.status_action.trigger()
    dialog = _dialog(window, TeamStatusDialog)
    assert "ann: 1" in dialog.text.toPlainText()


def test_sync_of_a_project_in_no_team_says_so(
    qtbot: QtBot, session: Session, settings: QSettings
) -> None:
    window = _window(qtbot, session, settings)
    with qtbot.waitSignal(window.team_menu.syncFailed, timeout=60000) as blocker:
        window.team_menu.sync_action.trigger()
    assert "in no team" in blocker.args[0]
    assert "in no team" in window.statusBar().currentMessage()


def _two_conflicts(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ann relabels two regions offline that the lead relabelled first."""
    shared = str(tmp_path / "shared")
    ann_keys = tmp_path / "ann-config"
    users.add_user(project, "ann", "annotator")
    team_setup.register_key(project, "ann", keys.load_or_create(ann_keys).public)
    documents.assign(project, 1, ["ann"])
    team_setup.init(project, shared)
    monkeypatch.setenv("AAL_CONFIG_DIR", str(ann_keys))
    with Project(tmp_path / "ann" / "aal.sqlite3", user="ann") as ann:
        team_setup.join(ann, shared, "ann")
        made = [
            regions.add_region(ann, 1, 0, (72, 90 + 40 * i, 200, 110 + 40 * i), "text").id
            for i in range(2)
        ]
        team_sync.sync(ann)
        monkeypatch.setenv("AAL_CONFIG_DIR", str(tmp_path / "lead-config"))
        assert team_sync.sync(project).applied == 2
        for rid in made:
            regions.relabel(project, rid, "title")
        monkeypatch.setenv("AAL_CONFIG_DIR", str(ann_keys))
        for rid in made:
            regions.relabel(ann, rid, "list_item")
        team_sync.sync(ann)
    monkeypatch.setenv("AAL_CONFIG_DIR", str(tmp_path / "lead-config"))
    assert team_sync.sync(project).conflicts == 2


def test_the_lead_decides_conflicts_in_the_window(
    qtbot: QtBot,
    session: Session,
    settings: QSettings,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _two_conflicts(project, tmp_path, monkeypatch)
    window = _window(qtbot, session, settings)
    window.team_menu.conflicts_action.trigger()
    dialog = _dialog(window, ConflictsDialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "ann"
    assert "list_item" in dialog.table.item(0, 4).text()
    assert dialog.table.item(0, 5).text() == "class title"
    first, second = dialog.ids
    qtbot.keyClicks(dialog.reason, "a heading, not a list")
    qtbot.mouseClick(dialog.revert_button, Qt.MouseButton.LeftButton)
    assert team_conflicts.get(project, first).status == "reverted"
    assert team_conflicts.get(project, first).reason == "a heading, not a list"
    assert dialog.table.rowCount() == 1
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    decided = team_conflicts.get(project, second)
    assert decided.status == "accepted" and decided.result_event_id is not None
    rid = decided.event["region_id"]
    assert regions.get(project, rid).class_key == "list_item"
    assert dialog.table.rowCount() == 0 and not dialog.accept_button.isEnabled()
