"""Model-assisted pre-labelling: the layout model proposes regions, people correct them.

The model runs in a worker process (pdf.layout; PyMuPDF holds the GIL and a dense page
takes seconds). Its class names go through the schema's `model_mapping` (layout class ->
schema class key); a class with no mapping is skipped and counted, never guessed.

Each page's new regions are written in one transaction (origin "model", the model's name,
version and confidence, `batch` = the run id); the run itself is ONE event of kind
"prelabel.run" (change type None: it changes no region by itself) written after the
last page with the model, settings and counts, also when the run was cancelled part way.

Running twice adds nothing. A detection is a duplicate, and skipped, when a region of the
same annotator on that page covers it with IoU >= DUPLICATE_IOU and that region is
- live (not deleted), whatever its class and origin: a person's box or an earlier
  pre-label already says what is there; or
- deleted, of the same class and from the same model: a person rejected that pre-label,
  and re-running the model must not bring it back.
Detections of one run that duplicate each other are skipped the same way.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ValidationFailed
from ..core.geometry import Box, iou
from ..core.records import Document, Region
from ..core.schema import LabelSchema
from ..pdf import layout
from ..pdf.worker import WorkerCrashed, WorkerError, WorkerProcess, WorkerTimeout
from ..store import events as event_log
from ..store.db import transaction
from ..store.events import NewEvent
from . import documents, regions, schemas, text
from .project import Change, ChangeKind, Project

DUPLICATE_IOU = 0.9
PAGE_TIMEOUT_S = 180.0  # a dense page takes up to ~15 s here; a hung one is abandoned
RUN_EVENT_KIND = "prelabel.run"

Progress = Callable[[int, int, str], None]  # pages done, pages total, message


@dataclass
class PrelabelReport:
    """What one run did; also the body of its "prelabel.run" event."""

    run_id: str
    document_id: int
    model_name: str
    model_version: str
    pages: list[int]  # 0-based pages asked for
    min_confidence: float
    annotator: str
    created: int = 0
    skipped_duplicates: int = 0
    below_threshold: int = 0
    too_small: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)  # model class -> count
    created_by_class: dict[str, int] = field(default_factory=dict)  # schema class -> count
    pages_done: list[int] = field(default_factory=list)
    failed_pages: dict[int, str] = field(default_factory=dict)  # page -> reason
    cancelled: bool = False
    event_id: int | None = None
    region_ids: list[str] = field(default_factory=list)

    def event_body(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "model": {"name": self.model_name, "version": self.model_version},
            "settings": {
                "pages": self.pages,
                "min_confidence": self.min_confidence,
                "duplicate_iou": DUPLICATE_IOU,
                "annotator": self.annotator,
            },
            "counts": {
                "created": self.created,
                "skipped_duplicates": self.skipped_duplicates,
                "below_threshold": self.below_threshold,
                "too_small": self.too_small,
                "unmapped": dict(self.unmapped),
                "created_by_class": dict(self.created_by_class),
            },
            "pages_done": self.pages_done,
            "failed_pages": {str(k): v for k, v in self.failed_pages.items()},
            "cancelled": self.cancelled,
        }


def model_mapping(schema: LabelSchema) -> dict[str, str]:
    """Model class -> schema class key; deprecated classes take no new regions."""
    return {
        m: k
        for m, k in schema.model_mapping.items()
        if (c := schema.get(k)) is not None and not c.deprecated
    }


def _is_duplicate(box: Box, class_key: str, model_name: str, existing: Sequence[Region]) -> bool:
    for r in existing:
        if iou(box, r.box) < DUPLICATE_IOU:
            continue
        if not r.deleted:
            return True
        if r.class_key == class_key and r.origin == "model" and r.model_name == model_name:
            return True
    return False


def _detect(worker: WorkerProcess, path: str, page: int) -> list[layout.Detection]:
    return worker.call(layout.detect_layout, path, page, timeout=PAGE_TIMEOUT_S)


def prelabel(
    project: Project,
    doc: str | int,
    pages: Sequence[int] | None = None,
    min_confidence: float = 0.5,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    annotator: str | None = None,
    worker: WorkerProcess | None = None,
    notify: bool = True,
) -> PrelabelReport:
    """Pre-label pages (0-based; None = all) of one document with the layout model.

    `annotator` owns the new regions (default: the person running it); a lead preparing
    double annotation pre-labels once per annotator, and each copy is deduplicated only
    against that annotator's regions. `worker` lets a caller (the window) keep one model
    process warm across runs and abort it to cancel a long page; without one a worker is
    started for this run and closed after it.
    """
    if not 0.0 <= min_confidence <= 1.0:
        raise ValidationFailed(f"--min-confidence must be between 0 and 1, not {min_confidence}")
    document: Document = documents.resolve(project, doc)
    if document.retired_at:
        raise ValidationFailed(f"document {document.id} is retired; it takes no new regions")
    wanted = list(range(document.page_count)) if pages is None else sorted(set(pages))
    for p in wanted:
        if not 0 <= p < document.page_count:
            raise ValidationFailed(
                f"page {p + 1} is outside document {document.id} (1-{document.page_count})"
            )
    schema = schemas.current(project)
    mapping = model_mapping(schema)
    if not mapping:
        raise ValidationFailed(
            f"schema v{schema.version} maps no layout-model class to a class (model_mapping "
            "is empty); add a mapping to the schema before pre-labelling"
        )
    name, version = layout.model_identity()
    owner = annotator or project.user
    report = PrelabelReport(
        run_id=str(uuid.uuid4()),
        document_id=document.id,
        model_name=name,
        model_version=version,
        pages=wanted,
        min_confidence=min_confidence,
        annotator=owner,
    )
    path = str(project.pdf_path(document.sha256))
    own_worker = worker is None
    w = worker or WorkerProcess("aal-layout-model")
    unmapped: Counter[str] = Counter()
    by_class: Counter[str] = Counter()
    try:
        for i, page in enumerate(wanted):
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
            if progress is not None:
                progress(i, len(wanted), f"page {page + 1} of document {document.id}")
            try:
                detections = _detect(w, path, page)
            except (WorkerError, WorkerTimeout, WorkerCrashed) as exc:
                if cancelled is not None and cancelled():
                    report.cancelled = True
                    break
                report.failed_pages[page] = str(exc)
                continue
            created = _write_page(
                project, document, page, detections, mapping, report, unmapped, by_class, owner
            )
            report.region_ids.extend(created)
            report.pages_done.append(page)
            if notify and created:
                project.notify(
                    Change(ChangeKind.region, tuple(created), document_id=document.id, page=page)
                )
        if progress is not None:
            progress(len(report.pages_done) + len(report.failed_pages), len(wanted), "done")
    finally:
        if own_worker:
            w.close()
    report.unmapped = dict(sorted(unmapped.items()))
    report.created_by_class = dict(sorted(by_class.items()))
    with transaction(project.db):
        report.event_id = event_log.append(
            project.db,
            NewEvent(
                kind=RUN_EVENT_KIND,
                user=project.user,
                change_type=None,
                document_id=document.id,
                new=report.event_body(),
                schema_version=schema.version,
                guideline_version=schema.guideline_version,
                batch=report.run_id,
            ),
        )
    if notify:
        project.notify(
            Change(
                ChangeKind.prelabel,
                (report.event_id,),
                document_id=document.id,
                detail={"run_id": report.run_id},
            )
        )
    return report


def _write_page(
    project: Project,
    document: Document,
    page: int,
    detections: Sequence[layout.Detection],
    mapping: dict[str, str],
    report: PrelabelReport,
    unmapped: Counter[str],
    by_class: Counter[str],
    owner: str,
) -> list[str]:
    """Create one page's pre-labels in one transaction; returns the new region ids."""
    pg = documents.page(project, document.id, page)
    # words first, outside the write transaction: text under each box is kept with it
    text.page_words(project, document.id, document.sha256, page)
    existing = [
        r
        for r in regions.list_regions(project, document.id, page, include_deleted=True)
        if r.annotator == owner
    ]
    todo: list[tuple[Box, str, float]] = []
    for d in detections:
        key = mapping.get(d.label)
        if key is None:
            unmapped[d.label] += 1
            continue
        if d.confidence < report.min_confidence:
            report.below_threshold += 1
            continue
        box = Box.normalized(d.x0, d.y0, d.x1, d.y1).clipped(pg.width, pg.height).rounded()
        if box.width < regions.MIN_SIDE_PT or box.height < regions.MIN_SIDE_PT:
            report.too_small += 1
            continue
        if _is_duplicate(box, key, report.model_name, existing):
            report.skipped_duplicates += 1
            continue
        todo.append((box, key, d.confidence))
        existing.append(_placeholder(document.id, page, box, key, owner))
    created: list[str] = []
    if not todo:
        return created
    with transaction(project.db):
        for box, key, conf in todo:
            r = regions.add_region(
                project,
                document.id,
                page,
                box,
                key,
                origin="model",
                model_name=report.model_name,
                model_version=report.model_version,
                confidence=round(conf, 4),
                annotator=owner,
                batch=report.run_id,
                reason=f"pre-label ({report.model_name} {report.model_version})",
            )
            created.append(r.id)
            by_class[key] += 1
    report.created += len(created)
    return created


