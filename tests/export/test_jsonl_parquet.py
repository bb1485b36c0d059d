"""JSONL and Parquet: one row per region with the same columns, read back by pyarrow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.export.jsonl import PAGE_COLUMNS, REGION_COLUMNS, write_jsonl
from aal_desktop.export.parquet import PARQUET_PAGE_COLUMNS, PARQUET_REGION_COLUMNS, write_parquet
from tests.export import make_snapshot

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("tables")
    snapshot = make_snapshot(root)
    out = root / "out"
    write_jsonl(snapshot, out, 144)
    write_parquet(snapshot, out, 144)
    return snapshot, out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_has_one_line_per_region_with_provenance(written) -> None:
    snapshot, out = written
    by_id = {r.id: r for rs in snapshot.regions.values() for r in rs}
    split_of = snapshot.split_of()
    total = 0
    for split in ("train", "val", "test"):
        rows = read_jsonl(out / "jsonl" / f"{split}.jsonl")
        total += len(rows)
        for row in rows:
            assert tuple(row) == REGION_COLUMNS
            region = by_id[row["region_id"]]
            assert row["split"] == split == split_of[region.document_id]
            assert row["box_pt"] == [round(v, 2) for v in region.box]
            assert row["box_px"] == pytest.approx([v * 2 for v in region.box], abs=0.02)
            assert row["page"] == region.page + 1
            assert row["class_key"] == region.class_key and row["text"] == region.text
            assert row["annotator"] == region.annotator
            assert row["schema_version"] == 1
            if region.origin == "model":
                assert (row["origin"], row["model_name"], row["model_version"]) == (
                    "model",
                    "layout-model",
                    "1.0",
                )
                assert row["confidence"] == 0.9
    assert total == snapshot.region_count()


def test_parquet_regions_match_the_jsonl_rows(written) -> None:
    snapshot, out = written
    for split in ("train", "val", "test"):
        table = pq.read_table(out / "parquet" / "regions" / f"split={split}")
        # the split is the hive folder, not a column of the files (Spark refuses both)
        assert tuple(table.column_names) == PARQUET_REGION_COLUMNS
        assert tuple(c for c in REGION_COLUMNS if c != "split") == PARQUET_REGION_COLUMNS
        rows = table.to_pylist()
        expected = read_jsonl(out / "jsonl" / f"{split}.jsonl")
        assert [r["region_id"] for r in rows] == [r["region_id"] for r in expected]
        for got, want in zip(rows, expected, strict=True):
            assert json.loads(got["attributes"]) == want["attributes"]
            assert got["box_pt"] == want["box_pt"] and got["class_name"] == want["class_name"]


def test_parquet_folders_read_as_one_table_each(written) -> None:
    snapshot, out = written
    regions = pq.read_table(out / "parquet" / "regions")
    pages = pq.read_table(out / "parquet" / "pages")
    assert regions.num_rows == snapshot.region_count()
    assert pages.num_rows == snapshot.page_count()
    assert tuple(pages.column_names) == (*PARQUET_PAGE_COLUMNS, "split")
    assert tuple(c for c in PAGE_COLUMNS if c != "split") == PARQUET_PAGE_COLUMNS
    split_of = {d.document.sha256: d.split for d in snapshot.documents}
    assert [split_of[p["document_sha256"]] for p in pages.to_pylist()] == [
        str(s) for s in pages.column("split").to_pylist()
    ]
    assert sum(pages.column("regions").to_pylist()) == snapshot.region_count()
    rotated = [p for p in pages.to_pylist() if p["rotation"] == 90]
    assert rotated and rotated[0]["image_width"] == 1584


def test_an_empty_split_gets_no_file_and_no_config(tmp_path: Path) -> None:
    """Issue 15: a 0-row file makes `datasets.load_dataset` fail ("BatchSize must be greater
    than 0"), so a split without documents is left out of the files and the card."""
    from aal_desktop.export.datasheet import front_matter

    snapshot = make_snapshot(tmp_path)
    snapshot.documents = [d for d in snapshot.documents if d.split != "val"]
    assert snapshot.splits == ["train", "test"] and snapshot.empty_splits() == ["val"]
    written = write_parquet(snapshot, tmp_path / "out", 144)
    assert not (tmp_path / "out" / "parquet" / "regions" / "split=val").exists()
    assert not (tmp_path / "out" / "parquet" / "pages" / "split=val").exists()
    assert all(pq.read_table(p).num_rows > 0 for p in written)
    assert "val" not in front_matter(snapshot, ("parquet",))


def test_hugging_face_datasets_loads_the_parquet_splits(written) -> None:
    datasets = pytest.importorskip("datasets")
    snapshot, out = written
    files = {
        s: str(out / "parquet" / "regions" / f"split={s}" / "*.parquet") for s in ("train", "test")
    }
    ds = datasets.load_dataset("parquet", data_files=files)
    assert ds["train"].num_rows == snapshot.region_count("train")
