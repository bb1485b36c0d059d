"""Which document page each foreign page is: a given PDF, a PDF found by name, or a page
image wrapped as a one-page document.

Order of the search for one foreign page: `--doc`; the document SHA-256 the file carries
(our own releases); the PDF file name it carries (DocLayNet `doc_name`, PAWLS folders),
among the project's documents or as a file beside the annotations; the image in `--images`
(or embedded, labelme), wrapped; a PDF named like the image without its page number
(`paper_p3.png` → `paper.pdf`, page 3). None of those: the page's boxes are skipped as
"unknown image".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlparse

from ..core.errors import AalError, ValidationFailed
from ..core.records import Document
from ..importers.frames import PageGeometry, choose_frame
from ..importers.model import ForeignFile, ForeignPage
from ..store import annotation_imports as rows
from ..store.db import transaction
from ..store.events import now_iso
from . import documents
from .project import Project

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".pnm", ".jxr")
MAX_INDEXED_FILES = 200_000
UNKNOWN_IMAGE = "unknown image"
NO_SUCH_PAGE = "page not in the document"
PAGE_UNKNOWN = "page number unknown"
_PAGE_SUFFIX = re.compile(r"^(?P<stem>.*?)[-_. ]*(?:p|pg|page)?[-_ ]*(?P<n>\d{1,5})$", re.I)


@dataclass(frozen=True)
class PageTarget:
    """Where a foreign page's boxes land, and the frame they are measured in."""

    document_id: int
    page: int  # 0-based
    geometry: PageGeometry
    frame_w: float
    frame_h: float
    frame: str
    created: bool = False  # this import made the document (a wrapped image or a found PDF)


def base_name(ref: str) -> str:
    """The file name at the end of a path or URL as tools write them (Label Studio's
    `/data/upload/3/1a2b3c4d-page.png`, Windows paths in labelme, `../images/x.png`)."""
    text = unquote(urlparse(ref).path if "://" in ref else ref)
    text = text.split("?d=")[-1]  # Label Studio local files: /data/local-files/?d=dir/x.png
    return PureWindowsPath(text).name if "\\" in text else PurePosixPath(text).name


def page_number_in(name: str) -> tuple[str, int] | None:
    """("paper", 3) for "paper_p3.png", "paper-003.png", "paper page 3.jpg"; ("", 2) for
    "page_2.png"."""
    m = _PAGE_SUFFIX.match(Path(name).stem)
    if not m:
        return None
    return m.group("stem"), int(m.group("n"))


