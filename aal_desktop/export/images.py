"""Page images for a release, rendered in worker processes and streamed straight to disk.

Why processes: PyMuPDF holds the GIL while it renders and PNG encoding dominates the cost
(STACK-NOTES), so only processes use more than one core. Why streamed: each worker writes
its PNG itself and sends back only the size, and at most a few pages are in flight, so
memory stays flat however many pages a version has.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import AalError

if TYPE_CHECKING:
    from ..pdf.worker import WorkerPool
    from .snapshot import ReleaseSnapshot

Progress = Callable[[int, int, str], None]  # done, total, what
Cancelled = Callable[[], bool]
PAGE_TIMEOUT = 180.0


class ReleaseCancelled(AalError):
    """The person (or a signal) stopped the release; nothing is left at the destination."""


@dataclass(frozen=True)
class ImageJob:
    """One page to render: where from, and where to (relative to the release root)."""

    pdf_path: str
    sha256: str
    page: int  # 0-based
    relpath: str


def image_name(sha256: str, page: int) -> str:
    """`<sha256[:16]>_p<page:04d>.png`; page is 0-based inside, so name it 1-based as people do."""
    return f"{sha256[:16]}_p{page + 1:04d}.png"


def pixel_size(width_pt: float, height_pt: float, dpi: float) -> tuple[int, int]:
    """The image size a page renders to at `dpi`: points * dpi / 72, rounded."""
    scale = dpi / 72.0
    return max(1, round(width_pt * scale)), max(1, round(height_pt * scale))


def image_relpath(split: str, sha256: str, page: int) -> str:
    return f"images/{split}/{image_name(sha256, page)}"


def jobs_for(snapshot: ReleaseSnapshot) -> list[ImageJob]:
    """Every page of every document in the version, split by split."""
    jobs: list[ImageJob] = []
    for doc in snapshot.documents:
        if doc.pdf_path is None:
            raise AalError(
                f"the managed copy of document {doc.document.id} "
                f"({doc.document.filename}) is missing; re-import it to release images"
            )
        for page in doc.pages:
            jobs.append(
                ImageJob(
                    str(doc.pdf_path),
                    doc.document.sha256,
                    page.page,
                    image_relpath(doc.split, doc.document.sha256, page.page),
                )
            )
    return jobs


def encode_png(
    width: int, height: int, stride: int, samples: bytes | bytearray, level: int = 3
) -> bytes:
    """RGB samples as PNG bytes, with zlib at `level`.

    Why not MuPDF's PNG writer: it deflates at the default level 6, which is most of the
    cost of a page image; level 3 without row filters measured twice as fast on real pages
    and the files came out no larger (page images are mostly white).
    """
    row = width * 3
    raw = b"".join(b"\x00" + samples[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, level))
        + chunk(b"IEND", b"")
    )


def _lean_pymupdf() -> None:
    """In a render worker only, skip PyMuPDF's optional layout model and pymupdf4llm.

    `import pymupdf` imports both (ONNX runtime included): about a second of each
    worker's start-up, for nothing page rendering uses (measured 1.4 s -> 0.3 s). A None
    entry in sys.modules makes their import fail, which pymupdf handles as "not installed".
    Only in a child process that has not imported pymupdf yet: never in the app itself.
    """
    import multiprocessing

    if "pymupdf" in sys.modules or multiprocessing.parent_process() is None:
        return
    for name in ("pymupdf.layout", "pymupdf4llm"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def render_to_file(pdf_path: str, page: int, dpi: float, out_path: str) -> tuple[int, int]:
    """Worker side: render one page, write it as PNG (temporary name, fsync, rename).

    Only the size goes back to the parent, so no pixels cross the pipe.
    """
    _lean_pymupdf()
    from ..pdf.render import render_page

    image = render_page(pdf_path, page, dpi / 72.0)
    data = encode_png(image.width, image.height, image.stride, image.samples)
    tmp = f"{out_path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return image.width, image.height


def _bounded(
    pool: WorkerPool,
    jobs: Iterable[ImageJob],
    root: Path,
    dpi: float,
    in_flight: int,
    cancelled: Cancelled | None,
) -> Iterator[tuple[ImageJob, tuple[int, int] | BaseException]]:
    """Submit at most `in_flight` pages at a time and yield each as it finishes."""
    import concurrent.futures

    pending: dict[Future[tuple[int, int]], ImageJob] = {}
    it = iter(jobs)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < in_flight:
                if cancelled is not None and cancelled():
                    raise ReleaseCancelled("the release was cancelled")
                job = next(it, None)
                if job is None:
                    exhausted = True
                    break
                out = root / job.relpath
                future = pool.submit(
                    render_to_file, job.pdf_path, job.page, dpi, str(out), timeout=PAGE_TIMEOUT
                )
                pending[future] = job
            if not pending:
                return
            done, _ = concurrent.futures.wait(
                pending, timeout=0.2, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                job = pending.pop(future)
                exc = future.exception()
                yield job, exc if exc is not None else future.result()
            if cancelled is not None and cancelled():
                raise ReleaseCancelled("the release was cancelled")
    finally:
        for future in pending:
            future.cancel()


def render_images(
    jobs: list[ImageJob],
    root: Path,
    dpi: float,
    *,
    workers: int | None = None,
    pool: WorkerPool | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[tuple[str, int], tuple[int, int]]:
    """Render `jobs` under `root`; return (sha256, page) -> (width, height) in pixels.

    A page that fails to render fails the release with its document and page named: a
    dataset with silently missing images would mislead whoever trains on it.
    """
    from ..pdf.worker import WorkerPool

    for folder in sorted({(root / j.relpath).parent for j in jobs}):
        folder.mkdir(parents=True, exist_ok=True)
    own = pool is None
    if pool is None:
        pool = WorkerPool(max(2, workers or min(os.cpu_count() or 2, 4)))
    sizes: dict[tuple[str, int], tuple[int, int]] = {}
    total = len(jobs)
    try:
        in_flight = max(2, pool.size * 2)
        for job, result in _bounded(pool, jobs, root, dpi, in_flight, cancelled):
            if isinstance(result, BaseException):
                raise AalError(
                    f"page {job.page + 1} of document {job.sha256[:12]} could not be "
                    f"rendered: {result}"
                ) from result
            sizes[(job.sha256, job.page)] = result
            if progress is not None:
                progress(len(sizes), total, job.relpath)
    finally:
        if own:
            pool.close()
    return sizes


def pixel_box(
    box: Sequence[float], dpi: float, size: tuple[int, int]
) -> tuple[float, float, float, float]:
    """A box in points (displayed page space) as pixels of the page image, clamped to it."""
    scale = dpi / 72.0
    w, h = size
    x0 = min(max(box[0] * scale, 0.0), float(w))
    y0 = min(max(box[1] * scale, 0.0), float(h))
    x1 = min(max(box[2] * scale, 0.0), float(w))
    y1 = min(max(box[3] * scale, 0.0), float(h))
    return round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)
