"""The Models view: registry, details, deploy with gates, rollback, retire, lineage graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from aal_desktop.services import models
from aal_desktop.services.project import Project
from aal_desktop.ui.models_view import RETIRED_FILL, ModelsDialog
from aal_desktop.ui.session import Session

from ..test_models import Lifecycle, build_lifecycle


@pytest.fixture
def life(tmp_path: Path) -> Iterator[Lifecycle]:
    lc = build_lifecycle(tmp_path)
    models.deploy(lc.project, "det:1", "prod", ["mAP>=0.7"], at="2025-03-01T00:00:00Z")
    yield lc


@pytest.fixture
def project(life: Lifecycle) -> Project:
    """The lifecycle's project is the one the session (from conftest) opens."""
    return life.project


def click_row(qtbot: QtBot, dialog: ModelsDialog, row: int) -> None:
    t = dialog.table
    rect = t.visualRect(t.model().index(row, 0))
    qtbot.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_ok(qtbot: QtBot, box: QDialogButtonBox) -> None:
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def click_node(qtbot: QtBot, dialog: ModelsDialog, node_id: str) -> None:
    item = dialog.scene.items_by_id[node_id]
    view = dialog.graph_view
    view.ensureVisible(item)
    pos: QPoint = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_registry_details_and_graph(session: Session, qtbot: QtBot) -> None:
    d = ModelsDialog(session)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert [d.table.item(r, 0).text() for r in range(d.table.rowCount())] == [
        "det:1",
        "det:2",
        "det:3",
    ]
    assert d.table.item(0, 4).text() == "deployed: prod"
    click_row(qtbot, d, 1)
    assert d.selected_ref() == "det:2"
    text = d.details.toPlainText()
    sha = models.get_model(session.project, "det:2").weights_sha256
    assert sha in text and "Corrections v1 → v2: 2" in text and "bold heading" in text
    ids = set(d.scene.items_by_id)
    assert {
        "schema:1",
        "dataset:v1",
        "dataset:v2",
        "model:det:1",
        "model:det:2",
        "model:det:3",
        "deployment:1",
    } <= ids
    # clicking a model in the graph selects it in the registry
    click_node(qtbot, d, "model:det:3")
    assert d.selected_ref() == "det:3"
    assert "v1" in d.details.toPlainText() and "v2" in d.details.toPlainText()


def test_deploy_dialog_refuses_a_failing_gate_then_forces_with_reason(
    session: Session, qtbot: QtBot, shots: Path
) -> None:
    d = ModelsDialog(session)
    qtbot.addWidget(d)
    d.show()
    click_row(qtbot, d, 1)  # det:2, mAP 0.83
    qtbot.mouseClick(d.deploy_button, Qt.MouseButton.LeftButton)
    dlg = d.deploy_dialog
    assert dlg is not None and dlg.isVisible()
    dlg.env.lineEdit().selectAll()
    qtbot.keyClicks(dlg.env.lineEdit(), "prod")
    qtbot.keyClicks(dlg.gates, "mAP>=0.9")
    assert "FAILED" in dlg.gate_results.text()  # shown while typing
    qtbot.keyClick(dlg.gates, Qt.Key.Key_Return)
    qtbot.keyClicks(dlg.gates, "recall>=0.8")
    qtbot.keyClicks(dlg.limitations, "English documents only")
    click_ok(qtbot, dlg.buttons)
    assert dlg.isVisible() and "refused" in dlg.error.text() and "0.83" in dlg.error.text()
    assert models.current_deployment(session.project, "prod").ref == "det:1"
    qtbot.mouseClick(dlg.force, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dlg.reason, "release freeze; QA signed off")
    click_ok(qtbot, dlg.buttons)
    assert not dlg.isVisible()
    dep = models.current_deployment(session.project, "prod")
    assert dep.ref == "det:2" and dep.forced and dep.force_reason == "release freeze; QA signed off"
    assert [(g.gate, g.passed) for g in dep.gates] == [("mAP>=0.9", False), ("recall>=0.8", True)]
    assert dep.limitations == ("English documents only",) and dep.replaces == 1
    qtbot.waitUntil(lambda: d.table.item(1, 4).text() == "deployed: prod")
    assert d.table.item(0, 4).text() == "registered"
    assert "FORCED" in d.status.text()

    # roll back: puts det:1 back as a new deployment pointing at the replaced one
    qtbot.mouseClick(d.rollback_button, Qt.MouseButton.LeftButton)
    rb = d.rollback_dialog
    assert rb is not None and "puts back det:1" in rb.current.text()
    qtbot.keyClicks(rb.reason, "precision dropped")
    click_ok(qtbot, rb.buttons)
    cur = models.current_deployment(session.project, "prod")
    assert cur.kind == "rollback" and cur.ref == "det:1" and cur.replaces == dep.id
    qtbot.waitUntil(lambda: "deployment:3" in d.scene.items_by_id)
    d.resize(1280, 860)
    d.grab().save(str(shots / "models.png"))


