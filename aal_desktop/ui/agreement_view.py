"""Agreement between annotators: per-class P/R/F1 and kappa, the disagreements, and the
page with both annotators' boxes, where a lead picks A, picks B or merges (adjudication).

Annotator A's boxes are drawn solid, B's dashed, and the adjudicated set dotted green, so
the three stay apart in any class colour. Page images come from session.renderer (worker
processes); the figures are recomputed from the services after each decision.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import AalError
from ..core.geometry import Box
from ..services import agreement, documents, regions
from .jobs import Job, busy_bar, run_job
from .session import Session

ZOOM = 1.0
A_COLOR = QColor("#1f77b4")
B_COLOR = QColor("#d62728")
ADJ_COLOR = QColor("#2ca02c")
KIND_TEXT = {"class": "class differs", "only_a": "only A drew it", "only_b": "only B drew it"}


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


class _Table(QTableWidget):
    def __init__(self, headers: list[str]) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def fill(self, rows: list[list[str]]) -> None:
        self.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.setItem(i, j, QTableWidgetItem(text))

    def row_texts(self, row: int) -> list[str]:
        items = (self.item(row, c) for c in range(self.columnCount()))
        return [item.text() if item is not None else "" for item in items]


class PageView(QGraphicsView):
    """The page image with the boxes of one disagreement (and the adjudicated set)."""

    def __init__(self) -> None:
        super().__init__()
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(360, 420)

    def show_boxes(
        self,
        image: QImage | None,
        size: tuple[float, float],
        a: Box | None,
        b: Box | None,
        adjudicated: list[Box],
        labels: tuple[str, str],
    ) -> None:
        scene = self.scene()
        scene.clear()
        w, h = size
        if image is not None and not image.isNull():
            item = scene.addPixmap(QPixmap.fromImage(image))
            item.setScale(w / image.width() if image.width() else 1.0)
        else:
            scene.addRect(QRectF(0, 0, w, h), QPen(QColor("#999999")), QBrush(QColor("#ffffff")))
        for box, color, style, text in (
            (a, A_COLOR, Qt.PenStyle.SolidLine, labels[0]),
            (b, B_COLOR, Qt.PenStyle.DashLine, labels[1]),
        ):
            if box is None:
                continue
            pen = QPen(color, 2.0, style)
            pen.setCosmetic(True)
            fill = QColor(color)
            fill.setAlpha(40)
            scene.addRect(QRectF(box.x0, box.y0, box.width, box.height), pen, QBrush(fill))
            label = scene.addSimpleText(text)
            label.setBrush(QBrush(color))
            label.setPos(box.x0, box.y0 - 14 if style == Qt.PenStyle.SolidLine else box.y1 + 1)
        for box in adjudicated:
            pen = QPen(ADJ_COLOR, 2.0, Qt.PenStyle.DotLine)
            pen.setCosmetic(True)
            scene.addRect(QRectF(box.x0, box.y0, box.width, box.height), pen)
        scene.setSceneRect(QRectF(0, 0, w, h))
        self.fitInView(scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


class AgreementDialog(QDialog):
    """Leads see where annotators differ and decide; annotators may look but not decide."""

    refreshed = Signal()
    pageShown = Signal(int, int)  # document_id, page: image (or its failure) and boxes drawn

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Inter-annotator agreement")
        self.report: agreement.AgreementReport | None = None
        self.rows: list[agreement.Disagreement] = []
        self._key: object = None
        self._current: agreement.Disagreement | None = None

        self.iou = QDoubleSpinBox()
        self.iou.setRange(0.05, 1.0)
        self.iou.setSingleStep(0.05)
        self.iou.setValue(0.5)
        self.iou.setPrefix("IoU ≥ ")
        self.refresh_button = QPushButton("Refresh")
        self.busy = busy_bar()  # while the figures are computed
        self._job: Job | None = None
        self._again = False
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.classes = _Table(["Class", "TP", "FP", "FN", "Precision", "Recall", "F1"])
        self.disagreements = _Table(["Doc", "Page", "What", "A", "B", "Adjudicated"])
        self.view = PageView()
        self.legend = QLabel(
            f"<span style='color:{A_COLOR.name()}'>■ A (solid)</span> &nbsp; "
            f"<span style='color:{B_COLOR.name()}'>■ B (dashed)</span> &nbsp; "
            f"<span style='color:{ADJ_COLOR.name()}'>■ adjudicated (dotted)</span>"
        )
        self.pick_a = QPushButton("Pick A")
        self.pick_b = QPushButton("Pick B")
        self.merge = QPushButton("Merge")
        self.reject_button = QPushButton("Neither")
        self.merge_class = QComboBox()
        self.merge_class.setToolTip("Class of the merged region when A and B disagree")
        self.agreed = QPushButton("Adjudicate agreed pairs of this document")
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.iou)
        top.addWidget(self.refresh_button)
        top.addWidget(self.busy)
        top.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.summary)
        left.addWidget(self.classes, 2)
        left.addWidget(QLabel("Disagreements"))
        left.addWidget(self.disagreements, 3)
        lw = QWidget()
        lw.setLayout(left)
        decide = QHBoxLayout()
        for w in (self.pick_a, self.pick_b, self.merge, self.merge_class, self.reject_button):
            decide.addWidget(w)
        right = QVBoxLayout()
        right.addWidget(self.legend)
        right.addWidget(self.view, 1)
        right.addLayout(decide)
        right.addWidget(self.agreed)
        right.addWidget(self.message)
        rw = QWidget()
        rw.setLayout(right)
        split = QSplitter()
        split.addWidget(lw)
        split.addWidget(rw)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.resize(1300, 800)
        split.setSizes([560, 740])  # the tables' columns all visible; the page takes the rest

        self.refresh_button.clicked.connect(self.refresh)
        self.iou.valueChanged.connect(lambda _v: self.refresh())
        self.disagreements.itemSelectionChanged.connect(self._on_select)
        self.pick_a.clicked.connect(lambda: self.decide("a"))
        self.pick_b.clicked.connect(lambda: self.decide("b"))
        self.merge.clicked.connect(lambda: self.decide("merge"))
        self.reject_button.clicked.connect(lambda: self.decide("reject"))
        self.agreed.clicked.connect(self.adjudicate_agreed)
        session.renderer.rendered.connect(self._on_rendered)
        session.renderer.failed.connect(self._on_failed)
        session.regionsChanged.connect(lambda _d, _p: self.refresh())
        self.refresh()

    # --- figures ----------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Recompute in a background job on its own connection: matching every
        double-annotated page takes seconds on a big project, and the window must not
        freeze meanwhile. A refresh asked for while one runs follows when it ends."""
        if self._job is not None and self._job.running:
            self._again = True
            return
        iou = self.iou.value()
        self.busy.setVisible(True)
        self._job = run_job(
            self.session.project,
            lambda ctx: agreement.agreement(ctx.project, iou=iou),
            self._show_report,
            self._report_failed,
            self._report_finished,
        )

    def is_computing(self) -> bool:
        return self._job is not None and self._job.running

    def _report_failed(self, exc: BaseException) -> None:
        self.message.setText(f"Agreement could not be computed: {exc}")

    def _report_finished(self) -> None:
        self.busy.setVisible(False)
        if self._again:
            self._again = False
            self.refresh()

    def _show_report(self, rep: agreement.AgreementReport) -> None:
        keep = self._current
        self.report = rep
        s = rep.overall
        if s is None:
            self.summary.setText(
                "No double-annotated documents yet: assign the same documents "
                "to two annotators (aal doc assign)."
            )
            self.classes.fill([])
        else:
            self.summary.setText(
                f"{len(rep.documents)} double-annotated document(s), annotators "
                f"{', '.join(rep.annotators)}. Matched pairs {s.pairs} "
                f"({s.agreeing_pairs} same class), unmatched {s.unmatched_a} + "
                f"{s.unmatched_b}. <b>Cohen's kappa {_fmt(s.kappa)}</b>, "
                f"F1 micro {_fmt(s.micro_f1)}, macro {_fmt(s.macro_f1)}."
            )
            rows = [
                [c, str(v.tp), str(v.fp), str(v.fn), _fmt(v.precision), _fmt(v.recall), _fmt(v.f1)]
                for c, v in s.per_class.items()
            ]
            self.classes.fill(rows)
        self.rows = sorted(rep.disagreements, key=lambda d: (d.resolved, d.document_id, d.page))
        self.disagreements.blockSignals(True)
        self.disagreements.fill(
            [
                [
                    str(d.document_id),
                    str(d.page + 1),
                    KIND_TEXT[d.kind],
                    f"{d.annotator_a}: {d.label_a or '—'}",
                    f"{d.annotator_b}: {d.label_b or '—'}",
                    "yes" if d.resolved else "",
                ]
                for d in self.rows
            ]
        )
        self.disagreements.blockSignals(False)
        self.merge_class.clear()
        self.merge_class.addItems([c.key for c in self.session.schema.classes if not c.deprecated])
        self._current = None
        if keep is not None:
            for i, d in enumerate(self.rows):
                if (d.document_id, d.page, d.kind, d.region_a, d.region_b) == (
                    keep.document_id,
                    keep.page,
                    keep.kind,
                    keep.region_a,
                    keep.region_b,
                ):
                    self.disagreements.selectRow(i)
                    break
        self._update_buttons()
        self.refreshed.emit()

    # --- one disagreement on its page -------------------------------------------------------

    def select(self, row: int) -> None:
        self.disagreements.selectRow(row)

    @Slot()
    def _on_select(self) -> None:
        sel = self.disagreements.selectionModel().selectedRows()
        self._current = self.rows[sel[0].row()] if sel else None
        self._update_buttons()
        d = self._current
        if d is None:
            return
        if d.label_a:
            self.merge_class.setCurrentText(d.label_a)
        doc = documents.resolve(self.session.project, d.document_id)
        try:
            path = str(self.session.project.pdf_path(doc.sha256))
        except AalError as exc:
            self._draw(None)
            self.message.setText(str(exc))
            return
        self._draw(None)  # boxes at once; the image follows from the renderer
        self._key = self.session.renderer.request(doc.sha256, path, d.page, ZOOM)

    def _draw(self, image: QImage | None) -> None:
        d = self._current
        if d is None:
            return
        pg = documents.page(self.session.project, d.document_id, d.page)
        adjudicated = [
            Box(*r.box)
            for r in regions.list_regions(self.session.project, d.document_id, d.page)
            if r.annotator == agreement.ADJUDICATED
        ]
        self.view.show_boxes(
            image,
            (pg.width, pg.height),
            d.box_a,
            d.box_b,
            adjudicated,
            (f"A {d.annotator_a}: {d.label_a or ''}", f"B {d.annotator_b}: {d.label_b or ''}"),
        )
        if image is not None:
            self.pageShown.emit(d.document_id, d.page)

    @Slot(object, QImage)
    def _on_rendered(self, key: object, image: QImage) -> None:
        if key == self._key:
            self._draw(image)

    @Slot(object, str)
    def _on_failed(self, key: object, reason: str) -> None:
        if key == self._key and self._current is not None:
            self.message.setText(f"page image unavailable: {reason}")
            self.pageShown.emit(self._current.document_id, self._current.page)

    def _update_buttons(self) -> None:
        d = self._current
        lead = self.session.project.is_lead
        open_ = d is not None and lead
        self.pick_a.setEnabled(open_ and d is not None and d.region_a is not None)
        self.pick_b.setEnabled(open_ and d is not None and d.region_b is not None)
        both = open_ and d is not None and d.region_a is not None and d.region_b is not None
        self.merge.setEnabled(both)
        self.merge_class.setEnabled(both)
        self.reject_button.setEnabled(open_)
        self.agreed.setEnabled(open_)
        if not lead:
            self.message.setText("Only a lead can adjudicate; you can look.")

    # --- decisions --------------------------------------------------------------------------

    def decide(self, choice: str) -> None:
        d = self._current
        if d is None:
            return
        key = None
        if choice == "merge" and d.label_a != d.label_b:
            key = self.merge_class.currentText() or None
        pick = agreement.Pick(choice, d.region_a, d.region_b, key)  # type: ignore[arg-type]
        try:
            made = agreement.adjudicate(self.session.project, d.document_id, d.page, [pick])
        except AalError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(
            f"Adjudicated ({choice}): " + (", ".join(r.class_key for r in made) or "neither")
        )
        self.refresh()

    @Slot()
    def adjudicate_agreed(self) -> None:
        d = self._current
        if d is None:
            return
        try:
            made = agreement.adjudicate_agreed(
                self.session.project, d.document_id, self.iou.value()
            )
        except AalError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"{len(made)} agreed pairs of document {d.document_id} adjudicated")
        self.refresh()
