"""Write a dataset version as one dated, self-describing release, to a folder or a bucket.

Everything is written into a staging folder (hidden, beside the destination on a local
disk), then every file goes to `<dest>/<dataset>/<date>_<version>/` and `manifest.json`
last with a create-only write (export/publish.py): a reader sees a release only once its
manifest exists, and an existing release is never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.errors import AalError, ValidationFailed
from ..storage import AlreadyExists, Storage, open_storage
from ..storage.base import TEMP_PREFIX
from ..storage.local import LocalStorage
from .images import Cancelled, Progress, ReleaseCancelled, image_relpath, jobs_for, render_images
from .manifest import MANIFEST, LogHead, write_manifest
from .publish import publish
from .snapshot import ReleaseSnapshot

FORMATS: tuple[str, ...] = ("coco", "yolo", "jsonl", "parquet")
IMAGE_FORMATS = {"coco", "yolo"}
PARTIAL = ".partial-"
MIN_DPI, MAX_DPI = 18.0, 1200.0


@dataclass(frozen=True)
class WrittenRelease:
    """What `write_files` produced: the manifest's SHA-256 and the metadata it holds."""

    manifest_sha256: str
    meta: dict[str, Any]


def parse_formats(formats: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """'coco,yolo' or a sequence -> known formats in canonical order, without repeats."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = {f.strip().lower() for f in items if f.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValidationFailed(
            f"unknown format(s) {', '.join(unknown)}; use some of {', '.join(FORMATS)}"
        )
    return tuple(f for f in FORMATS if f in wanted)


def check_dpi(dpi: float) -> float:
    if not MIN_DPI <= float(dpi) <= MAX_DPI:
        raise ValidationFailed(f"--dpi {dpi:g} is outside {MIN_DPI:g}-{MAX_DPI:g}")
    return float(dpi)


def safe_name(text: str) -> str:
    """A folder name that is the same on every platform (no separators or odd characters)."""
    name = re.sub(r"[^A-Za-z0-9._+-]+", "-", text).strip(".-")
    return name or "dataset"


def _step(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ReleaseCancelled("the release was cancelled")


def _json(path: Path, value: Any) -> None:
    path.write_text(
        json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )


def write_files(
    snapshot: ReleaseSnapshot,
    root: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    dpi: float = 144.0,
    include_pdfs: bool = False,
    images: bool = True,
    final_root: Path | None = None,
    previous_manifest_sha256: str | None = None,
    previous_release: str | None = None,
    log_head: LogHead | None = None,
    released_by: str = "",
    released_at: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int | None = None,
) -> WrittenRelease:
    """Write every file of a release into `root` (an empty folder), the manifest last.

    Page images are rendered when `images` and a format carries them (COCO and YOLO as PNG
    files, Parquet as the images table); Parquet alone keeps them only inside its shards.
    """
    from .chart import write_chart
    from .coco import write_coco
    from .croissant import write_croissant
    from .datasheet import write_datasheet
    from .jsonl import write_jsonl
    from .parquet import write_parquet
    from .parquet_images import write_image_parquet
    from .yolo import write_yolo

    formats = parse_formats(formats)
    dpi = check_dpi(dpi)
    jobs = jobs_for(snapshot) if images and (IMAGE_FORMATS | {"parquet"}) & set(formats) else []
    pdfs = snapshot.documents if include_pdfs else []
    steps = 8 + len(formats)
    total = len(jobs) + len(pdfs) + steps
    done = 0

    def tick(what: str, n: int = 1) -> None:
        nonlocal done
        done += n
        _step(progress, done, total, what)
        _check(cancelled)

    _check(cancelled)
    sizes: dict[tuple[str, int], tuple[int, int]] = {}
    if jobs:
        base = done
        sizes = render_images(
            jobs,
            root,
            dpi,
            workers=workers,
            cancelled=cancelled,
            progress=lambda n, _t, what: _step(progress, base + n, total, what),
        )
        done += len(jobs)
    for doc in pdfs:
        if doc.pdf_path is None:
            raise AalError(
                f"the managed copy of document {doc.document.id} is missing; "
                "re-import it to include PDFs"
            )
        target = root / "pdfs" / f"{doc.document.sha256}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc.pdf_path, target)
        tick(target.name)
    writers = {
        "coco": lambda: write_coco(snapshot, root, dpi, sizes),
        "yolo": lambda: write_yolo(snapshot, root, dpi, sizes, final_root),
        "jsonl": lambda: write_jsonl(snapshot, root, dpi),
        "parquet": lambda: write_parquet(snapshot, root, dpi),
    }
    for fmt in formats:
        writers[fmt]()
        if fmt == "parquet" and jobs:
            write_image_parquet(
                snapshot, root, dpi, lambda split, sha, page: root / image_relpath(split, sha, page)
            )
        tick(fmt)
    if jobs and not IMAGE_FORMATS & set(formats):
        shutil.rmtree(root / "images", ignore_errors=True)  # kept only inside the Parquet
    _json(root / "schema.json", json.loads(snapshot.schema.model_dump_json()))
    tick("schema.json")
    _json(
        root / "stats.json", {"version": snapshot.name, "parent": snapshot.parent, **snapshot.stats}
    )
    tick("stats.json")
    write_chart(snapshot, root)
    tick("stats_chart.svg")
    (root / "CHANGELOG.md").write_text(
        snapshot.changelog_md or f"# {snapshot.name}\n\nNo changelog recorded.\n", encoding="utf-8"
    )
    with open(root / "changes.jsonl", "w", encoding="utf-8") as f:
        for change in snapshot.changes:
            f.write(json.dumps(change, ensure_ascii=False, default=str) + "\n")
    tick("CHANGELOG.md")
    write_datasheet(snapshot, root, formats, dpi)
    tick("README.md")
    write_croissant(snapshot, root, dpi)
    tick("croissant.json")
    meta = {
        "dataset": snapshot.dataset,
        "version": snapshot.name,
        "semver": snapshot.semantic_version(),
        "parent_version": snapshot.parent,
        "schema_version": snapshot.schema_version,
        "guideline_version": snapshot.guideline_version,
        "app": {"name": "aal-desktop", "version": __version__},
        "created_by": snapshot.created_by,
        "created_at": snapshot.created_at,
        "released_by": released_by,
        "released_at": released_at,
        "formats": list(formats),
        "dpi": dpi,
        "include_pdfs": bool(include_pdfs),
        "counts": {
            "documents": len(snapshot.documents),
            "pages": snapshot.page_count(),
            "regions": snapshot.region_count(),
        },
        "images": bool(jobs),
        "previous_manifest_sha256": previous_manifest_sha256,
        "previous_release": previous_release,
        "log_head": asdict(log_head) if log_head is not None else None,
    }
    _check(cancelled)
    digest = write_manifest(root, meta)
    tick("manifest.json")
    return WrittenRelease(digest, meta)


def release_folder(dest_dir: Path | str, dataset: str, version: str, released_at: str) -> Path:
    """`<dest>/<dataset>/<YYYY-MM-DD>_<version>/` for a folder destination."""
    return (
        Path(dest_dir).expanduser().absolute()
        / safe_name(dataset)
        / f"{released_at[:10]}_{safe_name(version)}"
    )


def release_prefix(dataset: str, version: str, released_at: str) -> str:
    """`<dataset>/<YYYY-MM-DD>_<version>`, relative to the destination root (any store)."""
    return f"{safe_name(dataset)}/{released_at[:10]}_{safe_name(version)}"


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "_", os.uname().nodename if hasattr(os, "uname") else "")


def _sweep_dead_partials(parent: Path) -> None:
    """Remove staging folders left by killed releases on this host (their pid is gone)."""
    pattern = re.compile(re.escape(PARTIAL) + r"(\d+)@([^-]*)-[^-]+$")
    if not parent.is_dir():
        return
    for entry in parent.glob(f"{TEMP_PREFIX}*{PARTIAL}*"):
        m = pattern.search(entry.name)
        if m and m.group(2) == _host() and not _pid_alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def staging_folder(store: Storage, prefix: str) -> Path:
    """Where a release is written before it goes to `store`: beside its final folder on a
    local disk (so each file is then renamed into place), a local temporary folder for an
    object store. The name starts with the storage's temporary prefix: never listed."""
    tag = f"{PARTIAL}{os.getpid()}@{_host()}-{secrets.token_hex(4)}"
    if isinstance(store, LocalStorage):
        parent = store.root.joinpath(*prefix.split("/")[:-1])
        parent.mkdir(parents=True, exist_ok=True)
        _sweep_dead_partials(parent)
        # not mkdtemp: its 0700 mode would follow the files into place on shared storage
        folder = parent / f"{TEMP_PREFIX}{prefix.rsplit('/', 1)[-1]}{tag}"
        folder.mkdir()
        return folder
    return Path(tempfile.mkdtemp(prefix=f"aal-release{tag}-"))


def write_release(
    snapshot: ReleaseSnapshot,
    dest: Storage | Path | str,
    *,
    formats: tuple[str, ...] = FORMATS,
    dpi: float = 144.0,
    include_pdfs: bool = False,
    images: bool = True,
    previous_manifest_sha256: str | None = None,
    previous_release: str | None = None,
    log_head: LogHead | None = None,
    released_by: str = "",
    released_at: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int | None = None,
) -> tuple[str, WrittenRelease]:
    """Write `snapshot` as `<dest>/<dataset>/<date>_<version>/`, the manifest last and
    create-only; return the release's location (folder path or URL) and what was written.

    Written into a staging folder first, then moved (same disk) or uploaded file by file;
    an error or cancel before the manifest leaves no manifest, and the staging is removed.
    """
    store = dest if isinstance(dest, Storage) else open_storage(dest, create=True)
    prefix = release_prefix(snapshot.dataset, snapshot.name, released_at)
    target = store.child(prefix)
    if target.exists(MANIFEST):
        raise AlreadyExists(
            f"{target.url} already exists; releases are never overwritten "
            "(choose another destination, or cut a new version)"
        )
    location = str(target.root.absolute()) if isinstance(target, LocalStorage) else target.url
    staged = staging_folder(store, prefix)
    try:
        written = write_files(
            snapshot,
            staged,
            formats=formats,
            dpi=dpi,
            include_pdfs=include_pdfs,
            images=images,
            final_root=Path(location) if isinstance(target, LocalStorage) else None,
            previous_manifest_sha256=previous_manifest_sha256,
            previous_release=previous_release,
            log_head=log_head,
            released_by=released_by,
            released_at=released_at,
            progress=progress,
            cancelled=cancelled,
            workers=workers,
        )
        _check(cancelled)
        publish(staged, store, prefix)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return location, written
