"""Parquet tables (regions, pages), sharded by size and hive-partitioned by split.

`parquet/regions/split=<split>/part-00000.parquet`, `parquet/pages/split=<split>/…`: the
layout Spark, DuckDB, pyarrow datasets, Polars and Hugging Face `datasets` read as it is, and
a reader that wants one split opens only that folder. The split lives in the folder name
and not in the files (Spark refuses a column that is both), so a folder reads with
`split` as its partition column. Shards roll over at `shard_bytes`, so no file grows past
what a loader streams comfortably; rows are written in row groups as they come, and
nothing holds a whole split. The columns are the JSONL columns; `attributes` is a JSON
object in a string, because attributes differ per class.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .jsonl import PAGE_COLUMNS, REGION_COLUMNS, page_rows, region_rows
from .snapshot import ReleaseSnapshot

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

TEXT_SHARD_BYTES = 256 * 2**20  # uncompressed Arrow bytes; the files come out smaller
TEXT_GROUP_ROWS = 20_000
CONVERT_ROWS = 1_000  # rows gathered as Python values before they become Arrow columns
PARTITION = "split"
# Columns in the Parquet files: the JSONL columns without the split (it is the folder).
PARQUET_REGION_COLUMNS = tuple(c for c in REGION_COLUMNS if c != PARTITION)
PARQUET_PAGE_COLUMNS = tuple(c for c in PAGE_COLUMNS if c != PARTITION)
Published = Callable[[Path], None]  # called with each shard once it is complete


def _types() -> dict[str, pa.DataType]:
    import pyarrow as pa  # type: ignore[import-untyped]

    box = pa.list_(pa.float64())
    return {
        "region_id": pa.string(),
        "document_sha256": pa.string(),
        "document_filename": pa.string(),
        "page": pa.int32(),
        "page_width_pt": pa.float64(),
        "page_height_pt": pa.float64(),
        "image": pa.string(),
        "image_width": pa.int32(),
        "image_height": pa.int32(),
        "box_pt": box,
        "box_px": box,
        "class_key": pa.string(),
        "class_name": pa.string(),
        "class_index": pa.int32(),
        "attributes": pa.string(),
        "text": pa.string(),
        "origin": pa.string(),
        "origin_detail": pa.string(),
        "confirmation": pa.string(),
        "model_name": pa.string(),
        "model_version": pa.string(),
        "confidence": pa.float64(),
        "annotator": pa.string(),
        "schema_version": pa.int32(),
        "parent_id": pa.string(),
        "reading_order": pa.int32(),
        "continues_id": pa.string(),
        "rotation": pa.int32(),
        "regions": pa.int32(),
        "document_source": pa.string(),
        "document_license": pa.string(),
    }


def region_schema() -> pa.Schema:
    import pyarrow as pa  # type: ignore[import-untyped]

    types = _types()
    return pa.schema([(c, types.get(c, pa.string())) for c in PARQUET_REGION_COLUMNS])


def page_schema() -> pa.Schema:
    import pyarrow as pa  # type: ignore[import-untyped]

    types = _types()
    return pa.schema([(c, types.get(c, pa.string())) for c in PARQUET_PAGE_COLUMNS])


def table_dir(table: str, split: str) -> str:
    return f"parquet/{table}/{PARTITION}={split}"


def shard_name(n: int) -> str:
    return f"part-{n:05d}.parquet"


class ShardWriter:
    """One table's shards for one split: rows in, `part-NNNNN.parquet` files out.

    A shard is closed before the row group that would take it past `shard_bytes` (counted
    as uncompressed Arrow bytes, an upper bound of the file for text and the exact payload
    for PNG bytes); a split with documents but no rows gets one empty shard (a split with
    no documents gets none: a 0-row split breaks `datasets.load_dataset`).
    """

    def __init__(
        self,
        root: Path,
        folder: str,
        schema: pa.Schema,
        *,
        shard_bytes: int,
        group_rows: int,
        published: Published | None = None,
    ) -> None:
        self.folder = root / folder
        self.schema = schema
        self.shard_bytes = shard_bytes
        self.group_rows = group_rows
        self.published = published
        self.rows: list[dict[str, Any]] = []
        self.files: list[Path] = []
        self._pending: list[Any] = []  # Arrow batches of the row group being gathered
        self._pending_rows = 0
        self._writer: Any = None
        self._bytes = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= min(self.group_rows, CONVERT_ROWS):
            self._convert()
            if self._pending_rows >= self.group_rows:
                self._flush()

    def _convert(self) -> None:
        """Python rows -> one Arrow batch (columnar: a fraction of the dicts' memory)."""
        import pyarrow as pa  # type: ignore[import-untyped]

        batch = pa.RecordBatch.from_pylist(self.rows, schema=self.schema)
        self.rows = []
        self._pending.append(batch)
        self._pending_rows += batch.num_rows

    def _flush(self) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        if self.rows:
            self._convert()
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        self._pending, self._pending_rows = [], 0
        if self._writer is not None and self._bytes + table.nbytes > self.shard_bytes:
            self._close_shard()
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / shard_name(len(self.files))
            self.files.append(path)
            self._writer = pq.ParquetWriter(path, self.schema)
            self._bytes = 0
        self._writer.write_table(table, row_group_size=self.group_rows)
        self._bytes += table.nbytes

    def _close_shard(self) -> None:
        self._writer.close()
        self._writer = None
        if self.published is not None:
            self.published(self.files[-1])

    def close(self) -> list[Path]:
        if self.rows or self._pending or not self.files:
            self._flush()
        if self._writer is not None:
            self._close_shard()
        return self.files

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def write_rows(writer: ShardWriter, rows: Iterable[dict[str, Any]]) -> list[Path]:
    try:
        for row in rows:
            writer.add(row)
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def _parquet_row(row: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in row.items() if k != PARTITION}
    if "attributes" in row:
        row["attributes"] = json.dumps(row["attributes"], ensure_ascii=False)
    return row


def write_parquet(
    snapshot: ReleaseSnapshot,
    root: Path,
    dpi: float,
    *,
    shard_bytes: int = TEXT_SHARD_BYTES,
    group_rows: int = TEXT_GROUP_ROWS,
    published: Published | None = None,
) -> list[Path]:
    """Write the regions and pages tables of every split; return the shards written."""
    written: list[Path] = []
    jobs = [("regions", region_schema(), region_rows), ("pages", page_schema(), page_rows)]
    for split in snapshot.splits:  # an empty split gets no 0-row file
        for table, schema, rows_of in jobs:
            writer = ShardWriter(
                root,
                table_dir(table, split),
                schema,
                shard_bytes=shard_bytes,
                group_rows=group_rows,
                published=published,
            )
            written += write_rows(writer, (_parquet_row(r) for r in rows_of(snapshot, split, dpi)))
    return written