class PageResolver:
    """Resolves the pages of the files of one import; made documents are reused across
    files (a folder of labelme files over one folder of images)."""

    def __init__(
        self,
        project: Project,
        images: Path | None = None,
        doc: str | None = None,
        source: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.project = project
        self.images = Path(images) if images else None
        if self.images is not None and not self.images.is_dir():
            raise ValidationFailed(f"{self.images}: no such folder of page images")
        self.doc = documents.resolve(project, doc) if doc else None
        self.source = source
        self.progress = progress or (lambda _m: None)
        self.created: list[int] = []
        self._index: dict[Path, dict[str, list[Path]]] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="aal-page-images-")

    def close(self) -> None:
        self._tmp.cleanup()

    # --- files on disk ---------------------------------------------------------------------

    def _files_named(self, folder: Path, name: str) -> list[Path]:
        if folder not in self._index:
            index: dict[str, list[Path]] = {}
            count = 0
            for root, dirs, files in os.walk(folder):
                dirs.sort()
                for f in sorted(files):
                    index.setdefault(f.lower(), []).append(Path(root) / f)
                    count += 1
                if count > MAX_INDEXED_FILES:
                    break
            self._index[folder] = index
        return self._index[folder].get(name.lower(), [])

    def _find_file(self, ref: str, folders: list[Path]) -> Path | None:
        name = base_name(ref)
        for folder in folders:
            direct = folder / ref
            if not os.path.isabs(ref) and ".." not in Path(ref).parts and direct.is_file():
                return direct
            found = self._files_named(folder, name)
            if not found and re.match(r"^[0-9a-f]{8}-", name):
                found = self._files_named(folder, name[9:])  # Label Studio's upload prefix
            if found:
                return found[0]
        return None

    # --- documents -------------------------------------------------------------------------

    def _pdf_document(self, name: str, beside: Path) -> Document | None:
        """A project document of this file name, or the PDF of that name beside the
        annotations or among the images, imported now."""
        ids = rows.find_document_by_filename(self.project.db, name)
        if ids:
            return documents.resolve(self.project, ids[0])
        folders = [beside] + ([self.images] if self.images else [])
        path = self._find_file(name, folders)
        if path is None or path.suffix.lower() != ".pdf":
            return None
        self.progress(f"importing {path.name}")
        (outcome,) = documents.import_paths(self.project, [path], source=self.source)
        if outcome.document_id is None:
            raise ValidationFailed(f"{path}: {outcome.reason}")
        if outcome.status == "imported":
            self.created.append(outcome.document_id)
        return documents.resolve(self.project, outcome.document_id)

    def _image_document(self, fp: ForeignPage, beside: Path) -> tuple[Document, bool] | None:
        data, name, image_path = None, None, None
        if fp.image_name:
            folders = ([self.images] if self.images else []) + [beside]
            path = self._find_file(fp.image_name, folders)
            if path is not None and path.suffix.lower() in IMAGE_SUFFIXES:
                data, name, image_path = path.read_bytes(), path.name, path
        if data is None and fp.embedded_image:
            data, name = fp.embedded_image, base_name(fp.image_name or "embedded.png")
        if data is None or name is None:
            return None
        page_size = fp.page_size_pt or (self._doclaynet_extra(image_path) if image_path else None)
        sha = hashlib.sha256(data).hexdigest()
        known = rows.image_document(self.project.db, sha)
        if known is not None:
            return documents.resolve(self.project, known.document_id), False
        from ..pdf import image_pages

        out = os.path.join(self._tmp.name, f"{Path(name).stem}.pdf")
        self.progress(f"wrapping {name}")
        try:
            wrapped = self.project.pdf_call(image_pages.wrap_image, data, name, sha, out, page_size)
        except ValueError as exc:
            raise ValidationFailed(f"{name}: {exc}") from None
        (outcome,) = documents.import_paths(
            self.project, [Path(out)], source=self.source or f"page image {name}"
        )
        if outcome.document_id is None:
            raise AalError(f"{name}: the wrapped page image was refused ({outcome.reason})")
        with transaction(self.project.db):
            rows.insert_image_document(
                self.project.db,
                rows.ImageDocument(
                    outcome.document_id,
                    sha,
                    name,
                    str(image_path.resolve()) if image_path else None,
                    wrapped.image_width,
                    wrapped.image_height,
                    self.project.user,
                    now_iso(),
                ),
            )
        created = outcome.status == "imported"
        if created:
            self.created.append(outcome.document_id)
        return documents.resolve(self.project, outcome.document_id), created

    @staticmethod
    def _doclaynet_extra(image: Path) -> tuple[float, float] | None:
        """The original page size from DocLayNet's extra files: `JSON/<stem>.json` beside
        the `PNG/` folder (or next to the image), `metadata.original_width/height`."""
        for candidate in (
            image.parent.parent / "JSON" / f"{image.stem}.json",
            image.with_suffix(".json"),
        ):
            if not candidate.is_file() or candidate.stat().st_size > 64 * 2**20:
                continue
            try:
                meta = json.loads(candidate.read_text(encoding="utf-8")).get("metadata", {})
                return float(meta["original_width"]), float(meta["original_height"])
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
        return None

    # --- pages -----------------------------------------------------------------------------

    def _target(self, doc: Document, page: int, fp: ForeignPage, created: bool) -> PageTarget | str:
        if page < 0 or page >= doc.page_count:
            return NO_SUCH_PAGE
        rec = documents.page(self.project, doc.id, page)
        geometry = PageGeometry(rec.width, rec.height, rec.rotation)
        if fp.width and fp.height:
            fw, fh = fp.width, fp.height
        else:
            image = rows.image_of(self.project.db, doc.id)
            fw, fh = (
                (image.image_width, image.image_height)
                if image is not None
                else (rec.width, rec.height)
            )
        return PageTarget(doc.id, page, geometry, fw, fh, choose_frame(fw, fh, geometry), created)

    def resolve(self, ff: ForeignFile) -> dict[str, PageTarget | str]:
        """Every foreign page of the file → its target, or why its boxes are skipped."""
        beside = ff.path.parent
        hints = [p.page_hint for p in ff.pages if p.page_hint is not None]
        named = [page_number_in(base_name(p.image_name)) for p in ff.pages if p.image_name]
        guessed_base = 0 if 0 in hints or any(n and n[1] == 0 for n in named) else 1
        out: dict[str, PageTarget | str] = {}
        for fp in ff.pages:
            out[fp.key] = self._resolve_one(fp, beside, guessed_base)
        return out

    def _page_index(self, fp: ForeignPage, guessed_base: int, doc: Document) -> int | None:
        if fp.page_hint is not None:
            base = fp.page_base if fp.page_base is not None else guessed_base
            return fp.page_hint - base
        if doc.page_count == 1:
            return 0
        found = page_number_in(base_name(fp.image_name)) if fp.image_name else None
        return found[1] - guessed_base if found else None

    def _resolve_one(self, fp: ForeignPage, beside: Path, guessed_base: int) -> PageTarget | str:
        if self.doc is not None:
            index = self._page_index(fp, guessed_base, self.doc)
            return PAGE_UNKNOWN if index is None else self._target(self.doc, index, fp, False)
        if fp.document_sha256:
            doc = documents.find_by_sha(self.project, fp.document_sha256.lower())
            if doc is not None:
                index = self._page_index(fp, guessed_base, doc)
                return PAGE_UNKNOWN if index is None else self._target(doc, index, fp, False)
        if fp.document_name:
            doc = self._pdf_document(base_name(fp.document_name), beside)
            if doc is not None:
                index = self._page_index(fp, guessed_base, doc)
                created = doc.id in self.created
                return PAGE_UNKNOWN if index is None else self._target(doc, index, fp, created)
        image = self._image_document(fp, beside)
        if image is not None:
            return self._target(image[0], 0, fp, image[1])
        if fp.image_name:
            name = base_name(fp.image_name)
            found = page_number_in(name)
            if found is not None and found[0]:
                doc = self._pdf_document(f"{found[0]}.pdf", beside)
                if doc is not None:
                    return self._target(doc, found[1] - guessed_base, fp, doc.id in self.created)
            doc = self._pdf_document(f"{Path(name).stem}.pdf", beside)
            if doc is not None:
                index = self._page_index(fp, guessed_base, doc)
                return (
                    PAGE_UNKNOWN
                    if index is None
                    else self._target(doc, index, fp, doc.id in self.created)
                )
        return UNKNOWN_IMAGE
