"""Import annotations made elsewhere (COCO, Label Studio, CVAT, labelme, PAWLS, PAGE XML).

Two steps, so a person sees the label mapping before anything is written: `plan` parses the
files and maps their labels (writes nothing); `run` refuses the whole import when a label
maps nowhere, else resolves the pages to documents (wrapping page images) and writes each
file's regions as ONE batch of `additive` events in one transaction, the file named in the
reason. Each region's provenance (format, file SHA-256, foreign id) goes to region_imports,
whose (file SHA-256, foreign id) key makes importing the same file again add nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import NotFound, ValidationFailed
from ..core.schema import validate_attributes
from ..importers import annotation_files, check_format, parse
from ..importers import labels as label_map
from ..importers.frames import place_on_page, to_page_points
from ..importers.model import ForeignBox, ForeignFile
from ..store import annotation_imports as rows
from ..store.db import transaction
from ..store.events import now_iso
from . import history as undo_history
from . import regions, schemas
from .annotation_pages import PageResolver, PageTarget
from .project import Project

CLIPPED = "clipped to the page"
ATTRS_DROPPED = "attributes the class does not have, dropped"
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportOptions:
    """What the person asked for (CLI flags, or the dialog's fields)."""

    format: str
    path: Path
    images: Path | None = None
    map_path: Path | None = None
    mapping: dict[str, str | None] | None = None  # overrides map_path (the dialog's edits)
    doc: str | None = None
    as_prelabels: bool = False
    source: str | None = None


@dataclass(frozen=True)
class ImportPlan:
    """The parsed files and the label mapping, shown before anything is written."""

    options: ImportOptions
    files: tuple[ForeignFile, ...]
    labels: tuple[label_map.LabelChoice, ...]

    @property
    def unmapped(self) -> list[str]:
        return label_map.unmapped(self.labels)

    @property
    def box_count(self) -> int:
        return sum(len(f.boxes) for f in self.files)

    def mapping(self) -> dict[str, str | None]:
        return {c.label: c.class_key for c in self.labels}


@dataclass
class FileReport:
    path: str
    sha256: str
    batch: str | None = None
    imported: int = 0
    already_present: int = 0
    reduced: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass
class ImportReport:
    """What an import did: counts overall and per file, made documents, new region ids."""

    format: str
    as_prelabels: bool
    files: list[FileReport] = field(default_factory=list)
    documents_created: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    region_ids: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def already_present(self) -> int:
        return sum(f.already_present for f in self.files)

    @property
    def reduced(self) -> dict[str, int]:
        return dict(sorted(sum((f.reduced for f in self.files), Counter()).items()))

    @property
    def skipped(self) -> dict[str, int]:
        return dict(sorted(sum((f.skipped for f in self.files), Counter()).items()))

    def summary(self) -> dict[str, object]:
        """The report as plain data (CLI --json and the dialog)."""
        return {
            "format": self.format,
            "as_prelabels": self.as_prelabels,
            "imported": self.imported,
            "already_present": self.already_present,
            "reduced": self.reduced,
            "skipped": self.skipped,
            "documents_created": self.documents_created,
            "documents": self.documents,
            "mapping": self.mapping,
            "files": [
                {
                    "path": f.path,
                    "sha256": f.sha256,
                    "batch": f.batch,
                    "imported": f.imported,
                    "already_present": f.already_present,
                    "reduced": dict(f.reduced),
                    "skipped": dict(f.skipped),
                }
                for f in self.files
            ],
            "notes": self.notes,
        }

    def lines(self) -> list[str]:
        out = [
            f"{self.imported} regions imported"
            + (" as pending pre-labels" if self.as_prelabels else "")
            + f", {self.already_present} already imported"
            + f", {len(self.documents_created)} documents made"
        ]
        for title, counts in (("reduced", self.reduced), ("skipped", self.skipped)):
            for reason, n in counts.items():
                out.append(f"  {title:<8} {n:>6}  {reason}")
        return out


def plan(project: Project, options: ImportOptions) -> ImportPlan:
    """Parse the files and map their labels; writes nothing."""
    check_format(options.format)
    files = tuple(parse(options.format, p) for p in annotation_files(options.format, options.path))
    if not files:
        raise ValidationFailed(f"{options.path}: no {options.format} annotation files in it")
    explicit = options.mapping
    if explicit is None and options.map_path is not None:
        explicit = label_map.read_map(options.map_path)
    schema = schemas.current(project)
    classes = [(c.key, c.name) for c in schema.classes if not c.deprecated]
    counts = Counter(b.label for f in files for b in f.boxes if b.skip is None)
    choices = label_map.choose(sorted(counts.items()), classes, explicit)
    return ImportPlan(options, files, tuple(choices))


def import_annotations(
    project: Project,
    options: ImportOptions,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    return run(project, plan(project, options), progress, cancelled)


def refuse_unmapped(p: ImportPlan) -> None:
    missing = p.unmapped
    if missing:
        raise ValidationFailed(
            f"{len(missing)} labels map to no class, nothing was imported: "
            f"{', '.join(repr(m) for m in missing)}; map them with --map FILE "
            "(YAML {foreign label: class key}, null to leave one out)"
        )


def run(
    project: Project,
    p: ImportPlan,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Write the planned import (see the module docstring); returns what it did."""
    refuse_unmapped(p)
    opts = p.options
    report = ImportReport(opts.format, opts.as_prelabels, mapping=p.mapping())
    total = p.box_count
    done = 0

    def tell(message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    resolver = PageResolver(project, opts.images, opts.doc, opts.source, progress=tell)
    try:
        targets = []
        for ff in p.files:
            tell(f"finding the pages of {ff.path.name}")
            targets.append(resolver.resolve(ff))
        mapping = p.mapping()
        with transaction(project.db), undo_history.gathered(project):
            for ff, pages in zip(p.files, targets, strict=True):
                fr = FileReport(str(ff.path), ff.sha256)
                report.files.append(fr)
                for note in ff.notes:
                    if note not in report.notes:
                        report.notes.append(note)
                done = _write_file(
                    project, ff, pages, mapping, opts, fr, report, done, tell, cancelled
                )
        report.documents_created = list(resolver.created)
    finally:
        resolver.close()
    tell("done")
    return report


def _ordered(boxes: Sequence[ForeignBox]) -> list[ForeignBox]:
    """Parents before their children, otherwise in file order (a parent link needs the
    parent's region to exist)."""
    ids = {b.foreign_id for b in boxes}
    placed: set[str] = set()
    out: list[ForeignBox] = []
    pending = list(boxes)
    while pending:
        rest = []
        for b in pending:
            if b.parent_id is None or b.parent_id not in ids or b.parent_id in placed:
                out.append(b)
                placed.add(b.foreign_id)
            else:
                rest.append(b)
        if len(rest) == len(pending):  # a cycle: drop the remaining links' order
            out.extend(rest)
            break
        pending = rest
    return out


def _write_file(
    project: Project,
    ff: ForeignFile,
    pages: dict[str, PageTarget | str],
    mapping: dict[str, str | None],
    opts: ImportOptions,
    fr: FileReport,
    report: ImportReport,
    done: int,
    tell: Callable[[str], None],
    cancelled: Callable[[], bool] | None,
) -> int:
    seen = rows.imported_foreign_ids(project.db, ff.sha256)
    batch = str(uuid.uuid4())
    reason = f"imported from {ff.format} file {ff.path.name} (sha256 {ff.sha256[:12]})"
    new_ids: dict[str, str] = {}
    now = now_iso()
    for box in _ordered(ff.boxes):
        done += 1
        if cancelled is not None and cancelled():
            raise ValidationFailed("import cancelled; nothing was written")
        if done % 50 == 0:
            tell(f"{ff.path.name}: {done} boxes")
        if box.foreign_id in seen:
            fr.already_present += 1
            continue
        if box.skip is not None:
            fr.skipped[box.skip] += 1
            continue
        key = mapping.get(box.label)
        if key is None:
            fr.skipped[label_map.LEFT_OUT] += 1
            continue
        target = pages.get(box.page_key)
        if not isinstance(target, PageTarget):
            fr.skipped[target or "unknown image"] += 1
            continue
        assert box.box is not None
        shown = to_page_points(
            box.box, target.frame_w, target.frame_h, target.geometry, target.frame
        )
        placed, skip, clipped = place_on_page(shown, target.geometry, regions.MIN_SIDE_PT)
        if placed is None:
            fr.skipped[skip or "empty"] += 1
            continue
        if box.region_id is not None and regions_exists(project, box.region_id):
            fr.already_present += 1  # the same region (our own release, imported back)
            continue
        attrs, dropped = _attributes(project, key, box)
        parent = None
        if box.parent_id is not None:
            parent = new_ids.get(box.parent_id) or rows.region_for(
                project.db, ff.sha256, box.parent_id
            )
            if (
                parent is not None
                and regions.get(project, parent).document_id != target.document_id
            ):
                parent = None  # links stay within a document
        try:
            region = regions.add_region(
                project,
                target.document_id,
                target.page,
                placed,
                key,
                attrs,
                reason=reason,
                region_id=box.region_id,
                origin="model" if opts.as_prelabels else "human",
                model_name=f"import:{ff.format}" if opts.as_prelabels else None,
                model_version=ff.sha256[:12] if opts.as_prelabels else None,
                confidence=box.score if opts.as_prelabels else None,
                annotator=box.annotator,  # who drew it there (None: the importing person)
                parent_id=parent,
                reading_order=box.reading_order,
                batch=batch,
            )
        except ValidationFailed as exc:  # checked before writing: nothing of it was written
            fr.skipped[f"refused by the schema: {exc}"[:120]] += 1
            continue
        reduced = box.reduced or (CLIPPED if clipped else None)
        if dropped:
            fr.reduced[ATTRS_DROPPED] += 1
        if box.reduced:
            fr.reduced[box.reduced] += 1
        if clipped:
            fr.reduced[CLIPPED] += 1
        rows.insert(
            project.db,
            rows.RegionImport(
                region.id,
                ff.format,
                ff.sha256,
                ff.path.name,
                box.foreign_id,
                box.page_key,
                box.label,
                box.annotator,
                reduced,
                batch,
                project.user,
                now,
            ),
        )
        new_ids[box.foreign_id] = region.id
        seen.add(box.foreign_id)
        fr.imported += 1
        report.region_ids.append(region.id)
        if target.document_id not in report.documents:
            report.documents.append(target.document_id)
    if fr.imported:
        fr.batch = batch
    return done


def regions_exists(project: Project, region_id: str) -> bool:
    try:
        regions.get(project, region_id)
    except NotFound:
        return False
    return True


def _attributes(project: Project, key: str, box: ForeignBox) -> tuple[dict[str, object], bool]:
    """The file's attribute values the class accepts; True when some had to be dropped."""
    if not box.attributes:
        return {}, False
    cls = schemas.current(project).require(key)
    given = {k: v for k, v in box.attributes if v is not None and v != ""}
    try:
        return validate_attributes(cls, given), False
    except ValidationFailed:
        known = {k: v for k, v in given.items() if cls.attribute(k) is not None}
        try:
            return validate_attributes(cls, known), True
        except ValidationFailed:
            return {}, True


def provenance(project: Project, region_id: str) -> rows.RegionImport | None:
    """Where an imported region came from (None for regions drawn here)."""
    return rows.get(project.db, region_id)