def test_retire_model_and_dataset_version_grey_them_in_the_graph(
    session: Session, qtbot: QtBot
) -> None:
    d = ModelsDialog(session)
    qtbot.addWidget(d)
    d.show()
    click_row(qtbot, d, 2)  # det:3, never deployed
    qtbot.mouseClick(d.retire_button, Qt.MouseButton.LeftButton)
    dlg = d.retire_dialog
    assert dlg is not None
    click_ok(qtbot, dlg.buttons)  # no reason yet
    assert dlg.isVisible() and "reason" in dlg.error.text()
    qtbot.keyClicks(dlg.reason, "trained on mixed versions by mistake")
    dlg.successor.setCurrentText("det:2")
    qtbot.keyClicks(dlg.archive, "s3://models/det/3")
    click_ok(qtbot, dlg.buttons)
    m = models.get_model(session.project, "det:3")
    assert m.retired and m.successor == "det:2" and m.archive == "s3://models/det/3"
    qtbot.waitUntil(lambda: d.table.item(2, 4).text() == "retired")
    node = d.scene.items_by_id["model:det:3"]
    assert node.node.retired and node.brush().color().name() == RETIRED_FILL
    assert not d.retire_button.isEnabled() and not d.deploy_button.isEnabled()
    # a dataset version is retired from the graph
    click_node(qtbot, d, "dataset:v1")
    assert d.retire_version_button.isEnabled()
    qtbot.mouseClick(d.retire_version_button, Qt.MouseButton.LeftButton)
    vd = d.retire_dialog
    qtbot.keyClicks(vd.reason, "licence withdrawn")
    vd.successor.setCurrentText("v2")
    click_ok(qtbot, vd.buttons)
    qtbot.waitUntil(lambda: d.scene.items_by_id["dataset:v1"].node.retired)
    assert d.scene.items_by_id["dataset:v1"].brush().color().name() == RETIRED_FILL
    assert "model:det:1" in d.scene.items_by_id  # still traceable


def test_check_weights_and_report_from_the_view(
    session: Session, life: Lifecycle, qtbot: QtBot, tmp_path: Path
) -> None:
    d = ModelsDialog(session)
    qtbot.addWidget(d)
    d.show()
    click_row(qtbot, d, 0)
    life.weights["det:1"].write_bytes(b"changed")
    qtbot.mouseClick(d.check_button, Qt.MouseButton.LeftButton)
    assert "CHANGED" in d.status.text()
    out = d.save_report(str(tmp_path / "det1.html"))
    assert out is not None and "det:1" in Path(out).read_text(encoding="utf-8")


def test_annotators_cannot_deploy_or_retire(session: Session, qtbot: QtBot) -> None:
    session.project.switch_user("ann1")
    d = ModelsDialog(session)
    qtbot.addWidget(d)
    d.show()
    click_row(qtbot, d, 1)
    assert not d.deploy_button.isEnabled() and not d.retire_button.isEnabled()
    assert not d.rollback_button.isEnabled()
    assert d.check_button.isEnabled() and d.report_button.isEnabled()
