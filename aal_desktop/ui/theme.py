"""Light and dark palettes that follow the system colour scheme.

Fusion with an explicit palette looks the same on every platform (and offscreen), so the
screenshots in the README are what people see; the palette flips when the system does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_CONNECTED = "_aal_theme_connected"


def is_dark() -> bool:
    """True when the system asks for a dark colour scheme."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


_R = QPalette.ColorRole
# Each themed role once, with its (light, dark) colour: the two schemes cannot drift apart.
_COLOURS: tuple[tuple[QPalette.ColorRole, str, str], ...] = (
    (_R.Window, "#f3f3f4", "#2b2d30"),
    (_R.WindowText, "#1f2328", "#dfe1e5"),
    (_R.Base, "#ffffff", "#1e1f22"),
    (_R.AlternateBase, "#f6f8fa", "#26282b"),
    (_R.ToolTipBase, "#ffffe1", "#3c3f41"),
    (_R.ToolTipText, "#1f2328", "#dfe1e5"),
    (_R.PlaceholderText, "#8c959f", "#8c8f94"),
    (_R.Text, "#1f2328", "#dfe1e5"),
    (_R.Button, "#f0f0f1", "#393b40"),
    (_R.ButtonText, "#1f2328", "#dfe1e5"),
    (_R.BrightText, "#cf222e", "#ff6b68"),
    (_R.Light, "#ffffff", "#4a4d52"),
    (_R.Midlight, "#e6e7e9", "#3e4045"),
    (_R.Mid, "#a9adb3", "#5a5d63"),
    (_R.Dark, "#8c9096", "#1b1c1f"),
    (_R.Shadow, "#5a5d63", "#000000"),
    (_R.Highlight, "#2f6fdb", "#2f65ca"),
    (_R.HighlightedText, "#ffffff", "#ffffff"),
    (_R.Link, "#0b63ce", "#6fa8ff"),
)
_DISABLED_TEXT = ("#9aa0a6", "#6f737a")  # (light, dark) for text of disabled widgets


def palette(dark: bool) -> QPalette:
    """The application palette for one scheme: neutral greys, a calm blue accent."""
    p = QPalette()
    for r, light, dark_colour in _COLOURS:
        p.setColor(r, QColor(dark_colour if dark else light))
    disabled = QColor(_DISABLED_TEXT[dark])
    for r in (_R.WindowText, _R.Text, _R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return p


def apply_theme(app: QApplication) -> None:
    """Use Fusion with the palette of the current scheme, and follow later changes."""
    app.setStyle("Fusion")
    app.setPalette(palette(is_dark()))
    if not app.property(_CONNECTED):
        app.setProperty(_CONNECTED, True)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: app.setPalette(palette(is_dark())))
