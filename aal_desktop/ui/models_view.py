"""Models view for leads: registry, details, deploy/rollback/retire dialogs, lineage graph.

Every action goes through services.models; the view redraws from `session.versionsChanged`
(and schemaChanged), so what it shows is always what the store says. The lineage graph is a
QGraphicsScene in four columns — schema versions → dataset versions → models → deployments —
with retired assets greyed, dashed and marked, and rollback pointers drawn between
deployments.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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

if TYPE_CHECKING:
    from .session import Session

HEADERS = ("Model", "Datasets", "Schema", "Metrics", "Status", "Registered", "SHA-256")
COLUMNS = {"schema": 0, "dataset": 1, "model": 2, "deployment": 3}
COLUMN_TITLES = ("Schema versions", "Dataset versions", "Models", "Deployments")
COLOURS = {"schema": "#7b1fa2", "dataset": "#1565c0", "model": "#2e7d32",
           "deployment": "#ef6c00"}
RETIRED_FILL = "#e6e6e6"
RETIRED_TEXT = "#8a8a8a"
NODE_W, NODE_H, COL_GAP, ROW_GAP = 190.0, 42.0, 90.0, 16.0


def _metrics_text(metrics: dict[str, object], limit: int = 3) -> str:
    flat = [(k, v) for k, v in metrics.items() if isinstance(v, int | float)]
    shown = ", ".join(f"{k}={v:g}" for k, v in flat[:limit])  # type: ignore[str-format]
    return shown + (" …" if len(flat) > limit or len(flat) < len(metrics) else "")


# --- dialogs ----------------------------------------------------------------------------------

class _ActionDialog(QDialog):
    """A form, a red error line and OK/Cancel; OK runs one service call.

    Deploy, rollback and retire all behave alike: a refusal stays in the dialog with the
    service's reason, so the lead can fix the input and try again.
    """

    error: QLabel
    buttons: QDialogButtonBox
    ok_button: QPushButton

    def _lay_out(self, form: QFormLayout, ok_text: str, *notes: QWidget) -> None:
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for note in notes:
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _run(self, action: Callable[[], None]) -> None:
        """Run the service call; close on success, show the refusal otherwise."""
        try:
            action()
        except AalError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class DeployDialog(_ActionDialog):
    """Deploy one model version: environment, gates (checked live), limitations, override."""

    def __init__(self, session: Session, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = models.get_model(session.project, model)
        self.deployment: models.Deployment | None = None
        self.setWindowTitle(f"Deploy {self.model.ref}")
        self.env = QComboBox(self)
        self.env.setEditable(True)
        self.env.addItems(models.environments(session.project) or ["production"])
        self.gates = QPlainTextEdit(self)
        self.gates.setPlaceholderText("one gate a line, e.g. mAP>=0.8")
        self.gates.setFixedHeight(80)
        self.gate_results = QLabel(self)
        self.gate_results.setTextFormat(Qt.TextFormat.RichText)
        self.gate_results.setWordWrap(True)
        self.limitations = QPlainTextEdit(self)
        self.limitations.setPlaceholderText("one known limitation a line")
        self.limitations.setFixedHeight(70)
        self.force = QCheckBox("Deploy even if a gate fails (recorded with the reason)", self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why (required to force)")
        metrics = QLabel(html.escape(_metrics_text(self.model.metrics, 12)) or
                         "(no metrics recorded)", self)
        metrics.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Model", QLabel(f"<b>{html.escape(self.model.ref)}</b>", self))
        form.addRow("Recorded metrics", metrics)
        form.addRow("Environment", self.env)
        form.addRow("Gates", self.gates)
        form.addRow("", self.gate_results)
        form.addRow("Limitations", self.limitations)
        form.addRow("", self.force)
        form.addRow("Reason", self.reason)
        self._lay_out(form, "Deploy")
        self.gates.textChanged.connect(self.update_gates)
        self.update_gates()

    def gate_lines(self) -> list[str]:
        return [g.strip() for g in self.gates.toPlainText().splitlines() if g.strip()]

    def update_gates(self) -> None:
        """Show each gate's result against the recorded metrics while it is typed."""
        parts = []
        for text in self.gate_lines():
            try:
                r = models.evaluate_gate(models.parse_gate(text), self.model.metrics, text)
            except AalError as exc:
                parts.append(f"<span style='color:#c62828'>{html.escape(str(exc))}</span>")
                continue
            colour = "#2e7d32" if r.passed else "#c62828"
            parts.append(f"<span style='color:{colour}'>{html.escape(r.describe())}</span>")
        self.gate_results.setText("<br>".join(parts))

    def accept(self) -> None:
        """Deploy through the service; a refusal stays in the dialog with its reason."""

        def deploy() -> None:
            self.deployment = models.deploy(
                self.session.project, self.model.ref, self.env.currentText(), self.gate_lines(),
                [t for t in self.limitations.toPlainText().splitlines() if t.strip()],
                force=self.force.isChecked(), reason=self.reason.text() or None)

        self._run(deploy)


