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


def palette(dark: bool) -> QPalette:
    """The application palette for one scheme: neutral greys, a calm blue accent."""
    p = QPalette()
    role = QPalette.ColorRole
    group = QPalette.ColorGroup
    if dark:
        colours = {
            role.Window: "#2b2d30", role.WindowText: "#dfe1e5", role.Base: "#1e1f22",
            role.AlternateBase: "#26282b", role.ToolTipBase: "#3c3f41",
            role.ToolTipText: "#dfe1e5", role.PlaceholderText: "#8c8f94", role.Text: "#dfe1e5",
            role.Button: "#393b40", role.ButtonText: "#dfe1e5", role.BrightText: "#ff6b68",
            role.Light: "#4a4d52", role.Midlight: "#3e4045", role.Mid: "#5a5d63",
            role.Dark: "#1b1c1f", role.Shadow: "#000000", role.Highlight: "#2f65ca",
            role.HighlightedText: "#ffffff", role.Link: "#6fa8ff",
        }
        disabled = "#6f737a"
    else:
        colours = {
            role.Window: "#f3f3f4", role.WindowText: "#1f2328", role.Base: "#ffffff",
            role.AlternateBase: "#f6f8fa", role.ToolTipBase: "#ffffe1",
            role.ToolTipText: "#1f2328", role.PlaceholderText: "#8c959f", role.Text: "#1f2328",
            role.Button: "#f0f0f1", role.ButtonText: "#1f2328", role.BrightText: "#cf222e",
            role.Light: "#ffffff", role.Midlight: "#e6e7e9", role.Mid: "#a9adb3",
            role.Dark: "#8c9096", role.Shadow: "#5a5d63", role.Highlight: "#2f6fdb",
            role.HighlightedText: "#ffffff", role.Link: "#0b63ce",
        }
        disabled = "#9aa0a6"
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor(disabled))
    return p


def apply_theme(app: QApplication) -> None:
    """Use Fusion with the palette of the current scheme, and follow later changes."""
    app.setStyle("Fusion")
    app.setPalette(palette(is_dark()))
    if not app.property(_CONNECTED):
        app.setProperty(_CONNECTED, True)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: app.setPalette(palette(is_dark())))
