"""The Diff tab of the schema editor: the differences between two schema versions.

Split from schema_editor.py (one module, one job).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from ..core.schema_diff import to_markdown
from ..services import migrations, schemas
from ..services.project import Project


class DiffTab(QWidget):
    """Two version pickers and the rendered diff between them."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        v = QVBoxLayout(self)
        row = QHBoxLayout()
        self.diff_a = QComboBox()
        self.diff_b = QComboBox()
        self.diff_a.currentIndexChanged.connect(self.update_diff)
        self.diff_b.currentIndexChanged.connect(self.update_diff)
        row.addWidget(QLabel("From"))
        row.addWidget(self.diff_a)
        row.addWidget(QLabel("to"))
        row.addWidget(self.diff_b)
        row.addStretch(1)
        v.addLayout(row)
        self.diff_view = QTextBrowser()
        v.addWidget(self.diff_view, 1)

    def refresh_versions(self, infos: list[schemas.SchemaVersionInfo], current: int) -> None:
        """Fill both pickers (keeping the choice; by default the last change) and redraw."""
        newest = infos[-1].version
        for combo, default in ((self.diff_a, max(1, current - 1)), (self.diff_b, newest)):
            chosen = combo.currentData() or default
            combo.blockSignals(True)
            combo.clear()
            for info in infos:
                combo.addItem(f"v{info.version} ({info.status})", info.version)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.update_diff()

    # --- the diff tab -----------------------------------------------------------------------

    def update_diff(self) -> None:
        a, b = self.diff_a.currentData(), self.diff_b.currentData()
        if a is None or b is None:
            return
        d, sa, sb = migrations.diff_versions(self.project, int(a), int(b))
        self.diff_view.setMarkdown(to_markdown(d, sa, sb))

    def diff_markdown(self) -> str:
        return self.diff_view.toMarkdown()
