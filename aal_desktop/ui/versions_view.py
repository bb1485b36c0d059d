"""Dataset versions: the list, each version's statistics as charts, its changelog, and a form
to cut a new version (leads).

Everything goes through services.versions; the dialog redraws from `session.versionsChanged`.
pyqtgraph is imported here only (it costs ~0.8 s), so it loads when this dialog opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.records import DocStatus
from ..core.splits import SPLITS
from ..services import versions
from .charts import readable_axes
from .jobs import Job, JobContext, busy_bar, run_job

if TYPE_CHECKING:
    from .session import Session

SPLIT_COLOURS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c"}
BEFORE_COLOUR, AFTER_COLOUR = "#9e9e9e", "#3f51b5"
ERROR_STYLE = "color: #b00020"
AUTO_PARENT, NO_PARENT = "newest version", "none (new line)"


def _bar_chart(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#222", size="10pt")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=True, y=False, alpha=0.2)
    plot.invertY(True)  # first class on top, as in the schema
    plot.setMinimumHeight(220)
    return readable_axes(plot)


class CreateVersionForm(QGroupBox):
    """Name, document statuses, split ratios, seed and parent of a new version."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Create version", parent)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. v3")
        self.status_boxes: dict[str, QCheckBox] = {}
        statuses = QHBoxLayout()
        for s in DocStatus:
            box = QCheckBox(s.value.replace("_", " "), self)
            box.setChecked(s == DocStatus.approved)
            self.status_boxes[s.value] = box
            statuses.addWidget(box)
        self.ratio_spins: dict[str, QSpinBox] = {}
        ratios = QHBoxLayout()
        for split, default in zip(SPLITS, (80, 10, 10), strict=True):
            spin = QSpinBox(self)
            spin.setRange(0, 100)
            spin.setValue(default)
            spin.setSuffix(" %")
            spin.setPrefix(f"{split} ")
            self.ratio_spins[split] = spin
            ratios.addWidget(spin)
        self.seed_spin = QSpinBox(self)
        self.seed_spin.setRange(0, 2**31 - 1)
        self.parent_combo = QComboBox(self)
        self.resplit_box = QCheckBox("Draw every document's split again (breaking)", self)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.busy = busy_bar(self)
        self.submit_button = QPushButton("Create", self)
        self.cancel_button = QPushButton("Cancel", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_label, 1)
        buttons.addWidget(self.busy)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        form = QFormLayout(self)
        form.addRow("Name", self.name_edit)
        form.addRow("Documents", statuses)
        form.addRow("Split", ratios)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Parent", self.parent_combo)
        form.addRow("", self.resplit_box)
        form.addRow(buttons)

    def reset(self, names: list[str]) -> None:
        taken = set(names)
        n = len(names) + 1
        while f"v{n}" in taken:
            n += 1
        self.name_edit.setText(f"v{n}")
        self.parent_combo.clear()
        self.parent_combo.addItems([AUTO_PARENT, NO_PARENT, *reversed(names)])
        self.error_label.clear()

    def values(self) -> dict[str, Any]:
        parent_text = self.parent_combo.currentText()
        parent: Any = (
            "auto"
            if parent_text == AUTO_PARENT
            else None
            if parent_text == NO_PARENT
            else parent_text
        )
        return {
            "name": self.name_edit.text().strip(),
            "statuses": tuple(k for k, b in self.status_boxes.items() if b.isChecked()),
            "split": tuple(float(self.ratio_spins[s].value()) for s in SPLITS),
            "seed": self.seed_spin.value(),
            "parent": parent,
            "resplit": self.resplit_box.isChecked(),
        }


