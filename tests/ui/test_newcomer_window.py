"""Issue 18 in the main window, as a newcomer meets it: first start, the empty-page hint, the
Documents panel kept current, Recent projects, encrypted imports, the tool bar's undo/redo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit  # noqa: E402

from aal_desktop.core.records import Role  # noqa: E402
from aal_desktop.services import documents, users  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.ui.main_window import MainWindow  # noqa: E402
from tests.conftest import make_pdf  # noqa: E402
from tests.ui.conftest import open_window  # noqa: E402

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project(first_run_project: Project) -> Project:
    return first_run_project


def drag(qtbot, window: MainWindow, a: tuple[float, float], b: tuple[float, float]) -> None:  # noqa: ANN001
    vp = window.canvas.viewport()
    pa, pb = window.canvas.page_to_view(*a), window.canvas.page_to_view(*b)
    qtbot.mousePress(vp, LEFT, pos=pa)
    qtbot.mouseMove(vp, QPoint((pa.x() + pb.x()) // 2, (pa.y() + pb.y()) // 2))
    qtbot.mouseMove(vp, pb)
    qtbot.mouseRelease(vp, LEFT, pos=pb)


# --- first start ---------------------------------------------------------------------------


def test_first_start_asks_your_name_and_says_the_first_person_becomes_lead(qtbot, tmp_path):
    from aal_desktop.ui.dialogs.user_dialog import UserDialog

    fresh = Project(tmp_path / "new" / "aal.sqlite3", user="login-name")
    dialog = UserDialog(fresh, "login-name")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.first_box.isVisible() and dialog.your_name.text() == "login-name"
    note = dialog.lead_note.text()
    assert "first person" in note and "lead" in note and "change" in note
    dialog.your_name.selectAll()
    qtbot.keyClicks(dialog.your_name, "Maria Keller")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.your_name, Qt.Key.Key_Return)
    assert dialog.chosen() == "Maria Keller"
    fresh.switch_user(str(dialog.chosen()))  # what the app does next
    assert fresh.role == Role.lead
    assert {u.name: u.role for u in users.list_users(fresh)}["Maria Keller"] == Role.lead
    fresh.close()

    # a project that already has people: no "first person" note, the list decides
    with Project(tmp_path / "new" / "aal.sqlite3", user="Maria Keller") as again:
        users.add_user(again, "ann", "annotator")
        later = UserDialog(again, "ann")
        qtbot.addWidget(later)
        later.show()
        assert not later.first_box.isVisible()
        assert later.chosen() == "ann"


def test_an_empty_page_shows_how_to_draw_until_a_box_is_drawn(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    hint = window.page_hint
    assert hint.isVisible() and "Left-drag to draw a box" in hint.text()
    assert "Help" in hint.text()
    assert hint.geometry().top() >= 0 and hint.geometry().right() <= window.canvas.width()
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)  # Table
    drag(qtbot, window, (80, 400), (300, 520))
    assert region_service.list_regions(session.project, window.doc.id, 0)
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=5000)
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown)  # page 2 has nothing yet
    assert hint.isVisible()
    window.grab().save(str(Path(settings.fileName()).parent / "hint.png"))


# --- the Documents panel -------------------------------------------------------------------


def test_documents_panel_shows_in_progress_as_soon_as_a_box_is_drawn(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    model = window.documents_panel.model
    assert model.index(0, 1).data() == "todo"
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)
    drag(qtbot, window, (80, 400), (300, 520))
    assert documents.resolve(session.project, window.doc.id).status.value == "in_progress"
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "in progress", timeout=5000)


def test_ctrl_page_down_leaves_exactly_one_row_selected_and_painted(
    qtbot, session, settings, tmp_path
):
    documents.import_paths(session.project, [make_pdf(tmp_path / "b.pdf", pages=2)])
    window = open_window(qtbot, session, settings)
    table = window.documents_panel.table
    qtbot.waitUntil(lambda: window.documents_panel.model.rowCount() == 2, timeout=5000)
    first_id = window.doc.id
    with qtbot.waitSignal(window.canvas.pageReady, timeout=60000):
        qtbot.keyClick(window.canvas, Qt.Key.Key_PageDown, CTRL)
    assert window.doc.id != first_id
    rows = [i.row() for i in table.selectionModel().selectedRows()]
    assert len(rows) == 1
    assert table.model().index(rows[0], 0).data(Qt.ItemDataRole.UserRole + 1) == window.doc.id
    # what is painted: the highlight colour only on that row (the old row repainted plain)
    highlight = table.palette().color(table.palette().ColorRole.Highlight)
    shot = table.viewport().grab().toImage()

    def painted(row: int) -> bool:
        y = table.rowViewportPosition(row) + table.rowHeight(row) // 2
        x = table.columnViewportPosition(2) + 2
        c = shot.pixelColor(
            x * shot.width() // table.viewport().width(),
            y * shot.height() // table.viewport().height(),
        )
        return abs(c.hue() - highlight.hue()) < 20 and c.saturation() > 80

    assert [r for r in range(2) if painted(r)] == rows


def test_document_names_are_elided_in_the_middle_with_the_full_name_in_the_tooltip(
    qtbot, session, settings, tmp_path
):
    long_a = "mupdf-rendering-regression-report-2024-volume-one-final.pdf"
    long_b = "mupdf-rendering-regression-report-2024-volume-two-final.pdf"
    documents.import_paths(
        session.project, [make_pdf(tmp_path / long_a), make_pdf(tmp_path / long_b)]
    )
    window = open_window(qtbot, session, settings)
    panel = window.documents_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    assert panel.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    rows = {panel.proxy.index(r, 0).data(): r for r in range(3)}
    tips = [
        panel.proxy.index(rows[n], 0).data(Qt.ItemDataRole.ToolTipRole) for n in (long_a, long_b)
    ]
    assert tips[0].splitlines()[0] == long_a and tips[1].splitlines()[0] == long_b
    # what a narrow panel shows: the two names still differ (their ends are kept)
    metrics = panel.table.fontMetrics()
    width = 160
    shown = [metrics.elidedText(n, panel.table.textElideMode(), width) for n in (long_a, long_b)]
    assert shown[0] != shown[1] and shown[0].startswith("mupdf")


# --- projects and imports ------------------------------------------------------------------


def test_a_file_that_is_not_a_project_is_not_added_to_recent_projects(
    qtbot, session, settings, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from aal_desktop.ui.app import App

    readme = tmp_path / "README.md"
    readme.write_text("# not a database\n" * 50)
    app = App(settings, "lead1")
    window = app.start(session.project)
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(readme), "All files (*)")
    )
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_O, CTRL)
    assert app.window is window  # it stayed on the open project
    assert window.last_error is not None
    recent = settings.value("recent_projects")
    recent = [recent] if isinstance(recent, str) else list(recent or [])
    assert str(readme.resolve()) not in recent
    window.recent_menu.aboutToShow.emit()
    assert all(str(readme) not in a.text() for a in window.recent_menu.actions())


def _encrypted(tmp_path: Path, name: str, password: str) -> Path:
    import pymupdf

    plain = make_pdf(tmp_path / f"plain-{name}", text=f"inside {name}")
    doc = pymupdf.open(plain)
    path = tmp_path / name
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password, owner_pw="owner")
    doc.close()
    return path


def _password_dialog(qtbot, run) -> QInputDialog:  # noqa: ANN001
    qtbot.waitUntil(
        lambda: run.password_dialog is not None and run.password_dialog.isVisible(), timeout=60000
    )
    return run.password_dialog


def test_encrypted_pdfs_ask_for_a_password_retry_when_wrong_and_cancel_skips(
    qtbot, session, settings, tmp_path
):
    locked = _encrypted(tmp_path, "locked.pdf", "s3cret")
    other = _encrypted(tmp_path, "other.pdf", "xyz")
    window = open_window(qtbot, session, settings)
    run = window.imports.import_files([str(locked), str(other)])

    dialog = _password_dialog(qtbot, run)
    assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
    assert "locked.pdf" in dialog.labelText() and "--password" not in dialog.labelText()
    field = dialog.findChild(QLineEdit)
    qtbot.keyClicks(field, "wrong")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: run.password_dialog is not None and run.password_dialog is not dialog, timeout=60000
    )
    again = _password_dialog(qtbot, run)
    assert "Wrong password" in again.labelText() and "locked.pdf" in again.labelText()
    field = again.findChild(QLineEdit)
    qtbot.keyClicks(field, "s3cret")
    qtbot.keyClick(field, Qt.Key.Key_Return)

    third = _password_dialog(qtbot, run)
    qtbot.waitUntil(lambda: third is not again and "other.pdf" in third.labelText(), timeout=60000)
    qtbot.keyClick(third.findChild(QLineEdit), Qt.Key.Key_Escape)  # Cancel: skip it

    qtbot.waitUntil(lambda: not run.is_running(), timeout=60000)
    by_name = {o.path.name: o for o in run.outcomes}
    assert by_name["locked.pdf"].status == "imported"
    assert by_name["other.pdf"].status == "rejected"
    assert "--password" not in (by_name["other.pdf"].reason or "")
    names = [d.filename for d in documents.list_documents(session.project)]
    assert "locked.pdf" in names and "other.pdf" not in names
    assert run.summary is not None and "1 imported" in run.summary.text()
    QApplication.processEvents()


# --- the tool bar ----------------------------------------------------------------------------


def test_undo_and_redo_have_their_own_icons_and_name_the_step(qtbot, session, settings):
    window = open_window(qtbot, session, settings)
    undo, redo = window.action("undo"), window.action("redo")
    icons = {
        k: window.action(k).icon().pixmap(18, 18).toImage()
        for k in ("undo", "redo", "prev_page", "next_page", "prev_doc", "next_doc")
    }
    assert not undo.icon().isNull() and not redo.icon().isNull()
    assert icons["undo"] != icons["redo"]
    for arrow in ("prev_page", "next_page", "prev_doc", "next_doc"):
        assert icons["undo"] != icons[arrow] and icons["redo"] != icons[arrow]
    button = window.toolbar.widgetForAction(undo)
    assert button is not None and "Nothing to undo" in button.toolTip()
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)
    drag(qtbot, window, (80, 400), (300, 520))
    step = window.session.undo_stack.undoText()
    assert step
    assert button.toolTip() == f"Undo {step} (Ctrl+Z)"
    qtbot.mouseClick(button, LEFT)
    assert region_service.list_regions(session.project, window.doc.id, 0) == []
    redo_button = window.toolbar.widgetForAction(redo)
    assert redo_button.toolTip() == f"Redo {step} (Ctrl+Shift+Z)"
    assert button.toolTip() == "Nothing to undo"
