"""Grow a dialog to fit text that arrived after it was shown (a result, a summary).

A dialog's minimum height is computed without asking word-wrapped labels how tall they are
at its width, so a long summary was clipped or drawn over the rows below it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def grow_to_fit(dialog: QWidget) -> None:
    """Make the dialog at least as tall as its layout needs at its current width."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.invalidate()
    layout.activate()
    width = dialog.width()
    need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    need = max(need, layout.totalMinimumSize().height(), layout.totalSizeHint().height())
    dialog.setMinimumHeight(need)
    if dialog.height() < need:
        dialog.resize(width, need)
