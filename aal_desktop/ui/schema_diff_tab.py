"""The Diff tab of the schema editor: the differences between two schema versions.

Split from schema_editor.py (one module, one job).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.schema_diff import to_markdown
from ..services import migrations


class DiffTabMixin:
    """Two version pickers and the rendered diff of SchemaEditorDialog."""

    def _build_diff_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
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
        return w

    # --- the diff tab -----------------------------------------------------------------------

    def update_diff(self) -> None:
        a, b = self.diff_a.currentData(), self.diff_b.currentData()
        if a is None or b is None:
            return
        d, sa, sb = migrations.diff_versions(self.project, int(a), int(b))
        self.diff_view.setMarkdown(to_markdown(d, sa, sb))

    def diff_markdown(self) -> str:
        return self.diff_view.toMarkdown()
