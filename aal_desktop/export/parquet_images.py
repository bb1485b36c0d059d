"""The page-images table: one row per page with its PNG bytes and its boxes.

`parquet/images/split=<split>/part-NNNNN.parquet`, typed as Hugging Face `datasets` types
it (an `Image` column, a struct of `bytes` and `path`, and the `huggingface` schema
metadata `datasets.Features(...).arrow_schema` writes), so `load_dataset` decodes pages to
PIL images without a conversion step and any Parquet reader sees plain binary. Row groups
of 100 rows and shards up to 500 MB, Hugging Face's own defaults for image data: a
streaming reader holds one row group, never a shard. The writer reads each rendered PNG
once, appends it and lets it go: memory holds one row group whatever the page count.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .images import image_name, pixel_box, pixel_size
from .parquet import Published, ShardWriter, table_dir, write_rows
from .snapshot import ReleaseSnapshot

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

IMAGE_SHARD_BYTES = 500 * 10**6
IMAGE_GROUP_ROWS = 100
PngOf = Callable[[str, str, int], Path]  # (split, sha256, 0-based page) -> rendered PNG

# column -> (Arrow type name, Hugging Face dtype); the objects' fields in order
_OBJECT_FIELDS: tuple[tuple[str, str], ...] = (
    ("region_id", "string"),
    ("class_key", "string"),
    ("class_name", "string"),
    ("category", "int32"),
    ("box_px", "float32[]"),
    ("box_pt", "float32[]"),
    ("origin", "string"),
    ("origin_detail", "string"),
    ("confirmation", "string"),
    ("annotator", "string"),
    ("text", "string"),
)
_PAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("document_sha256", "string"),
    ("document_filename", "string"),
    ("page", "int32"),
    ("width", "int32"),
    ("height", "int32"),
    ("page_width_pt", "float64"),
    ("page_height_pt", "float64"),
    ("rotation", "int32"),
)


def _arrow(kind: str) -> pa.DataType:
    import pyarrow as pa  # type: ignore[import-untyped]

    if kind.endswith("[]"):
        return pa.list_(_arrow(kind[:-2]))
    return {
        "string": pa.string(),
        "int32": pa.int32(),
        "float32": pa.float32(),
        "float64": pa.float64(),
    }[kind]


def _hf(kind: str) -> Any:
    if kind.endswith("[]"):
        return [_hf(kind[:-2])]  # a plain list: every `datasets` version reads this form
    return {"dtype": kind, "_type": "Value"}


def image_schema() -> pa.Schema:
    """The Arrow schema with the `huggingface` metadata, as `datasets.Features` makes it."""
    import pyarrow as pa  # type: ignore[import-untyped]

    objects = pa.struct([(name, _arrow(kind)) for name, kind in _OBJECT_FIELDS])
    fields = [("image", pa.struct([("bytes", pa.binary()), ("path", pa.string())]))]
    fields += [(name, _arrow(kind)) for name, kind in _PAGE_FIELDS]
    fields.append(("objects", pa.list_(objects)))
    features: dict[str, Any] = {"image": {"_type": "Image"}}
    features.update({name: _hf(kind) for name, kind in _PAGE_FIELDS})
    features["objects"] = [{name: _hf(kind) for name, kind in _OBJECT_FIELDS}]
    meta = {"huggingface": json.dumps({"info": {"features": features}})}
    return pa.schema(fields, metadata=meta)


def image_rows(
    snapshot: ReleaseSnapshot, split: str, dpi: float, png_of: PngOf
) -> Iterator[dict[str, Any]]:
    """One row per page of the split with its PNG bytes, in document and page order."""
    names = snapshot.class_names()
    index = snapshot.class_index()
    for doc, page in snapshot.pages_in(split):
        sha = doc.document.sha256
        png = png_of(split, sha, page.page)
        data = png.read_bytes()
        size = _png_size(data) or pixel_size(page.width, page.height, dpi)
        objects = []
        for r in snapshot.regions_on(doc.document.id, page.page):
            objects.append(
                {
                    "region_id": r.id,
                    "class_key": r.class_key,
                    "class_name": names.get(r.class_key, r.class_key),
                    "category": index.get(r.class_key, -1),
                    "box_px": list(pixel_box(r.box, dpi, size)),
                    "box_pt": [round(v, 2) for v in r.box],
                    **snapshot.provenance(r).to_json(),  # BRIEF: region provenance in exports
                    "text": r.text,
                }
            )
        yield {
            "image": {"bytes": data, "path": image_name(sha, page.page)},
            "document_sha256": sha,
            "document_filename": doc.document.filename,
            "page": page.page + 1,
            "width": size[0],
            "height": size[1],
            "page_width_pt": page.width,
            "page_height_pt": page.height,
            "rotation": page.rotation,
            "objects": objects,
        }


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def write_image_parquet(
    snapshot: ReleaseSnapshot,
    root: Path,
    dpi: float,
    png_of: PngOf,
    *,
    shard_bytes: int = IMAGE_SHARD_BYTES,
    group_rows: int = IMAGE_GROUP_ROWS,
    published: Published | None = None,
) -> list[Path]:
    """Write `parquet/images/split=*/part-*.parquet`; return the shards written."""
    schema = image_schema()
    written: list[Path] = []
    for split in snapshot.splits:  # an empty split gets no 0-row file
        writer = ShardWriter(
            root,
            table_dir("images", split),
            schema,
            shard_bytes=shard_bytes,
            group_rows=group_rows,
            published=published,
        )
        written += write_rows(writer, image_rows(snapshot, split, dpi, png_of))
    return written
