"""Models → Find runs…: has this been tried? Search by data and configuration; compare two runs.

The same services as `aal model find` and `aal model compare` (services/run_search): tick
the dataset versions a run would train on, optionally pick its configuration file and
framework, and the table lists every registered model with exactly that identity. Select
two rows (or pass a model in) and the comparison shows them side by side, differing rows
marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..services import run_search, versions
from ..services.run_search import FoundRun, RunComparison
from .session import Session

RESULT_HEADERS = ("Model", "Datasets", "Schema", "Framework", "Metrics", "Deployed", "Registered")
DIFFERS = QColor("#fff1c2")


def _metrics(metrics: dict[str, Any]) -> str:
    return (
        ", ".join(
            f"{k}={v}" for k, v in sorted(metrics.items()) if isinstance(v, int | float | str)
        )
        or "-"
    )


def comparison_rows(c: RunComparison) -> list[tuple[str, str, str, bool]]:
    """(what, run A, run B, differs) rows of a side-by-side comparison."""
    da = sorted(set(c.datasets_shared) | set(c.datasets_only_a))
    db = sorted(set(c.datasets_shared) | set(c.datasets_only_b))
    rows = [
        ("Datasets", ", ".join(da), ", ".join(db), da != db),
        (
            "Schema version",
            str(c.schema_version[0]),
            str(c.schema_version[1]),
            c.schema_version[0] != c.schema_version[1],
        ),
        (
            "Framework",
            str(c.framework[0] or "-"),
            str(c.framework[1] or "-"),
            c.framework[0] != c.framework[1],
        ),
        (
            "Configuration",
            *(
                ("same", "same")
                if c.same_config
                else ("differs", f"{len(c.config_changes)} key(s) changed")
                if c.config_comparable
                else ("differs", "compared as text")
            ),
            not c.same_config,
        ),
    ]
    rows += [
        (
            f"  {k.key}",
            "(none)" if k.old is None else str(k.old),
            "(none)" if k.new is None else str(k.new),
            True,
        )
        for k in c.config_changes
    ]
    rows += [
        (
            f"Metric {k.key}",
            "(none)" if k.old is None else str(k.old),
            "(none)" if k.new is None else str(k.new),
            True,
        )
        for k in c.metric_changes
    ]
    return rows


class RunSearchDialog(QDialog):
    """Search registered runs by identity and compare two of them side by side."""

    def __init__(
        self, session: Session, parent: QWidget | None = None, model: str | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Find runs")
        self.resize(1000, 680)
        self.results: list[FoundRun] = []
        self.config_path: Path | None = None

        self.datasets = QListWidget(self)
        self.datasets.setMaximumHeight(120)
        for v in versions.list_versions(session.project):
            item = QListWidgetItem(v.name, self.datasets)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.config_label = QLabel("any", self)
        pick = QPushButton("Choose…", self)
        pick.clicked.connect(self.choose_config)
        clear = QPushButton("Any", self)
        clear.clicked.connect(lambda: self.set_config(None))
        config_row = QHBoxLayout()
        config_row.addWidget(self.config_label, 1)
        config_row.addWidget(pick)
        config_row.addWidget(clear)
        self.framework = QLineEdit(self)
        self.framework.setPlaceholderText("any (e.g. ultralytics 8.3)")
        self.framework.returnPressed.connect(self.search)
        self.search_button = QPushButton("Search", self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        form = QFormLayout()
        form.addRow("Trained on exactly", self.datasets)
        form.addRow("Configuration", config_row)
        form.addRow("Framework", self.framework)
        form.addRow("", self.search_button)

        self.table = QTableWidget(0, len(RESULT_HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(RESULT_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.summary = QLabel("Tick the dataset versions a run would use, then Search.", self)
        self.summary.setWordWrap(True)
        self.compare_button = QPushButton("Compare selected", self)
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self.compare_selected)

        self.comparison = QTableWidget(0, 3, self)
        self.comparison.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.comparison.verticalHeader().setVisible(False)
        self.comparison.setHorizontalHeaderLabels(["", "Run A", "Run B"])
        header = self.comparison.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(form)
        ll.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.compare_button)
        ll.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.comparison)
        split.setSizes([600, 400])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        if model is not None:
            self.preset_from(model)

    # --- search ---------------------------------------------------------------------------

    def checked_datasets(self) -> list[str]:
        return [
            self.datasets.item(i).text()
            for i in range(self.datasets.count())
            if self.datasets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_datasets(self, names: list[str]) -> None:
        for i in range(self.datasets.count()):
            item = self.datasets.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked
            )

    def set_config(self, path: Path | None) -> None:
        self.config_path = path
        self.config_label.setText(str(path) if path is not None else "any")

    def choose_config(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Training configuration", "", "Configuration (*.yaml *.yml *.json);;All (*)"
        )
        if path:
            self.set_config(Path(path))

    def preset_from(self, model: str) -> None:
        """Search for runs like `model`: its datasets and framework ticked, then searched."""
        from ..services import model_registry

        m = model_registry.get_model(self.session.project, model)
        self.set_datasets(list(m.datasets))
        self.framework.setText(m.framework or "")
        self.search()

    def search(self) -> list[FoundRun]:
        try:
            found = run_search.find_runs(
                self.session.project,
                self.checked_datasets(),
                self.config_path,
                self.framework.text() or None,
            )
        except AalError as exc:
            self.summary.setText(str(exc))
            return []
        self.results = found
        self.table.setRowCount(len(found))
        for i, r in enumerate(found):
            values = (
                r.model,
                ", ".join(r.datasets),
                str(r.schema_version),
                r.framework or "-",
                _metrics(r.metrics),
                ", ".join(r.deployed_in) or "-",
                "retired" if r.retired else r.registered_at[:10],
            )
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.summary.setText(
            f"{len(found)} registered run{'s' if len(found) != 1 else ''} match"
            + ("" if len(found) != 1 else "es")
            + ("" if found else ": nobody has trained this yet.")
        )
        return found

    # --- compare --------------------------------------------------------------------------

    def _selected_models(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.results[r].model for r in rows if r < len(self.results)]

    def _selection_changed(self) -> None:
        self.compare_button.setEnabled(len(self._selected_models()) == 2)

    def compare_selected(self) -> RunComparison | None:
        chosen = self._selected_models()
        if len(chosen) != 2:
            return None
        return self.compare(*chosen)

    def compare(self, a: str, b: str) -> RunComparison:
        c = run_search.compare_runs(self.session.project, a, b)
        rows = comparison_rows(c)
        self.comparison.setHorizontalHeaderLabels(["", c.a, c.b])
        self.comparison.setRowCount(len(rows))
        for i, (what, va, vb, differs) in enumerate(rows):
            for j, value in enumerate((what, va, vb)):
                item = QTableWidgetItem(value)
                if differs:
                    item.setBackground(QBrush(DIFFERS))
                self.comparison.setItem(i, j, item)
        return c
