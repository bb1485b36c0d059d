"""Region history dialog (anyone) and the audit dialog (verify + per-person summary)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from aal_desktop.services import audit, review
from aal_desktop.services.project import Project
from aal_desktop.ui.audit_view import AuditDialog
from aal_desktop.ui.history_dialog import RegionHistoryDialog
from aal_desktop.ui.session import Session

from ..test_review import Day

# the day's edits exist before the session (from conftest) opens
pytestmark = pytest.mark.usefixtures("day")


def test_history_shows_every_event_with_before_after_who_when_why(
    session: Session, day: Day, qtbot: QtBot
) -> None:
    session.project.switch_user("ann2")  # anyone may look
    d = RegionHistoryDialog(session, day.regions["r3"])
    qtbot.addWidget(d)
    d.show()
    t = d.table
    assert t.rowCount() == 3
    create, move, relabel = (t.row_texts(r) for r in range(3))
    assert create[0] == str(day.events["create_r3"]) and create[2] == "ann1"
    assert create[3] == "create (additive)" and create[4] == "(did not exist)"
    assert create[5] == "class table; box (100, 300, 400, 500)" and create[6] == "draw r3"
    assert move[4:7] == ["box (100, 300, 400, 500)", "box (90, 290, 410, 510)", "too tight"]
    assert relabel[2] == "ann2" and relabel[4:8] == [
        "class table",
        "class picture",
        "it is a chart",
        "pending",
    ]
    assert relabel[1].startswith("20") and len(relabel[1]) == 19  # when, to the second
    assert "class <b>picture</b>" in d.summary.text()
    # a change made while the dialog is open shows up in it
    session.project.switch_user("lead1")
    review.revert(session.project, day.events["ann2_relabel_r3"], "a table after all")
    qtbot.waitUntil(lambda: t.rowCount() == 4)
    last = t.row_texts(3)
    assert last[2] == "lead1" and last[3] == (
        f"relabel (corrective), reverts #{day.events['ann2_relabel_r3']}"
    )
    assert last[4:7] == ["class picture", "class table", "a table after all"]
    assert t.row_texts(2)[7] == "reverted"


def test_history_of_an_unknown_region_says_so(session: Session, qtbot: QtBot) -> None:
    d = RegionHistoryDialog(session, "nope")
    qtbot.addWidget(d)
    assert d.table.rowCount() == 0 and "no region nope" in d.summary.text()


def test_audit_verify_button_reports_ok_then_the_first_bad_event(
    session: Session, day: Day, qtbot: QtBot, tmp_path: Path
) -> None:
    d = AuditDialog(session)
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.task is None)
    n = len(day.events)
    assert d.result_label.text() == f"Audit log OK: {n} events, hash chain intact."
    # someone edits an event behind the app's back (dropping the guard trigger first)
    conn = sqlite3.connect(session.project.path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute(
        "UPDATE events SET reason = 'forged' WHERE id = ?", [day.events["ann2_relabel_r3"]]
    )
    conn.commit()
    conn.close()
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.task is None)
    bad = day.events["ann2_relabel_r3"]
    assert d.result_label.text().startswith(
        f"Audit log BROKEN at event {bad}: event {bad} was altered after it was written"
    )
    d.grab().save(str(tmp_path / "audit.png"))


def test_audit_summary_table_and_bar_chart_follow_review(
    session: Session, day: Day, qtbot: QtBot, shots: Path
) -> None:
    d = AuditDialog(session)
    qtbot.addWidget(d)
    d.show()
    users = [d.table.item(r, 0).text() for r in range(d.table.rowCount())]
    assert users == ["ann1", "ann2", "ann3", "lead1"]
    row = users.index("ann3")
    assert [d.table.item(row, c).text() for c in range(7)] == [
        "ann3",
        "annotator",
        "1",
        "4",
        "0",
        "0",
        "5",
    ]
    assert d.bar_heights() == {
        "regions made": [3, 1, 1, 0],
        "corrections made": [3, 3, 4, 0],
        "reverted in review": [0, 0, 0, 0],
    }
    review.revert(session.project, day.events["ann3_relabel_r5"], "no")
    review.revert(session.project, day.events["ann1_move_r3"], "no")
    qtbot.waitUntil(lambda: d.bar_heights()["reverted in review"] == [1, 0, 1, 0])
    assert d.table.item(row, 5).text() == "1"
    d.grab().save(str(shots / "audit.png"))


def test_a_slow_verification_leaves_the_window_responsive_then_shows_the_result(
    session: Session, day: Day, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = AuditDialog(session)
    qtbot.addWidget(d)
    d.show()
    real = audit.verify

    def slow(project: Project) -> object:
        assert project is not session.project  # its own connection, in its own thread
        time.sleep(1.0)  # a few hundred thousand events
        return real(project)

    monkeypatch.setattr(audit, "verify", slow)
    ticks_while_busy = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: d.task is not None and ticks_while_busy.append(1))
    timer.start()
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    assert d.task is not None and not d.verify_button.isEnabled()
    assert d.busy.isVisible() and d.result_label.text() == "Verifying the audit log…"
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)  # disabled: one at a time
    assert d.verify() is None
    qtbot.waitUntil(lambda: d.task is None, timeout=10_000)
    timer.stop()
    assert d.result_label.text() == f"Audit log OK: {len(day.events)} events, hash chain intact."
    assert d.report is not None and d.report.ok
    assert d.verify_button.isEnabled() and not d.busy.isVisible()
    assert len(ticks_while_busy) >= 10  # the GUI thread kept running during that second


def test_a_verification_that_fails_says_why_and_can_be_retried(
    session: Session, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = AuditDialog(session)
    qtbot.addWidget(d)
    d.show()

    def broken(project: Project) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(audit, "verify", broken)
    qtbot.mouseClick(d.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.task is None)
    assert d.result_label.text() == "Could not verify the audit log: disk I/O error"
    assert d.report is None and d.verify_button.isEnabled()
