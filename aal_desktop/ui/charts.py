"""What every chart of the app shares: dark axis text on its white background.

pyqtgraph draws axes in a light grey meant for a black background; on the white plots of
the audit and versions windows the labels were hard to read.
"""

from __future__ import annotations

import pyqtgraph as pg

AXIS_TEXT = "#1f2328"  # the light theme's window text
AXIS_LINE = "#57606a"


def readable_axes(plot: pg.PlotWidget) -> pg.PlotWidget:
    """Axis lines, ticks and labels in dark colours (the plots are white in either theme)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS_LINE))
        axis.setTextPen(pg.mkPen(AXIS_TEXT))
    return plot
