"""Models → Find runs…: the same search as `aal model find`, and two runs side by side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from aal_desktop.services import models
from aal_desktop.services.project import Project
from aal_desktop.ui.models_view import ModelsDialog
from aal_desktop.ui.run_search_dialog import DIFFERS, RunSearchDialog
from aal_desktop.ui.session import Session

from ..test_models import Lifecycle, build_lifecycle
from .test_models_view import click_row


@pytest.fixture
def life(tmp_path: Path) -> Iterator[Lifecycle]:
    lc = build_lifecycle(tmp_path)
    cfg = tmp_path / "lower.yaml"
    cfg.write_text("epochs: 30\nlr: 0.0005\n", encoding="utf-8")
    w = tmp_path / "lower.pt"
    w.write_bytes(b"lower")
    models.register_model(lc.project, "det", w, ["v2"], {"mAP": 0.86}, cfg, "ultralytics 8.3")
    yield lc


@pytest.fixture
def project(life: Lifecycle) -> Project:
    return life.project


def _check(dialog: RunSearchDialog, name: str) -> None:
    for i in range(dialog.datasets.count()):
        if dialog.datasets.item(i).text() == name:
            dialog.datasets.item(i).setCheckState(Qt.CheckState.Checked)


def test_search_by_datasets_and_config_lists_the_runs(
    session: Session, qtbot: QtBot, life: Lifecycle
) -> None:
    d = RunSearchDialog(session)
    qtbot.addWidget(d)
    d.show()
    _check(d, "v2")
    qtbot.mouseClick(d.search_button, Qt.MouseButton.LeftButton)
    assert [d.table.item(r, 0).text() for r in range(d.table.rowCount())] == ["det:2", "det:4"]
    assert d.summary.text() == "2 registered runs match"
    d.set_config(life.tmp / "train.yaml")
    qtbot.keyClick(d.framework, Qt.Key.Key_Return)
    assert [d.table.item(r, 0).text() for r in range(d.table.rowCount())] == ["det:2"]
    assert d.summary.text() == "1 registered run matches"


def test_two_selected_runs_compare_side_by_side_with_the_changed_key_marked(
    session: Session, qtbot: QtBot
) -> None:
    d = RunSearchDialog(session)
    qtbot.addWidget(d)
    d.show()
    _check(d, "v2")
    d.search()
    assert not d.compare_button.isEnabled()
    d.table.selectAll()
    assert d.compare_button.isEnabled()
    qtbot.mouseClick(d.compare_button, Qt.MouseButton.LeftButton)
    rows = {
        d.comparison.item(r, 0).text(): (
            d.comparison.item(r, 1).text(),
            d.comparison.item(r, 2).text(),
        )
        for r in range(d.comparison.rowCount())
    }
    assert rows["  lr"] == ("0.001", "0.0005")
    assert rows["Datasets"] == ("v2", "v2")
    lr_row = [
        r for r in range(d.comparison.rowCount()) if d.comparison.item(r, 0).text() == "  lr"
    ][0]
    assert d.comparison.item(lr_row, 1).background().color() == DIFFERS
    assert d.comparison.horizontalHeaderItem(1).text() == "det:2"


def test_models_view_opens_the_search_for_the_selected_model(
    session: Session, qtbot: QtBot
) -> None:
    m = ModelsDialog(session)
    qtbot.addWidget(m)
    m.show()
    qtbot.waitExposed(m)
    click_row(qtbot, m, 1)  # det:2, on v2
    qtbot.mouseClick(m.find_runs_button, Qt.MouseButton.LeftButton)
    found = m.run_search_dialog
    assert found is not None and found.isVisible()
    qtbot.addWidget(found)
    assert found.checked_datasets() == ["v2"]
    assert [found.table.item(r, 0).text() for r in range(found.table.rowCount())] == [
        "det:2",
        "det:4",
    ]
