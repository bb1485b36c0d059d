"""Edit the typed attributes of the selected region, with a form built from its class.

bool → check box, enum → combo box, text → line edit, number → spin box. Each edit is one
SetAttributesCommand on the undo stack (one service call, one event, one undo step).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import AalError
from ...core.records import Region
from ...core.schema import AttributeDef, AttributeType, LabelSchema
from ...services import regions as region_service
from ...services import schemas
from .. import undo
from ..session import Session

UNSET = "—"
NUMBER_LIMIT = 1e9


class AttributesEditor(QWidget):
    """The attribute form of exactly one selected region (a hint otherwise)."""

    editFailed = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.region: Region | None = None
        self.fields: dict[str, QWidget] = {}
        self._loading = False
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #cf222e;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.form_host)
        layout.addWidget(self.error)
        layout.addStretch(1)
        session.regionsChanged.connect(self._on_regions_changed)
        session.schemaChanged.connect(self._reload)
        self.set_regions([])

    # --- which region ------------------------------------------------------------------

    @Slot(list)
    def set_regions(self, ids: list[str]) -> None:
        """Follow the selection: a form for one region, a hint for none or several."""
        self.error.hide()
        region = None
        if len(ids) == 1:
            try:
                region = region_service.get(self.session.project, ids[0])
            except AalError:
                region = None
        self.region = region
        self._build()
        if len(ids) > 1:
            self.title.setText(
                f"{len(ids)} regions selected.<br>Select one region to edit its attributes."
            )

    @Slot(int, int)
    def _on_regions_changed(self, _doc: int, _page: int) -> None:
        if self.region is not None:
            self._reload()

    @Slot()
    def _reload(self) -> None:
        if self.region is None:
            self._build()
            return
        try:
            fresh = region_service.get(self.session.project, self.region.id)
        except AalError:
            fresh = None
        if fresh is None or fresh.deleted:
            self.region = None
            self._build()
        elif fresh.class_key != self.region.class_key:
            self.region = fresh
            self._build()
        else:
            self.region = fresh
            self._load_values()

    def _schema(self, region: Region) -> LabelSchema:
        try:
            return schemas.get(self.session.project, region.schema_version)
        except AalError:
            return self.session.schema

    # --- the form ----------------------------------------------------------------------

    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}

    def _build(self) -> None:
        self._clear()
        region = self.region
        if region is None:
            self.title.setText(
                "No region selected.<br>"
                "<span style='color:gray'>Select a box on the page to edit "
                "its attributes.</span>"
            )
            return
        cls = self._schema(region).get(region.class_key)
        name = cls.name if cls is not None else region.class_key
        colour = cls.color if cls is not None else "#808080"
        self.title.setText(
            f"<span style='color:{colour}'>&#9632;</span> <b>{name}</b> "
            f"<span style='color:gray'>{region.id[:8]}</span>"
        )
        if cls is None or not cls.attributes:
            self.form.addRow(QLabel(f"{name} has no attributes in this schema."))
            return
        for attr in cls.attributes:
            widget = self._make_field(attr)
            widget.setToolTip(attr.description or attr.key)
            label = QLabel(attr.key.replace("_", " ") + (" *" if attr.required else ""))
            label.setToolTip(attr.description or attr.key)
            self.form.addRow(label, widget)
            self.fields[attr.key] = widget
        self._load_values()

    def _make_field(self, attr: AttributeDef) -> QWidget:
        if attr.type == AttributeType.bool:
            box = QCheckBox()
            box.toggled.connect(lambda on, a=attr: self._commit(a, bool(on)))
            return box
        if attr.type == AttributeType.enum:
            combo = QComboBox()
            if not attr.required:
                combo.addItem(UNSET, None)
            for option in attr.options:
                combo.addItem(option, option)
            combo.activated.connect(lambda _i, a=attr, c=combo: self._commit(a, c.currentData()))
            return combo
        if attr.type == AttributeType.number:
            spin = QDoubleSpinBox()
            spin.setRange(-NUMBER_LIMIT, NUMBER_LIMIT)
            spin.setDecimals(3)
            spin.setSpecialValueText(UNSET)  # shown at the minimum: "not set"
            spin.setKeyboardTracking(False)
            spin.editingFinished.connect(lambda a=attr, s=spin: self._commit_number(a, s))
            return spin
        line = QLineEdit()
        line.setPlaceholderText(UNSET)
        line.editingFinished.connect(lambda a=attr, e=line: self._commit(a, e.text().strip()))
        return line

    def _load_values(self) -> None:
        """Show the region's values in the fields without committing anything."""
        if self.region is None:
            return
        self._loading = True
        try:
            for key, widget in self.fields.items():
                value = self.region.attrs.get(key)
                if isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QComboBox):
                    i = widget.findData(value) if value is not None else widget.findData(None)
                    widget.setCurrentIndex(max(i, 0))
                elif isinstance(widget, QDoubleSpinBox):
                    widget.setValue(float(value) if value is not None else widget.minimum())
                elif isinstance(widget, QLineEdit):
                    widget.setText("" if value is None else str(value))
        finally:
            self._loading = False

    def _commit_number(self, attr: AttributeDef, spin: QDoubleSpinBox) -> None:
        value = None if spin.value() == spin.minimum() else spin.value()
        if value is not None and float(value).is_integer():
            value = int(value)
        self._commit(attr, value)

    def _commit(self, attr: AttributeDef, value: Any) -> None:
        """One attribute edit = one undo step through services.regions.set_attributes."""
        if self._loading or self.region is None:
            return
        if self.region.attrs.get(attr.key) == value or (
            value in (None, "") and attr.key not in self.region.attrs
        ):
            return
        self.error.hide()
        try:
            undo.perform(
                self.session,
                undo.SetAttributesCommand(self.session, self.region.id, {attr.key: value}),
            )
        except AalError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.editFailed.emit(str(exc))
            self._load_values()
            return
        self.region = region_service.get(self.session.project, self.region.id)
        self._load_values()