class RollbackDialog(_ActionDialog):
    """Put back what the current deployment of an environment replaced."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.deployment: models.Deployment | None = None
        self.setWindowTitle("Roll back")
        self.env = QComboBox(self)
        self.env.addItems(models.environments(session.project))
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why (recorded)")
        form = QFormLayout()
        form.addRow("Environment", self.env)
        form.addRow("", self.current)
        form.addRow("Reason", self.reason)
        self._lay_out(form, "Roll back")
        self.env.currentTextChanged.connect(self._describe)
        self._describe()

    def _describe(self) -> None:
        env = self.env.currentText()
        cur = models.current_deployment(self.session.project, env) if env else None
        if cur is None:
            self.current.setText("Nothing deployed.")
        elif cur.replaces is None:
            self.current.setText(f"{cur.ref} (#{cur.id}) was the first deployment: nothing "
                                 "to roll back to.")
        else:
            back = models.get_deployment(self.session.project, cur.replaces)
            self.current.setText(f"Now {cur.ref} (#{cur.id}); rolling back puts back "
                                 f"{back.ref} (#{back.id}).")

    def accept(self) -> None:
        def rollback() -> None:
            self.deployment = models.rollback(self.session.project, self.env.currentText(),
                                              self.reason.text() or None)

        self._run(rollback)


class RetireDialog(_ActionDialog):
    """Retire a model version or a dataset version: reason, successor, archive location."""

    def __init__(self, session: Session, kind: str, asset: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind  # 'model' | 'dataset_version'
        self.asset = asset
        self.retirement: models.Retirement | None = None
        what = "model" if kind == "model" else "dataset version"
        self.setWindowTitle(f"Retire {what} {asset}")
        p = session.project
        if kind == "model":
            choices = [m.ref for m in models.list_models(p) if m.ref != asset and not m.retired]
        else:
            choices = [r[0] for r in p.db.execute(
                "SELECT name FROM dataset_versions WHERE name != ? AND retired_at IS NULL "
                "ORDER BY created_at", [asset])]
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why it is retired (required)")
        self.successor = QComboBox(self)
        self.successor.addItems(["(none)", *choices])
        self.archive = QLineEdit(self)
        self.archive.setPlaceholderText("e.g. s3://archive/… (optional)")
        form = QFormLayout()
        form.addRow(what.capitalize(), QLabel(f"<b>{html.escape(asset)}</b>", self))
        form.addRow("Reason", self.reason)
        form.addRow("Successor", self.successor)
        form.addRow("Archived at", self.archive)
        note = QLabel("Retired assets stay listed and traceable; nothing is deleted.", self)
        note.setStyleSheet("color: #555")
        self._lay_out(form, "Retire", note)

    def accept(self) -> None:
        successor = self.successor.currentText()
        succ = None if self.successor.currentIndex() == 0 else successor
        archive = self.archive.text().strip() or None
        retire = models.retire_model if self.kind == "model" else models.retire_version

        def run() -> None:
            self.retirement = retire(self.session.project, self.asset, self.reason.text(), succ,
                                     archive)

        self._run(run)


# --- lineage graph ----------------------------------------------------------------------------

class NodeItem(QGraphicsRectItem):
    """One asset in the lineage graph; retired ones are grey, dashed and marked."""

    def __init__(self, node: lin.Node, rect: QRectF) -> None:
        super().__init__(rect)
        self.node = node
        colour = QColor(COLOURS[node.kind])
        inactive = node.kind == "deployment" and not node.detail.get("active", False)
        if node.retired:
            self.setBrush(QBrush(QColor(RETIRED_FILL)))
            pen = QPen(QColor(RETIRED_TEXT), 1.5, Qt.PenStyle.DashLine)
        else:
            fill = QColor(colour)
            fill.setAlpha(28 if inactive else 60)
            self.setBrush(QBrush(fill))
            pen = QPen(colour, 1.2 if inactive else 2.2)
        self.setPen(pen)
        self.setToolTip(self._tooltip())
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        label = node.label
        if node.kind == "deployment":
            when = str(node.detail.get("deployed_at", ""))[:16].replace("T", " ")
            label += f"\n{when}" + ("  ● active" if not inactive else "")
        if node.retired:
            label += "\n✕ retired"
        text = QGraphicsSimpleTextItem(label, self)
        font = QFont()
        font.setPointSizeF(9.0)
        font.setBold(node.kind == "model")
        font.setStrikeOut(node.retired and node.kind != "deployment")
        text.setFont(font)
        text.setBrush(QBrush(QColor(RETIRED_TEXT if node.retired else "#1a1a1a")))
        br = text.boundingRect()
        text.setPos(rect.x() + 8, rect.y() + (rect.height() - br.height()) / 2)

    def _tooltip(self) -> str:
        d = self.node.detail
        lines = [f"{self.node.kind}: {self.node.label}"]
        lines += [f"{k}: {v}" for k, v in d.items() if v not in (None, "", {})]
        if self.node.retired:
            lines.append("RETIRED")
        return "\n".join(lines)


class LineageScene(QGraphicsScene):
    """Lays out a lineage.Graph in columns and draws its edges; emits the clicked node id."""

    nodeClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items_by_id: dict[str, NodeItem] = {}

    def show_graph(self, graph: lin.Graph) -> None:
        self.clear()
        self.items_by_id = {}
        rows = [0, 0, 0, 0]
        for c, title in enumerate(COLUMN_TITLES):
            t = self.addSimpleText(title)
            f = QFont()
            f.setBold(True)
            t.setFont(f)
            t.setPos(c * (NODE_W + COL_GAP), -34)
        for node in graph.nodes:
            col = COLUMNS[node.kind]
            rect = QRectF(col * (NODE_W + COL_GAP), rows[col] * (NODE_H + ROW_GAP),
                          NODE_W, NODE_H)
            rows[col] += 1
            item = NodeItem(node, rect)
            self.addItem(item)
            self.items_by_id[node.id] = item
        for edge in graph.edges:
            self._edge(edge)

    def _edge(self, edge: lin.Edge) -> None:
        a = self.items_by_id[edge.source].rect()
        b = self.items_by_id[edge.target].rect()
        path = QPainterPath()
        if abs(a.x() - b.x()) < 1:  # within a column: a bow on the left side
            start = QPointF(a.left(), a.center().y())
            end = QPointF(b.left(), b.center().y())
            bulge = 30 + abs(end.y() - start.y()) * 0.15
            path.moveTo(start)
            path.cubicTo(start - QPointF(bulge, 0), end - QPointF(bulge, 0), end)
            tip, direction = end, QPointF(1, 0)
        else:
            start = QPointF(a.right(), a.center().y())
            end = QPointF(b.left(), b.center().y())
            mid = (start.x() + end.x()) / 2
            path.moveTo(start)
            path.cubicTo(QPointF(mid, start.y()), QPointF(mid, end.y()), end)
            tip, direction = end, QPointF(1, 0)
        retired = (self.items_by_id[edge.source].node.retired
                   or self.items_by_id[edge.target].node.retired)
        colour = QColor("#b0b0b0" if retired else "#555")
        style = Qt.PenStyle.DashLine if edge.kind in ("parent", "replaces") else \
            Qt.PenStyle.SolidLine
        item = QGraphicsPathItem(path)
        item.setPen(QPen(colour, 1.3, style))
        item.setZValue(-1)
        item.setToolTip(edge.kind.replace("_", " "))
        self.addItem(item)
        arrow = QPolygonF([tip, tip - direction * 8 + QPointF(0, 4),
                           tip - direction * 8 - QPointF(0, 4)])
        head = QGraphicsPolygonItem(arrow)
        head.setBrush(QBrush(colour))
        head.setPen(QPen(colour))
        head.setZValue(-1)
        self.addItem(head)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        for item in self.items(event.scenePos()):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if isinstance(item, NodeItem):
                self.nodeClicked.emit(item.node.id)
                break
        super().mousePressEvent(event)


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
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self.show_details)

        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)

        self.deploy_button = QPushButton("Deploy…", self)
        self.rollback_button = QPushButton("Roll back…", self)
        self.retire_button = QPushButton("Retire…", self)
        self.check_button = QPushButton("Check weights", self)
        self.report_button = QPushButton("Technical report…", self)
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
        legend = QLabel("Click a model to select it, a dataset version to retire it. "
                        "Grey, dashed, struck-through: retired. Dashed arrows: parent "
                        "versions and rollback pointers (deployment → the one replacing it).",
                        self)
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555")

        buttons = QHBoxLayout()
        for b in (self.deploy_button, self.rollback_button, self.retire_button,
                  self.check_button, self.report_button):
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
            status = ("retired" if m.retired else
                      "deployed: " + ", ".join(live[m.ref]) if m.ref in live else "registered")
            values = (m.ref, ", ".join(m.datasets), str(m.schema_version or "-"),
                      _metrics_text(m.metrics), status, m.registered_at[:16].replace("T", " "),
                      m.weights_sha256[:12])
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if m.retired:
                    item.setForeground(QBrush(QColor(RETIRED_TEXT)))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        lead = p.is_lead
        for b in (self.deploy_button, self.rollback_button, self.retire_button,
                  self.retire_version_button):
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
            self.session.project.is_lead and kind == "dataset" and node is not None
            and not node.node.retired)
        self.retire_version_button.setText(
            f"Retire dataset version {key}…" if kind == "dataset" else "Retire dataset version…")

    def show_details(self) -> None:
        ref = self.selected_ref()
        lead = self.session.project.is_lead
        m = next((x for x in self.rows if x.ref == ref), None)
        self.deploy_button.setEnabled(lead and m is not None and not m.retired)
        self.retire_button.setEnabled(lead and m is not None and not m.retired)
        self.check_button.setEnabled(m is not None)
        self.report_button.setEnabled(m is not None)
        if ref is None:
            self.details.setHtml("<p>No model selected. Register one with "
                                 "<code>aal model register</code> or the Python API.</p>")
            return
        self.details.setHtml(self._details_html(lin.model_lineage(self.session.project, ref)))

    def _details_html(self, ml: lin.ModelLineage) -> str:
        m = ml.model
        e = html.escape
        out = [f"<h3>{e(m.ref)}" + (" <span style='color:#c62828'>[retired]</span>"
                                     if m.retired else "") + "</h3>",
               f"<p><b>Weights</b> {e(m.weights_path)}<br><b>SHA-256</b> "
               f"<code>{m.weights_sha256}</code> ({m.weights_size} bytes)<br>"
               f"<b>Framework</b> {e(m.framework or '-')} · <b>config</b> "
               f"{e(m.config_name or '-')}<br><b>Registered</b> {e(m.registered_at)} by "
               f"{e(m.registered_by)}</p>"]
        if m.override_reason:
            out.append(f"<p><b>Retired data used because:</b> {e(m.override_reason)}</p>")
        out.append("<p><b>Metrics</b> " + e(", ".join(
            f"{k}={v}" for k, v in reports._flatten(m.metrics)) or "(none)") + "</p>")
        out.append("<p><b>Trained on</b></p><ul>")
        for d in ml.datasets:
            out.append(f"<li>{e(d.name)}" + (" <i>(retired)</i>" if d.retired else "")
                       + f" — schema v{d.schema_version}, {len(d.documents)} documents, "
                       f"{d.regions} regions; licences {e(', '.join(d.licences))}</li>")
        out.append("</ul>")
        for cs in ml.corrections:
            span = (f"{cs.from_version} → {cs.to_version}" if cs.from_version
                    else f"before {cs.to_version}")
            who = ", ".join(f"{u} {n}" for u, n in cs.by_user.items()) or "none"
            out.append(f"<p><b>Corrections {e(span)}</b>: {len(cs.corrections)} ({e(who)})")
            reasons = [c.reason for c in cs.corrections if c.reason][:5]
            if reasons:
                out.append("<br>" + "<br>".join(f"· {e(r)}" for r in reasons))
            out.append("</p>")
        if ml.deployments:
            out.append("<p><b>Deployments</b></p><ul>")
            for d in ml.deployments:
                gates = ", ".join(f"{g.gate} {'✓' if g.passed else '✗'}" for g in d.gates)
                until = (f"{d.ended_at[:16]} (replaced by {d.ended_by_model})" if d.ended_at
                         else "active")
                out.append(
                    f"<li>#{d.id} {e(d.env)} ({d.kind}) {e(d.deployed_at[:16])} → {e(until)}"
                    + (f"; gates {e(gates)}" if gates else "")
                    + (f"; <b>forced</b>: {e(d.force_reason or '')}" if d.forced else "")
                    + "".join(f"<br>limitation: {e(t)}" for t in d.limitations) + "</li>")
            out.append("</ul>")
        if ml.retirement:
            r = ml.retirement
            out.append(f"<p><b>Retired</b> {e(r.retired_at)} by {e(r.retired_by)}: "
                       f"{e(r.reason)}; successor {e(r.successor or '-')}; archive "
                       f"{e(r.archive or '-')}</p>")
        return "\n".join(out)

    # --- actions ----------------------------------------------------------------------------

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
            self.status.setText(f"Deployed {d.ref} to {d.env} (deployment #{d.id})"
                                + (" — FORCED" if d.forced else ""))

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
            self.status.setText(f"Retired {r.asset_kind.replace('_', ' ')} {r.asset}: "
                                f"{r.reason}")

    def check_weights(self) -> models.WeightsCheck | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        check = models.check_weights(self.session.project, ref)
        self.status.setStyleSheet("color: #2e7d32" if check.matches else
                                  "color: #c62828; font-weight: bold")
        self.status.setText(check.describe())
        return check

    def save_report(self, path: str | None = None) -> str | None:
        ref = self.selected_ref()
        if ref is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, f"Technical report of {ref}", f"{ref.replace(':', '-')}.html",
                "HTML (*.html);;Markdown (*.md)")
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
