"""The labels palette: the schema's classes with colour, hotkey and count on this document.

Clicking a class makes it the drawing class; its guideline is one click away (tooltip,
and the info button opens the Guideline dialog).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QStyle,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.schema import LabelClass, LabelSchema
from ...services import regions as region_service
from ...services.project import Change
from ..session import Session

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(colour: str, size: int = 14) -> QIcon:
    """A filled square of the class colour with a thin dark border."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setPen(QColor(0, 0, 0, 120))
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(0, 0, size - 1, size - 1, 3, 3)
    painter.end()
    return QIcon(pix)


def class_tooltip(cls: LabelClass) -> str:
    parts = [f"<b>{cls.name}</b> <span style='color:gray'>({cls.key})</span>"]
    if cls.hotkey:
        parts.append(f"Hotkey: <b>{cls.hotkey.upper()}</b>")
    parts.append(cls.description or "No description in the schema.")
    if cls.deprecated:
        parts.append("<i>Deprecated: kept for old regions, not for new boxes.</i>")
    return "<br>".join(parts)


def guideline_html(schema: LabelSchema, cls: LabelClass) -> str:
    """The class's description, attributes and the schema's guideline, as one page."""
    rows = [
        f"<h2><span style='color:{cls.color}'>&#9632;</span> {cls.name}</h2>",
        f"<p><b>Key</b> {cls.key}"
        + (f" &nbsp; <b>Hotkey</b> {cls.hotkey.upper()}" if cls.hotkey else "")
        + (f" &nbsp; <b>Parent</b> {cls.parent}" if cls.parent else "")
        + f" &nbsp; <b>Snaps to text</b> {'yes' if cls.snap_to_text else 'no'}</p>",
        f"<p>{cls.description or 'No description in the schema.'}</p>",
    ]
    if cls.deprecated:
        rows.append("<p><i>Deprecated: use another class for new boxes.</i></p>")
    if cls.attributes:
        rows.append("<h3>Attributes</h3><ul>")
        for a in cls.attributes:
            opts = f" ({', '.join(a.options)})" if a.options else ""
            req = " — required" if a.required else ""
            rows.append(
                f"<li><b>{a.key}</b>: {a.type.value}{opts}{req}"
                f"{'<br>' + a.description if a.description else ''}</li>"
            )
        rows.append("</ul>")
    if schema.guideline:
        title = "Guideline" + (f" {schema.guideline_version}" if schema.guideline_version else "")
        rows.append(f"<h3>{title}</h3><p>{schema.guideline}</p>")
    rows.append(f"<p style='color:gray'>Schema {schema.name} v{schema.version}</p>")
    return "\n".join(rows)


class GuidelineDialog(QDialog):
    """How to label one class: description, attributes and the schema's guideline."""

    def __init__(self, schema: LabelSchema, cls: LabelClass, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Guideline: {cls.name}")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(guideline_html(schema, cls))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(460, 360)


class LabelsPalette(QWidget):
    """Pick the class new boxes are drawn with; see how many of each this document has."""

    classChosen = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._document_id: int | None = None
        self._current: str | None = None
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Class", "Key", "On doc", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setIconSize(QSize(14, 14))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._on_clicked)
        self.tree.itemActivated.connect(self._on_clicked)
        self.hint = QLabel("Click a class or press its key on the page to draw with it.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addWidget(self.hint)
        session.schemaChanged.connect(self.rebuild)
        session.regionsEdited.connect(self._on_regions_edited)
        self._class_of: dict[str, str] = {}  # the document's live regions: id -> class
        self.rebuild()

    @Slot()
    def rebuild(self) -> None:
        """One row per class of the current schema (deprecated ones greyed out)."""
        schema = self.session.schema
        self.tree.clear()
        info_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        for cls in schema.classes:
            item = QTreeWidgetItem([cls.name, (cls.hotkey or "").upper(), "0", ""])
            item.setIcon(0, swatch(cls.color))
            item.setData(0, KEY_ROLE, cls.key)
            tip = class_tooltip(cls)
            for col in range(3):
                item.setToolTip(col, tip)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if cls.deprecated:
                item.setDisabled(True)
            self.tree.addTopLevelItem(item)
            button = QToolButton()
            button.setIcon(info_icon)
            button.setIconSize(QSize(14, 14))
            button.setAutoRaise(True)
            button.setToolTip(f"Guideline for {cls.name}")
            button.clicked.connect(lambda _=False, k=cls.key: self.show_guideline(k))
            self.tree.setItemWidget(item, 3, button)
        self.refresh_counts()
        if self._current is not None:
            self.set_current(self._current)

    def set_document(self, document_id: int | None) -> None:
        self._document_id = document_id
        self.refresh_counts()

    @Slot(object)
    def _on_regions_edited(self, change: Change) -> None:
        """Count from the regions the change names, not by reading the whole document."""
        if self._document_id is None or change.document_id not in (None, self._document_id):
            return
        states = {r.id: r for r in change.regions}
        ids = [str(i) for i in change.ids]
        if not ids or len(ids) > 500 and len(states) < len(ids):
            self.refresh_counts()
            return
        for rid, region in region_service.changed_states(self.session.project, change).items():
            if region is None or region.deleted or region.document_id != self._document_id:
                self._class_of.pop(rid, None)
            else:
                self._class_of[rid] = region.class_key
        self._show_counts()

    def refresh_counts(self) -> None:
        self._class_of = {}
        if self._document_id is not None:
            self._class_of = {
                r.id: r.class_key
                for r in region_service.list_regions(self.session.project, self._document_id)
            }
        self._show_counts()

    def _show_counts(self) -> None:
        counts: dict[str, int] = {}
        for key in self._class_of.values():
            counts[key] = counts.get(key, 0) + 1
        for item in self._top_items():
            item.setText(2, str(counts.get(item.data(0, KEY_ROLE), 0)))

    def counts(self) -> dict[str, int]:
        """Class key -> count as shown (tests)."""
        return {item.data(0, KEY_ROLE): int(item.text(2)) for item in self._top_items()}

    def item_for(self, key: str) -> QTreeWidgetItem | None:
        for item in self._top_items():
            if item.data(0, KEY_ROLE) == key:
                return item
        return None

    def _top_items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    @Slot(str)
    def set_current(self, key: str) -> None:
        """Show which class new boxes get (follows the canvas's hotkeys)."""
        self._current = key
        item = self.item_for(key)
        if item is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)

    def current(self) -> str | None:
        return self._current

    @Slot(QTreeWidgetItem, int)
    def _on_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, KEY_ROLE)
        if key is None or item.isDisabled():
            return
        self._current = key
        self.classChosen.emit(key)

    def show_guideline(self, key: str) -> GuidelineDialog:
        """Open the guideline of a class (non-modal, so labelling can go on beside it)."""
        schema = self.session.schema
        dialog = GuidelineDialog(schema, schema.require(key), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
