"""The Classes tab of the schema editor: versions, the class form and its attributes table.

Split from schema_editor.py (one module, one job). The form stages operations into the
migration plan (the Migration tab previews and applies them) or saves presentation touches
to a draft; which operations a form makes is core/schema_edits.py, tested without Qt. It
is its own widget and talks to the editor only through SchemaEditorHost.
"""

from __future__ import annotations

from typing import Any

import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core import schema_edits
from ..core.errors import AalError
from ..core.schema import HOTKEY_PATTERN, LabelClass, LabelSchema
from ..services import schemas
from .icons import outlined_swatch
from .schema_attributes_table import AttributesTable, first_error
from .schema_editor_host import SchemaEditorHost

ERROR_STYLE = "color: #b00020;"


class ClassesTab(QWidget):
    """Versions, classes and the class form; stages operations into the editor's plan."""

    def __init__(self, host: SchemaEditorHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.project = host.project
        self.lead = host.lead
        self._schema: LabelSchema | None = None  # the version shown
        self._class_key: str | None = None  # the class shown in the form
        self._colour = "#808080"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build())

    def set_read_only(self) -> None:
        """Annotators read: every control that changes something is disabled."""
        for b in (
            self.merge_button,
            self.split_button,
            self.deprecate_button,
            self.stage_button,
            self.new_class_button,
            self.save_draft_button,
            self.add_attr_button,
            self.remove_attr_button,
        ):
            b.setEnabled(False)

    def refresh_versions(self, infos: list[schemas.SchemaVersionInfo], current: int) -> None:
        """Fill the versions list, keeping the version shown (else the current one)."""
        keep = (
            self.versions.currentItem().data(Qt.ItemDataRole.UserRole)
            if self.versions.currentItem()
            else current
        )
        self.versions.blockSignals(True)
        self.versions.clear()
        for info in infos:
            mark = " (current)" if info.version == current else ""
            item = QListWidgetItem(f"v{info.version}  {info.status}{mark}  {info.name}")
            item.setData(Qt.ItemDataRole.UserRole, info.version)
            self.versions.addItem(item)
            if info.version == keep:
                self.versions.setCurrentItem(item)
        self.versions.blockSignals(False)
        self._version_selected(self.versions.currentRow())
        self._update_buttons()

    def _build(self) -> QWidget:
        self.versions = QListWidget()
        self.versions.currentRowChanged.connect(self._version_selected)
        self.classes = QListWidget()
        self.classes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.classes.currentItemChanged.connect(self._class_selected)
        self.guideline = QTextBrowser()
        self.guideline.setMaximumHeight(120)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("Versions"))
        lv.addWidget(self.versions, 1)
        lv.addWidget(QLabel("Guideline"))
        lv.addWidget(self.guideline)

        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.setContentsMargins(0, 0, 0, 0)
        mv.addWidget(QLabel("Classes"))
        mv.addWidget(self.classes, 1)
        row1 = QHBoxLayout()
        self.merge_button = QPushButton("Merge selected…")
        self.merge_button.clicked.connect(self._ask_merge)
        self.split_button = QPushButton("Split…")
        self.split_button.clicked.connect(self._ask_split)
        self.deprecate_button = QPushButton("Deprecate")
        self.deprecate_button.clicked.connect(self._deprecate_selected)
        self.add_class_button = QPushButton("Add class")
        self.add_class_button.setToolTip("A blank form for a new class, with a colour of its own")
        self.add_class_button.clicked.connect(self.new_class_form)
        for b in (
            self.add_class_button,
            self.merge_button,
            self.split_button,
            self.deprecate_button,
        ):
            row1.addWidget(b)
        mv.addLayout(row1)

        form_box = QWidget()
        fv = QVBoxLayout(form_box)
        fv.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.key_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._pick_colour)
        self.hotkey_edit = QLineEdit()
        self.hotkey_edit.setMaxLength(3)
        self.hotkey_edit.textChanged.connect(self._check_hotkey)
        self.hotkey_clash = QLabel("")
        self.hotkey_clash.setStyleSheet(ERROR_STYLE)
        hot = QHBoxLayout()
        hot.addWidget(self.hotkey_edit)
        hot.addWidget(self.hotkey_clash, 1)
        self.parent_combo = QComboBox()
        self.snap_check = QCheckBox("boxes snap to the words they cover")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText("What belongs in this class (guideline text)")
        self.description_edit.setMaximumHeight(90)
        self.deprecated_label = QLabel("")
        self.deprecated_label.setStyleSheet(ERROR_STYLE)
        form.addRow("Key", self.key_edit)
        form.addRow("Name", self.name_edit)
        form.addRow("Colour", self.colour_button)
        form.addRow("Hotkey", hot)
        form.addRow("Parent", self.parent_combo)
        form.addRow("", self.snap_check)
        form.addRow("Description", self.description_edit)
        form.addRow("", self.deprecated_label)
        fv.addLayout(form)
        fv.addWidget(QLabel("Attributes"))
        self.attributes = AttributesTable()
        fv.addWidget(self.attributes, 1)
        attr_row = QHBoxLayout()
        self.add_attr_button = QPushButton("Add attribute")
        self.add_attr_button.clicked.connect(lambda: self.attributes.add_row())
        self.remove_attr_button = QPushButton("Remove attribute")
        self.remove_attr_button.clicked.connect(self._remove_attribute_row)
        attr_row.addWidget(self.add_attr_button)
        attr_row.addWidget(self.remove_attr_button)
        attr_row.addStretch(1)
        fv.addLayout(attr_row)
        self.form_status = QLabel("")
        self.form_status.setWordWrap(True)
        fv.addWidget(self.form_status)
        actions = QHBoxLayout()
        self.stage_button = QPushButton("Stage changes")
        self.stage_button.setToolTip("Add this class's changes to the migration plan")
        self.stage_button.clicked.connect(self.stage_form_changes)
        self.new_class_button = QPushButton("Stage as new class")
        self.new_class_button.clicked.connect(self.stage_new_class)
        self.save_draft_button = QPushButton("Save to draft")
        self.save_draft_button.setToolTip(
            "Name, colour, hotkey, parent and guideline text of a "
            "draft; attribute changes go through a migration"
        )
        self.save_draft_button.clicked.connect(self.save_to_draft)
        for b in (self.stage_button, self.new_class_button, self.save_draft_button):
            actions.addWidget(b)
        fv.addLayout(actions)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(form_box)
        split.setSizes([260, 280, 560])
        return split

    # --- versions and classes ---------------------------------------------------------------

    def select_version(self, version: int) -> None:
        for row in range(self.versions.count()):
            if self.versions.item(row).data(Qt.ItemDataRole.UserRole) == version:
                self.versions.setCurrentRow(row)
                return

    def select_class(self, key: str) -> None:
        for row in range(self.classes.count()):
            if self.classes.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.classes.setCurrentRow(row)
                return

    def _version_selected(self, row: int) -> None:
        item = self.versions.item(row) if row >= 0 else None
        if item is None:
            return
        self._schema = schemas.get(self.project, int(item.data(Qt.ItemDataRole.UserRole)))
        self.guideline.setPlainText(
            f"{self._schema.guideline_version}\n{self._schema.guideline}".strip()
        )
        keep = self._class_key
        self.classes.blockSignals(True)
        self.classes.clear()
        for c in self._schema.classes:
            label = f"{c.name}  [{c.key}]" + (f"  ({c.hotkey})" if c.hotkey else "")
            if c.deprecated:
                label += "  — deprecated"
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, c.key)
            it.setIcon(outlined_swatch(c.color))
            it.setToolTip(c.description)
            self.classes.addItem(it)
        self.classes.blockSignals(False)
        self.select_class(keep or self._schema.classes[0].key)
        if self.classes.currentRow() < 0:
            self.classes.setCurrentRow(0)
        self._update_buttons()

    def _class_selected(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        if item is None or self._schema is None:
            return
        cls = self._schema.require(item.data(Qt.ItemDataRole.UserRole))
        self._class_key = cls.key
        self._fill_form(cls)

    def _fill_form(self, cls: LabelClass) -> None:
        assert self._schema is not None
        self.key_edit.setText(cls.key)
        self.name_edit.setText(cls.name)
        self._set_colour(cls.color)
        self.hotkey_edit.setText(cls.hotkey or "")
        self.parent_combo.clear()
        self.parent_combo.addItem("(none)", None)
        for c in self._schema.classes:
            if c.key != cls.key:
                self.parent_combo.addItem(f"{c.name} [{c.key}]", c.key)
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(cls.parent)))
        self.snap_check.setChecked(cls.snap_to_text)
        self.description_edit.setPlainText(cls.description)
        self.deprecated_label.setText(
            "Deprecated: no new regions; existing ones are flagged" if cls.deprecated else ""
        )
        self.attributes.set_attributes(cls.attributes)
        self.form_status.setText("")
        self._check_hotkey()

    def _set_colour(self, colour: str) -> None:
        self._colour = colour.lower()
        self.colour_button.setText(self._colour)
        fg = "#000000" if QColor(colour).lightness() > 140 else "#ffffff"
        self.colour_button.setStyleSheet(f"background-color: {colour}; color: {fg};")

    def _pick_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, "Class colour")
        if chosen.isValid():
            self._set_colour(chosen.name())

    def _remove_attribute_row(self) -> None:
        row = self.attributes.currentRow()
        if row >= 0:
            self.attributes.removeRow(row)

    def hotkey_clash_with(self) -> LabelClass | None:
        """The other class that already uses the typed hotkey, if any."""
        if self._schema is None:
            return None
        typed = self.hotkey_edit.text().strip()
        if not typed or not HOTKEY_PATTERN.match(typed):
            return None
        other = self._schema.by_hotkey(typed)
        return other if other is not None and other.key != self._form_original_key() else None

    def _form_original_key(self) -> str | None:
        return self._class_key

    def _check_hotkey(self) -> None:
        typed = self.hotkey_edit.text().strip()
        if typed and not HOTKEY_PATTERN.match(typed):
            self.hotkey_clash.setText("one letter, one digit or F1–F12")
        elif (other := self.hotkey_clash_with()) is not None:
            self.hotkey_clash.setText(f"already used by {other.name} [{other.key}]")
        else:
            self.hotkey_clash.setText("")
        self._update_buttons()

    def _form_class(self) -> LabelClass:
        """The class the form describes; raises AalError with the reason."""
        try:
            return LabelClass(
                key=self.key_edit.text().strip(),
                name=self.name_edit.text().strip(),
                color=self._colour,
                hotkey=self.hotkey_edit.text().strip() or None,
                description=self.description_edit.toPlainText().strip(),
                parent=self.parent_combo.currentData(),
                snap_to_text=self.snap_check.isChecked(),
                attributes=self.attributes.attributes(),
                deprecated=bool(
                    self._schema
                    and self._class_key
                    and self._schema.require(self._class_key).deprecated
                    and self.key_edit.text().strip() == self._class_key
                ),
            )
        except ValueError as exc:
            raise AalError(first_error(exc)) from None

    def _selected_keys(self) -> list[str]:
        return [it.data(Qt.ItemDataRole.UserRole) for it in self.classes.selectedItems()]

    def _viewing_current(self) -> bool:
        return self._schema is not None and self._schema.version == schemas.current_version(
            self.project
        )

    def _update_buttons(self) -> None:
        if not self.lead:
            return
        current = self._viewing_current()
        draft = self._schema is not None and self._schema.status.value == "draft"
        clash = bool(self.hotkey_clash.text())
        for b in (
            self.stage_button,
            self.new_class_button,
            self.merge_button,
            self.split_button,
            self.deprecate_button,
        ):
            b.setEnabled(current and not clash)
        self.add_class_button.setEnabled(current)
        if self._class_key is None:  # a new class's form: nothing to change or merge yet
            self.stage_button.setEnabled(False)
        self.save_draft_button.setEnabled(draft and not clash)
        for b in (self.stage_button, self.new_class_button, self.save_draft_button):
            if not b.isEnabled():
                why = (
                    "the hotkey clashes"
                    if clash
                    else (
                        "only the current published version is migrated"
                        if b is not self.save_draft_button
                        else "only drafts can be saved"
                    )
                )
                b.setToolTip(f"Disabled: {why}")

    # --- staging operations into the plan --------------------------------------------------------

    def plan_data(self) -> dict[str, Any]:
        """The plan text as data (a fresh plan from the current version when empty)."""
        text = self.host.plan_text()
        data = yaml.safe_load(text) if text.strip() else None
        if data is None:
            data = {"from_version": schemas.current_version(self.project), "operations": []}
        if not isinstance(data, dict):
            raise AalError("the plan text is not a mapping; fix or clear it first")
        data.setdefault("operations", [])
        return data

    def stage(self, *ops: dict[str, Any]) -> None:
        """Append operations to the plan text (and so to the preview)."""
        try:
            data = self.plan_data()
        except (AalError, yaml.YAMLError) as exc:
            self._form_message(f"cannot add to the plan: {exc}", error=True)
            return
        data["operations"] = [*(data["operations"] or []), *ops]
        self.host.set_plan_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        )
        self._form_message(f"staged {len(ops)} operation(s); see the Migration tab")

    def _form_message(self, text: str, error: bool = False) -> None:
        self.form_status.setStyleSheet(ERROR_STYLE if error else "")
        self.form_status.setText(text)

    def form_operations(self) -> list[dict[str, Any]]:
        """The operations that turn the selected class into what the form shows."""
        assert self._schema is not None and self._class_key is not None
        return schema_edits.class_change_operations(
            self._schema.require(self._class_key), self._form_class()
        )

    def stage_form_changes(self) -> None:
        if self._class_key is None:
            self._form_message("this is a new class: press “Stage as new class”", error=True)
            return
        try:
            ops = self.form_operations()
        except AalError as exc:
            self._form_message(str(exc), error=True)
            return
        if not ops:
            self._form_message("the form matches the class; nothing to stage")
            return
        self.stage(*ops)

    def stage_new_class(self) -> None:
        try:
            cls = self._form_class()
        except AalError as exc:
            self._form_message(str(exc), error=True)
            return
        assert self._schema is not None
        if self._schema.get(cls.key) is not None:
            self._form_message(
                f"class '{cls.key}' exists; type a new key for the new class", error=True
            )
            return
        self.stage(schema_edits.add_operation(cls))

    def new_class_form(self) -> None:
        """Empty the form for a new class: a key and colour no class has, no description."""
        assert self._schema is not None
        keys = {c.key for c in self._schema.classes}
        self.classes.blockSignals(True)
        self.classes.clearSelection()
        self.classes.setCurrentRow(-1)
        self.classes.blockSignals(False)
        self._class_key = None
        staged = self._staged_new_classes()
        keys |= {str(c.get("key")) for c in staged}
        key = next(k for n in range(1, 1000) if (k := f"new_class_{n}") not in keys)
        colour = schema_edits.fresh_colour(self._schema, (str(c.get("color", "")) for c in staged))
        fresh = LabelClass(key=key, name="New class", color=colour)
        self._fill_form(fresh)
        self._form_message(
            "A new class: type its key, name and hotkey, then press “Stage as new class”."
        )
        self.key_edit.setFocus()
        self.key_edit.selectAll()

    def _staged_new_classes(self) -> list[dict[str, Any]]:
        """The classes the plan already adds (their keys and colours are taken too)."""
        try:
            return schema_edits.added_classes(self.plan_data()["operations"] or [])
        except (AalError, yaml.YAMLError):
            return []

    def _ask_merge(self) -> None:
        keys = self._selected_keys()
        if len(keys) < 1:
            self._form_message("select the classes to merge (Ctrl+click)", error=True)
            return
        into, ok = QInputDialog.getText(
            self, "Merge classes", f"Merge {', '.join(keys)} into (existing or new key):"
        )
        if ok and into.strip():
            self.stage({"op": "merge", "sources": keys, "into": into.strip()})

    def _ask_split(self) -> None:
        keys = self._selected_keys()
        if len(keys) != 1:
            self._form_message("select the one class to split", error=True)
            return
        text, ok = QInputDialog.getText(
            self,
            "Split class",
            f"Split {keys[0]} into (keys, comma separated; new keys become new classes):",
        )
        if ok and text.strip():
            self.stage(
                self.split_operation(keys[0], [t.strip() for t in text.split(",") if t.strip()])
            )

    def split_operation(self, source: str, targets: list[str]) -> dict[str, Any]:
        assert self._schema is not None
        return schema_edits.split_operation(self._schema, source, targets)

    def _deprecate_selected(self) -> None:
        keys = self._selected_keys()
        if not keys:
            self._form_message("select the classes to deprecate", error=True)
            return
        self.stage(*({"op": "deprecate", "key": k} for k in keys))

    def save_to_draft(self) -> None:
        """Presentation changes to a draft (regions do not change, so no migration is needed)."""
        assert self._schema is not None and self._class_key is not None
        old = self._schema.require(self._class_key)
        try:
            new = self._form_class()
        except AalError as exc:
            self._form_message(str(exc), error=True)
            return
        if new.key != old.key or new.attributes != old.attributes:
            self._form_message(
                "a draft keeps its keys and attributes (regions use them); change "
                "those with a migration from the published version",
                error=True,
            )
            return
        classes = [new if c.key == old.key else c for c in self._schema.classes]
        try:
            stored = schemas.update_draft(
                self.project, self._schema.model_copy(update={"classes": classes})
            )
        except (AalError, ValueError) as exc:
            self._form_message(first_error(exc), error=True)
            return
        self._schema = stored
        self._form_message(f"saved to draft v{stored.version}")
        self.host.refresh()
