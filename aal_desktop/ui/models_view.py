"""Models view for leads: registry, details, deploy/rollback/retire dialogs, lineage graph.

Every action goes through services.models; the view redraws from `session.versionsChanged`
(and schemaChanged), so what it shows is always what the store says. The lineage graph is a
QGraphicsScene in four columns — schema versions → dataset versions → models → deployments —
with retired assets greyed, dashed and marked, and rollback pointers drawn between
deployments.

Split by job (STYLE.md: one module, one job): the action dialogs live in `model_dialogs`,
the lineage graph scene in `lineage_graph`; `ModelsDialog` ties them together here. Their
public names are re-exported so `from aal_desktop.ui.models_view import ...` keeps working.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..services import lineage as lin
from ..services import models
from ..services import report as reports
from ..services.report_render import flatten_metrics
from .lineage_graph import (
    COL_GAP,
    COLOURS,
    COLUMN_TITLES,
    COLUMNS,
    NODE_H,
    NODE_W,
    RETIRED_FILL,
    RETIRED_TEXT,
    ROW_GAP,
    LineageScene,
    NodeItem,
)
from .model_dialogs import DeployDialog, RetireDialog, RollbackDialog, metrics_text
from .run_search_dialog import RunSearchDialog

if TYPE_CHECKING:
    from .session import Session

__all__ = [
    "COLOURS",
    "COLUMNS",
    "COLUMN_TITLES",
    "COL_GAP",
    "HEADERS",
    "NODE_H",
    "NODE_W",
    "RETIRED_FILL",
    "RETIRED_TEXT",
    "ROW_GAP",
    "DeployDialog",
    "LineageScene",
    "ModelsDialog",
    "NodeItem",
    "RetireDialog",
    "RollbackDialog",
]

HEADERS = ("Model", "Datasets", "Schema", "Metrics", "Status", "Registered", "SHA-256")


# --- the dialog -------------------------------------------------------------------------------


class ModelsDialog(QDialog):
    """Registry table, details of the selected model, actions for leads, lineage graph."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Models and lineage")
        self.resize(1280, 820)
        self.rows: list[models.ModelVersion] = []
        self.deploy_dialog: DeployDialog | None = None
        self.rollback_dialog: RollbackDialog | None = None
        self.retire_dialog: RetireDialog | None = None

        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self.show_details)

        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)

        self.deploy_button = QPushButton("Deploy…", self)
        self.rollback_button = QPushButton("Roll back…", self)
        self.retire_button = QPushButton("Retire…", self)
        self.check_button = QPushButton("Check weights", self)
        self.report_button = QPushButton("Technical report…", self)
        self.find_runs_button = QPushButton("Find runs…", self)
        self.find_runs_button.setToolTip(
            "Runs trained on the same data and configuration, and a side-by-side comparison"
        )
        self.find_runs_button.clicked.connect(lambda: self.open_find_runs())
        self.run_search_dialog: RunSearchDialog | None = None
        self.deploy_button.clicked.connect(self.open_deploy)
        self.rollback_button.clicked.connect(self.open_rollback)
        self.retire_button.clicked.connect(self.open_retire)
        self.check_button.clicked.connect(self.check_weights)
        self.report_button.clicked.connect(lambda: self.save_report())
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        self.scene = LineageScene(self)
        self.scene.nodeClicked.connect(self.node_clicked)
        self.graph_view = QGraphicsView(self.scene, self)
        self.graph_view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.graph_view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.retire_version_button = QPushButton("Retire dataset version…", self)
        self.retire_version_button.setEnabled(False)
        self.retire_version_button.clicked.connect(self.open_retire_version)
        self.selected_dataset: str | None = None
        legend = QLabel(
            "Click a model to select it, a dataset version to retire it. "
            "Grey, dashed, struck-through: retired. Dashed arrows: parent "
            "versions and rollback pointers (deployment → the one replacing it).",
            self,
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555")

        buttons = QHBoxLayout()
        for b in (
            self.deploy_button,
            self.rollback_button,
            self.retire_button,
            self.check_button,
            self.report_button,
            self.find_runs_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.table, 1)
        ll.addLayout(buttons)
        ll.addWidget(self.status)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(left)
        top.addWidget(self.details)
        top.setSizes([720, 540])
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(legend, 1)
        row.addWidget(self.retire_version_button)
        bl.addLayout(row)
        bl.addWidget(self.graph_view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([380, 440])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(close)

        session.versionsChanged.connect(self.refresh)
        session.schemaChanged.connect(self.refresh)
        self.refresh()

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the registry and the graph, keeping the selected model selected."""
        keep = self.selected_ref()
        p = self.session.project
        self.rows = models.list_models(p)
        live: dict[str, list[str]] = {}
        for env in models.environments(p):
            cur = models.current_deployment(p, env)
            if cur is not None:
                live.setdefault(cur.ref, []).append(env)
        self.table.setRowCount(len(self.rows))
        for r, m in enumerate(self.rows):
            status = (
                "retired"
                if m.retired
                else "deployed: " + ", ".join(live[m.ref])
                if m.ref in live
                else "registered"
            )
            values = (
                m.ref,
                ", ".join(m.datasets),
                str(m.schema_version or "-"),
                metrics_text(m.metrics),
                status,
                m.registered_at[:16].replace("T", " "),
                m.weights_sha256[:12],
            )
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if m.retired:
                    item.setForeground(QBrush(QColor(RETIRED_TEXT)))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        lead = p.is_lead
        for b in (
            self.deploy_button,
            self.rollback_button,
            self.retire_button,
            self.retire_version_button,
        ):
            b.setToolTip("" if lead else "only leads deploy, roll back and retire")
        self.rollback_button.setEnabled(lead and bool(models.environments(p)))
        self.scene.show_graph(lin.graph(p))
        self.graph_view.setSceneRect(self.scene.itemsBoundingRect().adjusted(-50, -10, 20, 20))
        if keep is not None:
            self.select_model(keep)
        elif self.rows:
            self.table.selectRow(len(self.rows) - 1)
        self.show_details()

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()].ref

    def select_model(self, ref: str) -> None:
        for r, m in enumerate(self.rows):
            if m.ref == ref:
                self.table.selectRow(r)
                return

    def node_clicked(self, node_id: str) -> None:
        kind, _, key = node_id.partition(":")
        if kind == "model":
            self.select_model(key)
        elif kind == "deployment":
            dep = models.get_deployment(self.session.project, int(key))
            self.select_model(dep.ref)
        self.selected_dataset = key if kind == "dataset" else None
        node = self.scene.items_by_id.get(node_id)
        self.retire_version_button.setEnabled(
            self.session.project.is_lead
            and kind == "dataset"
            and node is not None
            and not node.node.retired
        )
        self.retire_version_button.setText(
            f"Retire dataset version {key}…" if kind == "dataset" else "Retire dataset version…"
        )

    def show_details(self) -> None:
        ref = self.selected_ref()
        lead = self.session.project.is_lead
        m = next((x for x in self.rows if x.ref == ref), None)
        self.deploy_button.setEnabled(lead and m is not None and not m.retired)
        self.retire_button.setEnabled(lead and m is not None and not m.retired)
        self.check_button.setEnabled(m is not None)
        self.report_button.setEnabled(m is not None)
        if ref is None:
            self.details.setHtml(
                "<p>No model selected. Register one with "
                "<code>aal model register</code> or the Python API.</p>"
            )
            return
        self.details.setHtml(self._details_html(lin.model_lineage(self.session.project, ref)))

    def _details_html(self, ml: lin.ModelLineage) -> str:
        m = ml.model
        e = html.escape
        out = [
            f"<h3>{e(m.ref)}"
            + (" <span style='color:#c62828'>[retired]</span>" if m.retired else "")
            + "</h3>",
            f"<p><b>Weights</b> {e(m.weights_path)}<br><b>SHA-256</b> "
            f"<code>{m.weights_sha256}</code> ({m.weights_size} bytes)<br>"
            f"<b>Framework</b> {e(m.framework or '-')} · <b>config</b> "
            f"{e(m.config_name or '-')}<br><b>Registered</b> {e(m.registered_at)} by "
            f"{e(m.registered_by)}</p>",
        ]
        if m.override_reason:
            out.append(f"<p><b>Retired data used because:</b> {e(m.override_reason)}</p>")
        out.append(
            "<p><b>Metrics</b> "
            + e(", ".join(f"{k}={v}" for k, v in flatten_metrics(m.metrics)) or "(none)")
            + "</p>"
        )
        out.append("<p><b>Trained on</b></p><ul>")
        for d in ml.datasets:
            out.append(
                f"<li>{e(d.name)}"
                + (" <i>(retired)</i>" if d.retired else "")
                + f" — schema v{d.schema_version}, {len(d.documents)} documents, "
                f"{d.regions} regions; licences {e(', '.join(d.licences))}</li>"
            )
        out.append("</ul>")
        for cs in ml.corrections:
            span = (
                f"{cs.from_version} → {cs.to_version}"
                if cs.from_version
                else f"before {cs.to_version}"
            )
            who = ", ".join(f"{u} {n}" for u, n in cs.by_user.items()) or "none"
            out.append(f"<p><b>Corrections {e(span)}</b>: {len(cs.corrections)} ({e(who)})")
            reasons = [c.reason for c in cs.corrections if c.reason][:5]
            if reasons:
                out.append("<br>" + "<br>".join(f"· {e(r)}" for r in reasons))
            out.append("</p>")
        if ml.deployments:
            out.append("<p><b>Deployments</b></p><ul>")
            for dep in ml.deployments:
                gates = ", ".join(f"{g.gate} {'✓' if g.passed else '✗'}" for g in dep.gates)
                until = (
                    f"{dep.ended_at[:16]} (replaced by {dep.ended_by_model})"
                    if dep.ended_at
                    else "active"
                )
                out.append(
                    f"<li>#{dep.id} {e(dep.env)} ({dep.kind}) "
                    f"{e(dep.deployed_at[:16])} → {e(until)}"
                    + (f"; gates {e(gates)}" if gates else "")
                    + (f"; <b>forced</b>: {e(dep.force_reason or '')}" if dep.forced else "")
                    + "".join(f"<br>limitation: {e(t)}" for t in dep.limitations)
                    + "</li>"
                )
            out.append("</ul>")
        if ml.retirement:
            r = ml.retirement
            out.append(
                f"<p><b>Retired</b> {e(r.retired_at)} by {e(r.retired_by)}: "
                f"{e(r.reason)}; successor {e(r.successor or '-')}; archive "
                f"{e(r.archive or '-')}</p>"
            )
        return "\n".join(out)

    # --- actions ----------------------------------------------------------------------------

    def open_find_runs(self) -> RunSearchDialog:
        """Runs like the selected model (or a blank search), non-modal beside the registry."""
        self.run_search_dialog = RunSearchDialog(self.session, self, self.selected_ref())
        self.run_search_dialog.show()
        return self.run_search_dialog

    def open_deploy(self) -> DeployDialog | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        self.deploy_dialog = DeployDialog(self.session, ref, self)
        self.deploy_dialog.accepted.connect(self._deployed)
        self.deploy_dialog.open()
        return self.deploy_dialog

    def _deployed(self) -> None:
        d = self.deploy_dialog.deployment if self.deploy_dialog else None
        if d is not None:
            self.status.setText(
                f"Deployed {d.ref} to {d.env} (deployment #{d.id})"
                + (" — FORCED" if d.forced else "")
            )

    def open_rollback(self) -> RollbackDialog:
        self.rollback_dialog = RollbackDialog(self.session, self)
        self.rollback_dialog.accepted.connect(self._rolled_back)
        self.rollback_dialog.open()
        return self.rollback_dialog

    def _rolled_back(self) -> None:
        d = self.rollback_dialog.deployment if self.rollback_dialog else None
        if d is not None:
            self.status.setText(f"Rolled back {d.env} to {d.ref} (deployment #{d.id})")

    def open_retire(self) -> RetireDialog | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        return self._open_retire("model", ref)

    def open_retire_version(self) -> RetireDialog | None:
        if self.selected_dataset is None:
            return None
        return self._open_retire("dataset_version", self.selected_dataset)

    def _open_retire(self, kind: str, asset: str) -> RetireDialog:
        self.retire_dialog = RetireDialog(self.session, kind, asset, self)
        self.retire_dialog.accepted.connect(self._retired)
        self.retire_dialog.open()
        return self.retire_dialog

    def _retired(self) -> None:
        r = self.retire_dialog.retirement if self.retire_dialog else None
        if r is not None:
            self.status.setText(f"Retired {r.asset_kind.replace('_', ' ')} {r.asset}: {r.reason}")

    def check_weights(self) -> models.WeightsCheck | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        check = models.check_weights(self.session.project, ref)
        self.status.setStyleSheet(
            "color: #2e7d32" if check.matches else "color: #c62828; font-weight: bold"
        )
        self.status.setText(check.describe())
        return check

    def save_report(self, path: str | None = None) -> str | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self,
                f"Technical report of {ref}",
                f"{ref.replace(':', '-')}.html",
                "HTML (*.html);;Markdown (*.md)",
            )
        if not path:
            return None
        try:
            out = reports.write_report(self.session.project, ref, path)
        except (AalError, OSError) as exc:
            self.status.setText(f"report not written: {exc}")
            return None
        self.status.setStyleSheet("")
        self.status.setText(f"Wrote {out}")
        return str(out)
