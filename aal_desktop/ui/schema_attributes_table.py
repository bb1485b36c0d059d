"""The typed attributes table of the schema editor's class form: key, type, options, default."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..core.errors import AalError
from ..core.schema import AttributeDef, AttributeType


def first_error(exc: Exception) -> str:
    """The first message of a pydantic validation error (or the error's text)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return str(errors()[0]["msg"]).removeprefix("Value error, ")
    return str(exc)


class AttributesTable(QTableWidget):
    """Typed attributes of a class: key, type, required, options (enum), default."""

    HEADERS = ["key", "type", "required", "options", "default"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        options_header = self.horizontalHeaderItem(3)  # made by setHorizontalHeaderLabels
        if options_header is not None:
            options_header.setToolTip("enum values, comma separated")
        self._editable = True

    def set_editable(self, on: bool) -> None:
        self._editable = on
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            if on
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        for row in range(self.rowCount()):
            for col in (1, 2):
                w = self.cellWidget(row, col)
                if w is not None:
                    w.setEnabled(on)

    def add_row(self, a: AttributeDef | None = None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(a.key if a else ""))
        kind = QComboBox()
        kind.addItems([t.value for t in AttributeType])
        if a is not None:
            kind.setCurrentText(a.type.value)
        kind.setEnabled(self._editable)
        self.setCellWidget(row, 1, kind)
        req = QCheckBox()
        req.setChecked(bool(a and a.required))
        req.setEnabled(self._editable)
        self.setCellWidget(row, 2, req)
        self.setItem(row, 3, QTableWidgetItem(", ".join(a.options) if a else ""))
        default = "" if a is None or a.default is None else str(a.default)
        self.setItem(row, 4, QTableWidgetItem(default))

    def set_attributes(self, attrs: list[AttributeDef]) -> None:
        self.setRowCount(0)
        for a in attrs:
            self.add_row(a)

    def attributes(self) -> list[AttributeDef]:
        """The table as attribute definitions; raises AalError naming the bad row."""
        out = []
        for row in range(self.rowCount()):
            key_item, opt_item, def_item = self.item(row, 0), self.item(row, 3), self.item(row, 4)
            key = key_item.text().strip() if key_item else ""
            if not key:
                continue
            kind = self.cellWidget(row, 1)
            req = self.cellWidget(row, 2)
            assert isinstance(kind, QComboBox) and isinstance(req, QCheckBox)
            options = [
                o.strip() for o in (opt_item.text() if opt_item else "").split(",") if o.strip()
            ]
            default = def_item.text().strip() if def_item else ""
            try:
                out.append(
                    AttributeDef(
                        key=key,
                        type=AttributeType(kind.currentText()),
                        required=req.isChecked(),
                        options=options,
                        default=default or None,
                    )
                )
            except ValueError as exc:
                raise AalError(f"attribute row {row + 1}: {first_error(exc)}") from None
        return out