def _placeholder(document_id: int, page: int, box: Box, key: str, owner: str) -> Region:
    """A stand-in for a region about to be written, so a run does not duplicate itself."""
    return Region(
        id="",
        document_id=document_id,
        page=page,
        box=box,
        class_key=key,
        schema_version=1,
        annotator=owner,
        created_by=owner,
        created_at="",
    )


def runs(project: Project, document_id: int | None = None) -> list[dict[str, Any]]:
    """Recorded pre-labelling runs, newest first: (event id, when, who, body)."""
    flt = event_log.EventFilter(kind=RUN_EVENT_KIND, document_id=document_id)
    return [
        {
            "event_id": e.id,
            "at": e.at,
            "user": e.user,
            "document_id": e.document_id,
            **(e.new or {}),
        }
        for e in event_log.list_events(project.db, flt, descending=True)
    ]


# --- accepting pre-labels -------------------------------------------------------------------


def pending(project: Project, doc: str | int, page: int | None = None) -> list[Region]:
    document = documents.resolve(project, doc)
    return [
        r
        for r in regions.list_regions(project, document.id, page)
        if r.origin == "model" and r.prelabel_state == "pending"
    ]


def accept_page(
    project: Project, doc: str | int, page: int, reason: str | None = None
) -> list[regions.Edit]:
    """A person confirms every pending pre-label of one page (0-based) as it is."""
    ids = [r.id for r in pending(project, doc, page)]
    return regions.accept_prelabels(project, ids, reason) if ids else []


def accept_above(
    project: Project,
    doc: str | int,
    min_confidence: float,
    page: int | None = None,
    reason: str | None = None,
) -> list[regions.Edit]:
    """Confirm the pending pre-labels of a document (or one page) whose confidence is at
    least `min_confidence`: the quick path for what the model is sure of."""
    if not 0.0 <= min_confidence <= 1.0:
        raise ValidationFailed(f"confidence must be between 0 and 1, not {min_confidence}")
    ids = [
        r.id
        for r in pending(project, doc, page)
        if r.confidence is not None and r.confidence >= min_confidence
    ]
    return regions.accept_prelabels(project, ids, reason) if ids else []
