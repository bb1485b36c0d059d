"""Action dialogs of the models view: deploy, roll back, retire.

Each is a small form whose OK runs ONE call of services.models; a refusal stays in the
dialog with the service's reason, so the lead can fix the input and try again. The models
view opens them and reads back `deployment` / `retirement` when they are accepted.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..services import models, versions

if TYPE_CHECKING:
    from .session import Session


def metrics_text(metrics: dict[str, object], limit: int = 3) -> str:
    """A few numeric metrics on one line, with … when some are not shown."""
    flat = [(k, v) for k, v in metrics.items() if isinstance(v, int | float)]
    shown = ", ".join(f"{k}={v:g}" for k, v in flat[:limit])  # type: ignore[str-format]
    return shown + (" …" if len(flat) > limit or len(flat) < len(metrics) else "")


# --- dialogs ----------------------------------------------------------------------------------


class _ActionDialog(QDialog):
    """A form, a red error line and OK/Cancel; OK runs one service call.

    Deploy, rollback and retire all behave alike: a refusal stays in the dialog with the
    service's reason, so the lead can fix the input and try again.
    """

    error: QLabel
    buttons: QDialogButtonBox
    ok_button: QPushButton

    def _lay_out(self, form: QFormLayout, ok_text: str, *notes: QWidget) -> None:
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for note in notes:
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _run(self, action: Callable[[], None]) -> None:
        """Run the service call; close on success, show the refusal otherwise."""
        try:
            action()
        except AalError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class DeployDialog(_ActionDialog):
    """Deploy one model version: environment, gates (checked live), limitations, override."""

    def __init__(self, session: Session, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = models.get_model(session.project, model)
        self.deployment: models.Deployment | None = None
        self.setWindowTitle(f"Deploy {self.model.ref}")
        self.env = QComboBox(self)
        self.env.setEditable(True)
        self.env.addItems(models.environments(session.project) or ["production"])
        self.gates = QPlainTextEdit(self)
        self.gates.setPlaceholderText("one gate a line, e.g. mAP>=0.8")
        self.gates.setFixedHeight(80)
        self.gate_results = QLabel(self)
        self.gate_results.setTextFormat(Qt.TextFormat.RichText)
        self.gate_results.setWordWrap(True)
        self.limitations = QPlainTextEdit(self)
        self.limitations.setPlaceholderText("one known limitation a line")
        self.limitations.setFixedHeight(70)
        self.force = QCheckBox("Deploy even if a gate fails (recorded with the reason)", self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why (required to force)")
        metrics = QLabel(
            html.escape(metrics_text(self.model.metrics, 12)) or "(no metrics recorded)", self
        )
        metrics.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Model", QLabel(f"<b>{html.escape(self.model.ref)}</b>", self))
        form.addRow("Recorded metrics", metrics)
        form.addRow("Environment", self.env)
        form.addRow("Gates", self.gates)
        form.addRow("", self.gate_results)
        form.addRow("Limitations", self.limitations)
        form.addRow("", self.force)
        form.addRow("Reason", self.reason)
        self._lay_out(form, "Deploy")
        self.gates.textChanged.connect(self.update_gates)
        self.update_gates()

    def gate_lines(self) -> list[str]:
        return [g.strip() for g in self.gates.toPlainText().splitlines() if g.strip()]

    def update_gates(self) -> None:
        """Show each gate's result against the recorded metrics while it is typed."""
        parts = []
        for text in self.gate_lines():
            try:
                r = models.evaluate_gate(models.parse_gate(text), self.model.metrics, text)
            except AalError as exc:
                parts.append(f"<span style='color:#c62828'>{html.escape(str(exc))}</span>")
                continue
            colour = "#2e7d32" if r.passed else "#c62828"
            parts.append(f"<span style='color:{colour}'>{html.escape(r.describe())}</span>")
        self.gate_results.setText("<br>".join(parts))

    def accept(self) -> None:
        """Deploy through the service; a refusal stays in the dialog with its reason."""

        def deploy() -> None:
            self.deployment = models.deploy(
                self.session.project,
                self.model.ref,
                self.env.currentText(),
                self.gate_lines(),
                [t for t in self.limitations.toPlainText().splitlines() if t.strip()],
                force=self.force.isChecked(),
                reason=self.reason.text() or None,
            )

        self._run(deploy)


class RollbackDialog(_ActionDialog):
    """Put back what the current deployment of an environment replaced."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.deployment: models.Deployment | None = None
        self.setWindowTitle("Roll back")
        self.env = QComboBox(self)
        self.env.addItems(models.environments(session.project))
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why (recorded)")
        form = QFormLayout()
        form.addRow("Environment", self.env)
        form.addRow("", self.current)
        form.addRow("Reason", self.reason)
        self._lay_out(form, "Roll back")
        self.env.currentTextChanged.connect(self._describe)
        self._describe()

    def _describe(self) -> None:
        env = self.env.currentText()
        cur = models.current_deployment(self.session.project, env) if env else None
        if cur is None:
            self.current.setText("Nothing deployed.")
        elif cur.replaces is None:
            self.current.setText(
                f"{cur.ref} (#{cur.id}) was the first deployment: nothing to roll back to."
            )
        else:
            back = models.get_deployment(self.session.project, cur.replaces)
            self.current.setText(
                f"Now {cur.ref} (#{cur.id}); rolling back puts back {back.ref} (#{back.id})."
            )

    def accept(self) -> None:
        def rollback() -> None:
            self.deployment = models.rollback(
                self.session.project, self.env.currentText(), self.reason.text() or None
            )

        self._run(rollback)


class RetireDialog(_ActionDialog):
    """Retire a model version or a dataset version: reason, successor, archive location."""

    def __init__(
        self, session: Session, kind: str, asset: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind  # 'model' | 'dataset_version'
        self.asset = asset
        self.retirement: models.Retirement | None = None
        what = "model" if kind == "model" else "dataset version"
        self.setWindowTitle(f"Retire {what} {asset}")
        p = session.project
        if kind == "model":
            choices = [m.ref for m in models.list_models(p) if m.ref != asset and not m.retired]
        else:
            choices = [
                v.name
                for v in versions.list_versions(p)
                if v.name != asset and v.retired_at is None
            ]
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("why it is retired (required)")
        self.successor = QComboBox(self)
        self.successor.addItems(["(none)", *choices])
        self.archive = QLineEdit(self)
        self.archive.setPlaceholderText("e.g. s3://archive/… (optional)")
        form = QFormLayout()
        form.addRow(what.capitalize(), QLabel(f"<b>{html.escape(asset)}</b>", self))
        form.addRow("Reason", self.reason)
        form.addRow("Successor", self.successor)
        form.addRow("Archived at", self.archive)
        note = QLabel("Retired assets stay listed and traceable; nothing is deleted.", self)
        note.setStyleSheet("color: #555")
        self._lay_out(form, "Retire", note)

    def accept(self) -> None:
        successor = self.successor.currentText()
        succ = None if self.successor.currentIndex() == 0 else successor
        archive = self.archive.text().strip() or None
        retire = models.retire_model if self.kind == "model" else models.retire_version

        def run() -> None:
            self.retirement = retire(
                self.session.project, self.asset, self.reason.text(), succ, archive
            )

        self._run(run)