class VersionsDialog(QDialog):
    """Versions on the left; the selected one's statistics and changelog on the right."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.project = session.project
        self.create_task: Job | None = None  # the version being cut, if any
        self._closed = False
        self.setWindowTitle("Dataset versions")
        self.resize(1100, 720)
        self.release_dialog: QDialog | None = None
        self.class_bars: dict[str, pg.BarGraphItem] = {}
        self.compare_bars: dict[str, pg.BarGraphItem] = {}
        lead = self.project.is_lead

        self.version_list = QListWidget(self)
        self.version_list.setSpacing(3)
        self.version_list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.create_button = QPushButton("Create version…", self)
        self.create_button.setEnabled(lead)
        self.create_button.setToolTip(
            "Freeze the chosen documents and their regions"
            if lead
            else "Only a lead can cut dataset versions"
        )
        self.create_button.clicked.connect(self.open_form)
        self.form = CreateVersionForm(self)
        self.form.hide()
        self.form.submit_button.clicked.connect(self.create_version)
        self.form.cancel_button.clicked.connect(self.form.hide)
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("Versions (newest first)", left))
        lv.addWidget(self.version_list, 1)
        lv.addWidget(self.create_button)

        self.header = QLabel("", self)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.split_table = QTableWidget(self)
        self.split_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.split_table.verticalHeader().setVisible(True)
        self.split_table.setMaximumHeight(170)
        self.split_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.class_chart = _bar_chart("Regions per class and split")
        self.class_chart.addLegend(offset=(-10, 10))
        self.compare_chart = _bar_chart("Regions per class: parent vs this version")
        self.compare_chart.addLegend(offset=(-10, 10))
        charts = QHBoxLayout()
        charts.addWidget(self.class_chart, 1)
        charts.addWidget(self.compare_chart, 1)
        self.details_label = QLabel("", self)
        self.details_label.setWordWrap(True)
        stats_tab = QWidget(self)
        sv = QVBoxLayout(stats_tab)
        sv.addWidget(self.split_table)
        sv.addLayout(charts, 1)
        sv.addWidget(self.details_label)
        self.changelog_view = QTextBrowser(self)
        self.changelog_view.setOpenExternalLinks(False)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(stats_tab, "Statistics")
        self.tabs.addTab(self.changelog_view, "Changelog")

        self.release_button = QPushButton("Release…", self)
        self.release_button.setEnabled(False)
        self.release_button.setToolTip(
            "Write this version as a release folder" if lead else "Only a lead can release versions"
        )
        self.release_button.clicked.connect(self.open_release)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.header)
        rv.addWidget(self.form)
        rv.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.release_button)
        buttons.addWidget(close)
        rv.addLayout(buttons)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        session.versionsChanged.connect(self.refresh)
        self.refresh()

    # --- list -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the versions, keeping the selection (newest selected the first time)."""
        keep = self.selected_name()
        infos = list(reversed(versions.list_versions(self.project)))
        self.version_list.blockSignals(True)
        self.version_list.clear()
        for info in infos:
            label = (
                f"{info.name}   {info.semver or ''}\n{info.documents} docs · "
                f"{info.regions} regions · {info.created_at[:10]}"
            )
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            if info.retired_at:
                item.setForeground(QColor("#888"))
                item.setToolTip(f"retired: {info.retired_reason}")
            self.version_list.addItem(item)
        self.version_list.blockSignals(False)
        names = [i.name for i in infos]
        target = keep if keep in names else (names[0] if names else None)
        if target is not None:
            self.select_version(target)
        else:
            self._show_selected()

    def selected_name(self) -> str | None:
        item = self.version_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select_version(self, name: str) -> None:
        for row in range(self.version_list.count()):
            if self.version_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.version_list.setCurrentRow(row)
                self._show_selected()
                return

    # --- one version ------------------------------------------------------------------------

    def _show_selected(self) -> None:
        name = self.selected_name()
        self.release_button.setEnabled(name is not None and self.project.is_lead)
        if name is None:
            self.header.setText(
                "No dataset versions yet. A lead cuts one with "
                "“Create version…” from the approved documents."
            )
            self.changelog_view.setMarkdown("")
            self._fill_table({})
            self._draw_classes({})
            self._draw_compare({}, None)
            self.details_label.clear()
            return
        info = versions.get_version(self.project, name)
        stats = versions.version_stats(self.project, name)
        log = versions.version_changelog(self.project, name)
        ratios = "/".join(f"{r * 100:g}" for r in info.split_ratios)
        retired = (
            f"<br><b>Retired</b> {info.retired_at[:10]}: {info.retired_reason}"
            if info.retired_at
            else ""
        )
        self.header.setText(
            f"<b>{info.name}</b> — {info.dataset} {info.semver or ''} · parent "
            f"{info.parent or '–'} · schema v{info.schema_version} · "
            f"{', '.join(info.statuses)} documents · split {ratios} (seed {info.seed}) · "
            f"cut by {info.created_by} on {info.created_at[:16].replace('T', ' ')}{retired}"
        )
        self.changelog_view.setMarkdown(versions.changelog_markdown(log))
        self._fill_table(stats)
        self._draw_classes(stats)
        parent_dist = log.get("class_distribution", {}).get("before") if info.parent else None
        self._draw_compare(log.get("class_distribution", {}).get("after", {}), parent_dist)
        totals = stats.get("totals", {})
        box = totals.get("box", {})
        sources = ", ".join(f"{k} {v}" for k, v in totals.get("sources", {}).items())
        annotators = ", ".join(f"{k} {v}" for k, v in totals.get("annotators", {}).items())
        self.details_label.setText(
            f"Sources: {sources or '–'}   ·   Annotators: {annotators or '–'}   ·   "
            f"Median box {box.get('width', {}).get('p50', 0):g} × "
            f"{box.get('height', {}).get('p50', 0):g} pt"
        )

    def _class_keys(self, *counts: dict[str, int]) -> list[str]:
        keys = {k for c in counts for k in c}
        order = [c.key for c in self.session.schema.classes]
        return [k for k in order if k in keys] + sorted(keys - set(order))

    def _fill_table(self, stats: dict[str, Any]) -> None:
        per = stats.get("splits", {})
        totals = stats.get("totals", {})
        classes = self._class_keys(totals.get("classes", {}))
        rows = ["documents", "pages", "regions", *classes]
        cols = [*SPLITS, "total"]
        self.split_table.clear()
        self.split_table.setRowCount(len(rows) if stats else 0)
        self.split_table.setColumnCount(len(cols))
        self.split_table.setHorizontalHeaderLabels(cols)
        self.split_table.setVerticalHeaderLabels(rows)
        if not stats:
            return
        for r, row in enumerate(rows):
            for c, col in enumerate(cols):
                src = totals if col == "total" else per.get(col, {})
                value = src.get(row, 0) if r < 3 else src.get("classes", {}).get(row, 0)
                item = QTableWidgetItem(str(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.split_table.setItem(r, c, item)

    def _set_ticks(self, plot: pg.PlotWidget, keys: list[str], peak: float) -> None:
        plot.getAxis("left").setTicks([[(i, k) for i, k in enumerate(keys)]])
        plot.setYRange(-0.6, max(len(keys), 1) - 0.4, padding=0)
        # room on the right for the legend; whole-number ticks (these are counts)
        top = max(peak, 1) * 1.4
        plot.setXRange(0, top, padding=0)
        step = max(1, round(top / 6))
        plot.getAxis("bottom").setTicks([[(v, str(v)) for v in range(0, int(top) + 1, step)]])

    def _reset_plot(self, plot: pg.PlotWidget) -> None:
        plot.clear()
        legend = plot.plotItem.legend
        if legend is not None:
            legend.clear()

    def _draw_classes(self, stats: dict[str, Any]) -> None:
        """Horizontal bars: one group per class, one bar per split."""
        self._reset_plot(self.class_chart)
        self.class_bars = {}
        per = stats.get("splits", {})
        keys = self._class_keys(stats.get("totals", {}).get("classes", {}))
        h = 0.8 / len(SPLITS)
        for j, split in enumerate(SPLITS):
            counts = per.get(split, {}).get("classes", {})
            ys = [i - 0.4 + h * (j + 0.5) for i in range(len(keys))]
            bars = pg.BarGraphItem(
                x0=0,
                y=ys,
                height=h * 0.95,
                width=[counts.get(k, 0) for k in keys],
                brush=SPLIT_COLOURS[split],
                pen=None,
                name=f"{split} ({per.get(split, {}).get('regions', 0)})",
            )
            self.class_chart.addItem(bars)
            self.class_bars[split] = bars
        peak = max(
            [per.get(s, {}).get("classes", {}).get(k, 0) for s in SPLITS for k in keys], default=0
        )
        self._set_ticks(self.class_chart, keys, peak)

    def _draw_compare(self, after: dict[str, int], before: dict[str, int] | None) -> None:
        """Parent and this version side by side per class (this only, without a parent)."""
        self._reset_plot(self.compare_chart)
        self.compare_bars = {}
        keys = self._class_keys(after, before or {})
        series = [("this version", after, AFTER_COLOUR)]
        if before is not None:
            series.insert(0, ("parent", before, BEFORE_COLOUR))
        h = 0.8 / len(series)
        for j, (label, counts, colour) in enumerate(series):
            ys = [i - 0.4 + h * (j + 0.5) for i in range(len(keys))]
            bars = pg.BarGraphItem(
                x0=0,
                y=ys,
                height=h * 0.95,
                width=[counts.get(k, 0) for k in keys],
                brush=colour,
                pen=None,
                name=label,
            )
            self.compare_chart.addItem(bars)
            self.compare_bars[label] = bars
        self.compare_chart.setTitle(
            "Regions per class: parent vs this version"
            if before is not None
            else "Regions per class (first version: no parent)",
            color="#222",
            size="10pt",
        )
        peak = max([c.get(k, 0) for _, c, _ in series for k in keys], default=0)
        self._set_ticks(self.compare_chart, keys, peak)

    # --- actions ------------------------------------------------------------------------------

    def open_form(self) -> None:
        self.form.reset([i.name for i in versions.list_versions(self.project)])
        self.form.show()
        self.form.name_edit.setFocus()
        self.form.name_edit.selectAll()

    def create_version(self) -> Job | None:
        """Cut the version described by the form in a QThread on its own connection (freezing
        tens of thousands of regions takes a while); errors stay in the form to be fixed."""
        if self.create_task is not None:
            return None
        v = self.form.values()
        self._set_creating(True)

        def work(job: JobContext) -> versions.VersionInfo:
            return versions.create_version(
                job.project,
                v["name"],
                statuses=v["statuses"],
                split=v["split"],
                seed=v["seed"],
                parent=v["parent"],
                resplit=v["resplit"],
            )

        self.create_task = run_job(
            self.project, work, self._created, self._create_failed, self._create_finished
        )
        return self.create_task

    def _set_creating(self, on: bool) -> None:
        self.form.busy.setVisible(on)
        self.form.error_label.setText("Creating the version…" if on else "")
        self.form.error_label.setStyleSheet("" if on else ERROR_STYLE)
        for w in (self.form.submit_button, self.form.cancel_button, self.create_button):
            w.setEnabled(not on)
        if not on:
            self.create_button.setEnabled(self.project.is_lead)

    def _created(self, info: versions.VersionInfo) -> None:
        if self._closed:
            return
        self.form.hide()
        self.refresh()
        self.select_version(info.name)

    def _create_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._set_creating(False)
        self.form.error_label.setText(
            str(exc) if isinstance(exc, AalError) else f"the version could not be created: {exc}"
        )

    def _create_finished(self) -> None:
        self.create_task = None
        if not self._closed and not self.form.busy.isHidden():
            self._set_creating(False)

    def done(self, result: int) -> None:
        """A version being cut still completes (one transaction); the dialog stops listening,
        and the window hears of the new version through the session."""
        self._closed = True
        super().done(result)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self._closed = False  # shown again after a close: listen to background results again
        super().showEvent(event)

    def open_release(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        from .release_dialog import ReleaseDialog

        self.release_dialog = ReleaseDialog(self.session, name, self)
        self.release_dialog.show()
