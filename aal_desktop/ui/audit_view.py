"""Audit in the window: verify the event log's hash chain, and what each person did.

pyqtgraph is imported here only (it costs ~0.8 s): the main window imports this module when
the dialog is first opened, never at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.audit import ChainReport
from ..services import audit, review
from ..services.review import AnnotatorSummary
from .charts import readable_axes
from .jobs import Job, busy_bar, run_job

if TYPE_CHECKING:
    from .session import Session

SUMMARY_HEADERS = (
    "Person",
    "Role",
    "Regions made",
    "Corrections made",
    "Accepted",
    "Reverted in review",
    "Pending review",
)
SERIES = (  # (field, legend, colour) drawn as grouped bars
    ("regions_made", "regions made", "#1565c0"),
    ("corrections_made", "corrections made", "#f9a825"),
    ("reverted", "reverted in review", "#c62828"),
)


class AuditDialog(QDialog):
    """Verify the audit log; per-annotator summary as a table and a bar chart."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Audit")
        self.resize(980, 620)
        self.report: ChainReport | None = None
        self.task: Job | None = None  # the verification running, if any
        self._closed = False
        self.rows: list[AnnotatorSummary] = []

        self.verify_button = QPushButton("Verify audit log", self)
        self.verify_button.setToolTip(
            "Recompute every event's hash: any edit made behind the app's back is found and named"
        )
        self.verify_button.clicked.connect(self.verify)
        self.busy = busy_bar(self)
        self.result_label = QLabel("Not verified yet.", self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, len(SUMMARY_HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(SUMMARY_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setTitle("Per person", color="#333")
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=False, y=False)
        readable_axes(self.plot)
        self.legend = self.plot.addLegend(offset=(-10, 10))  # top right
        self.bars: list[pg.BarGraphItem] = []

        top = QHBoxLayout()
        top.addWidget(self.verify_button)
        top.addWidget(self.busy)
        top.addWidget(self.result_label, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setSizes([220, 360])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        session.eventsChanged.connect(self.refresh_summary)
        self.refresh_summary()

    def verify(self) -> Job | None:
        """Recompute the hash chain (about a second per 100,000 events) on its own connection
        in a QThread, so the window keeps drawing; the result replaces the label when done."""
        if self.task is not None:
            return None
        self.verify_button.setEnabled(False)
        self.busy.setVisible(True)
        self.result_label.setStyleSheet("")
        self.result_label.setText("Verifying the audit log…")
        self.task = run_job(
            self.session.project,
            lambda job: audit.verify(job.project),
            self._show_report,
            self._verify_failed,
            self._verify_finished,
        )
        return self.task

    def _show_report(self, report: ChainReport) -> None:
        if self._closed:
            return
        self.report = report
        if report.ok:
            self.result_label.setStyleSheet("color: #2e7d32")
            self.result_label.setText(f"Audit log OK: {report.checked} events, hash chain intact.")
        else:
            self.result_label.setStyleSheet("color: #c62828; font-weight: bold")
            self.result_label.setText(
                f"Audit log BROKEN at event {report.first_bad_id}: "
                f"{report.problem} ({report.checked} events before it "
                "check out)."
            )

    def _verify_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.result_label.setStyleSheet("color: #c62828; font-weight: bold")
        self.result_label.setText(f"Could not verify the audit log: {exc}")

    def _verify_finished(self) -> None:
        self.task = None
        if not self._closed:
            self.busy.setVisible(False)
            self.verify_button.setEnabled(True)

    def done(self, result: int) -> None:
        """A verification still running only reads: it ends on its own, unheard."""
        self._closed = True
        super().done(result)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self._closed = False  # shown again after a close: listen to background results again
        super().showEvent(event)

    def refresh_summary(self) -> None:
        self.rows = review.annotator_summary(self.session.project)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            values: tuple[object, ...] = (
                s.user,
                s.role or "",
                s.regions_made,
                s.corrections_made,
                s.accepted,
                s.reverted,
                s.pending,
            )
            for c, v in enumerate(values):
                item = QTableWidgetItem()
                if isinstance(v, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, v)  # numeric sort
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                else:
                    item.setText(str(v))
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self._draw_chart()

    def _draw_chart(self) -> None:
        for bar in self.bars:
            self.plot.removeItem(bar)
        self.bars = []
        self.legend.clear()
        n = len(SERIES)
        width = 0.8 / n
        for i, (field, name, colour) in enumerate(SERIES):
            xs = [k + (i - (n - 1) / 2) * width for k in range(len(self.rows))]
            heights = [getattr(s, field) for s in self.rows]
            bar = pg.BarGraphItem(x=xs, height=heights, width=width, brush=colour, name=name)
            self.plot.addItem(bar)  # named items join the legend by themselves
            self.bars.append(bar)
        axis = self.plot.getAxis("bottom")
        axis.setTicks([[(k, s.user) for k, s in enumerate(self.rows)]])
        self.plot.setXRange(-0.6, max(len(self.rows) - 0.4, 0.6), padding=0)
        top = max((getattr(s, f) for s in self.rows for f, _, _ in SERIES), default=1)
        self.plot.setYRange(0, max(1, top) * 1.15, padding=0)

    def bar_heights(self) -> dict[str, list[float]]:
        """What the chart shows, per series (for checks)."""
        out: dict[str, list[float]] = {}
        for (_, name, _), bar in zip(SERIES, self.bars, strict=True):
            out[name] = [float(h) for h in bar.opts["height"]]
        return out
