"""The filter bar of the review window: who, what kind of change, which document, since when.

Split from review_view.py (one module, one job): it only turns its controls into an
EventFilter and says when that changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ..core.records import ChangeType, EventKind
from ..services import documents, review
from ..services.audit import EventFilter

if TYPE_CHECKING:
    from .session import Session


ANY = "(any)"


def _combo(items: list[tuple[str, Any]], parent: QWidget) -> QComboBox:
    c = QComboBox(parent)
    c.addItem(ANY, None)
    for text, value in items:
        c.addItem(text, value)
    return c


def _select_data(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(max(0, i))


class FilterBar(QWidget):
    """Annotator, kind, change type, class before/after, document, dates, review state."""

    changed = Signal(object)  # EventFilter

    def __init__(
        self, session: Session, default_review: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        project = session.project
        users = sorted(set(review.event_users(project)))
        self.user = _combo([(u, u) for u in users], self)
        self.kind = _combo(
            [(k.value.removeprefix("region."), k.value) for k in EventKind]
            + [("any region change", "region.")],
            self,
        )
        self.change_type = _combo([(t.value, t.value) for t in ChangeType], self)
        classes = [(f"{c.name} ({c.key})", c.key) for c in session.schema.classes]
        self.class_before = _combo(classes, self)
        self.class_after = _combo(classes, self)
        docs = documents.list_documents(project)
        self.document = _combo([(f"{d.id}: {d.filename}", d.id) for d in docs], self)
        self.review = _combo([(s, s) for s in review.REVIEW_STATES], self)
        _select_data(self.review, default_review)
        today = QDate.currentDate()
        self.use_since = QCheckBox("from", self)
        self.since = QDateEdit(today, self)
        self.use_until = QCheckBox("to", self)
        self.until = QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.clear_button = QPushButton("Clear filters", self)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        cells: list[tuple[str, QWidget]] = [
            ("Annotator", self.user),
            ("Kind", self.kind),
            ("Change", self.change_type),
            ("Review", self.review),
            ("Class before", self.class_before),
            ("Class after", self.class_after),
            ("Document", self.document),
        ]
        for i, (label, w) in enumerate(cells):
            row, col = divmod(i, 4)
            grid.addWidget(QLabel(label, self), row * 2, col)
            grid.addWidget(w, row * 2 + 1, col)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Dates:", self))
        dates.addWidget(self.use_since)
        dates.addWidget(self.since)
        dates.addWidget(self.use_until)
        dates.addWidget(self.until)
        dates.addWidget(QLabel("(UTC days)", self))
        dates.addStretch(1)
        dates.addWidget(self.clear_button)
        grid.addLayout(dates, 4, 0, 1, 4)

        for combo in (
            self.user,
            self.kind,
            self.change_type,
            self.class_before,
            self.class_after,
            self.document,
            self.review,
        ):
            combo.currentIndexChanged.connect(self._emit)
        for w in (self.use_since, self.use_until):
            w.toggled.connect(self._emit)
        for d in (self.since, self.until):
            d.dateChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    @staticmethod
    def _iso(date: QDate) -> str:
        """Midnight UTC of a day, spelled like the log's times so text comparison works."""
        return datetime(date.year(), date.month(), date.day(), tzinfo=UTC).isoformat(
            timespec="microseconds"
        )

    def current(self) -> EventFilter:
        until = None
        if self.use_until.isChecked():
            until = self._iso(self.until.date().addDays(1))  # the whole 'to' day
        return EventFilter(
            user=self.user.currentData(),
            kind=self.kind.currentData(),
            change_type=self.change_type.currentData(),
            document_id=self.document.currentData(),
            class_before=self.class_before.currentData(),
            class_after=self.class_after.currentData(),
            review=self.review.currentData(),
            since=self._iso(self.since.date()) if self.use_since.isChecked() else None,
            until=until,
        )

    def set_values(self, **values: Any) -> None:
        """Set several filters at once and emit ONE change (also used by tests/scripts)."""
        self.blockSignals(True)
        try:
            for name, value in values.items():
                _select_data(getattr(self, name), value)
        finally:
            self.blockSignals(False)
        self._emit()

    def clear(self) -> None:
        self.blockSignals(True)
        for combo in (
            self.user,
            self.kind,
            self.change_type,
            self.class_before,
            self.class_after,
            self.document,
            self.review,
        ):
            combo.setCurrentIndex(0)
        self.use_since.setChecked(False)
        self.use_until.setChecked(False)
        self.blockSignals(False)
        self._emit()

    def _emit(self, *_: Any) -> None:
        self.changed.emit(self.current())
