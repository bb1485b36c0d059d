"""Parquet tables (regions and pages), one file per split, for pyarrow, pandas and HF datasets.

`parquet/regions/<split>.parquet` and `parquet/pages/<split>.parquet`, with explicit
schemas so that an empty split has the same column types as a full one and a folder reads
as one table (`pyarrow.parquet.read_table("parquet/regions")`). The columns are the JSONL
columns; `attributes` is a JSON object in a string, because attributes differ per class.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .jsonl import PAGE_COLUMNS, REGION_COLUMNS, page_rows, region_rows
from .snapshot import ReleaseSnapshot

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]


def region_schema() -> pa.Schema:
    import pyarrow as pa  # type: ignore[import-untyped]

    box = pa.list_(pa.float64())
    types: dict[str, pa.DataType] = {
        "region_id": pa.string(), "split": pa.string(), "document_sha256": pa.string(),
        "document_filename": pa.string(), "page": pa.int32(), "page_width_pt": pa.float64(),
        "page_height_pt": pa.float64(), "image": pa.string(), "image_width": pa.int32(),
        "image_height": pa.int32(), "box_pt": box, "box_px": box, "class_key": pa.string(),
        "class_name": pa.string(), "class_index": pa.int32(), "attributes": pa.string(),
        "text": pa.string(), "origin": pa.string(), "origin_detail": pa.string(),
        "confirmation": pa.string(), "model_name": pa.string(),
        "model_version": pa.string(), "confidence": pa.float64(), "annotator": pa.string(),
        "schema_version": pa.int32(), "parent_id": pa.string(), "reading_order": pa.int32(),
        "continues_id": pa.string(),
    }
    return pa.schema([(c, types[c]) for c in REGION_COLUMNS])


def page_schema() -> pa.Schema:
    import pyarrow as pa  # type: ignore[import-untyped]

    types: dict[str, pa.DataType] = {
        "split": pa.string(), "document_sha256": pa.string(), "document_filename": pa.string(),
        "page": pa.int32(), "page_width_pt": pa.float64(), "page_height_pt": pa.float64(),
        "rotation": pa.int32(), "image": pa.string(), "image_width": pa.int32(),
        "image_height": pa.int32(), "regions": pa.int32(), "document_source": pa.string(),
        "document_license": pa.string(),
    }
    return pa.schema([(c, types[c]) for c in PAGE_COLUMNS])


def _columns(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in names}


def regions_path(split: str) -> str:
    return f"parquet/regions/{split}.parquet"


def pages_path(split: str) -> str:
    return f"parquet/pages/{split}.parquet"


def write_parquet(snapshot: ReleaseSnapshot, root: Path, dpi: float,
                  batch_rows: int = 50_000) -> list[Path]:
    """Write both tables for every split, in row batches so a large split stays bounded."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    written: list[Path] = []
    jobs = [(regions_path, region_schema(), REGION_COLUMNS, region_rows),
            (pages_path, page_schema(), PAGE_COLUMNS, page_rows)]
    for split in snapshot.splits:  # an empty split gets no 0-row file
        for path_of, schema, names, rows_of in jobs:
            path = root / path_of(split)
            path.parent.mkdir(parents=True, exist_ok=True)
            with pq.ParquetWriter(path, schema) as writer:
                batch: list[dict[str, Any]] = []
                wrote = False
                for row in rows_of(snapshot, split, dpi):
                    if "attributes" in row:
                        row = {**row, "attributes": json.dumps(row["attributes"],
                                                               ensure_ascii=False)}
                    batch.append(row)
                    if len(batch) >= batch_rows:
                        writer.write_table(pa.table(_columns(batch, names), schema=schema))
                        batch, wrote = [], True
                if batch or not wrote:
                    writer.write_table(pa.table(_columns(batch, names), schema=schema))
            written.append(path)
    return written
