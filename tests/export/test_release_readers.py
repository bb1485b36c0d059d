"""The issue's "done when": a 1,000-page document released to a folder and to an S3 server on
127.0.0.1, both verified, and read as they are by pyarrow datasets (a partition filter on
split), Hugging Face `datasets` (page images decoded to PIL, with their boxes, from the
folder and streamed from S3) and DuckDB (class counts with GROUP BY)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aal_desktop.services import releases
from aal_desktop.services.anchoring import verify_release
from tests.conftest import make_pdf
from tests.export import make_project
from tests.s3server import s3_bucket, s3_env, s3_server  # noqa: F401

pytestmark = pytest.mark.slow
PAGES = 1000
DPI = 36.0  # small images keep 1,000 pages quick; the layout does not depend on it
TITLE = (50.0, 60.0, 300.0, 110.0)
TEXT = (50.0, 130.0, 400.0, 300.0)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    from aal_desktop.services import documents, versions
    from aal_desktop.services import regions as region_service
    from aal_desktop.services.project import Project

    tmp = tmp_path_factory.mktemp("big")
    pdf = make_pdf(tmp / "thousand.pdf", pages=PAGES)
    project = Project(tmp / "project" / "aal.sqlite3", user="lead1")
    (outcome,) = documents.import_paths(project, [pdf])
    assert outcome.document_id is not None
    for page in range(PAGES):
        items = [(TITLE, "title", None)] + ([(TEXT, "text", None)] if page % 2 == 0 else [])
        region_service.add_many(project, outcome.document_id, page, items)
    documents.set_status(project, outcome.document_id, "approved")
    versions.create_version(project, "v1", split=(1.0, 0.0, 0.0))
    folder = releases.release(project, "v1", tmp / "shared", formats="coco,parquet", dpi=DPI)
    yield project, folder
    project.close()


def test_a_1000_page_release_to_a_folder_verifies_and_datasets_decodes_its_pages(big) -> None:
    datasets = pytest.importorskip("datasets")
    project, folder = big
    check = verify_release(folder.path, project)
    assert check.ok and check.anchored_by == "project", check.problems
    root = Path(folder.path)
    ds = datasets.load_dataset(str(root), "images", split="train")  # the card's configs:
    assert ds.num_rows == PAGES
    assert isinstance(ds.features["image"], datasets.Image)
    for i in (0, 1, PAGES - 1):
        row = ds[i]
        image = row["image"]
        assert image.__class__.__module__.startswith("PIL.")
        assert image.size == (row["width"], row["height"]) == (306, 396)  # 612x792 pt at 36 dpi
        boxes = row["objects"]
        want = ["title", "text"] if (row["page"] - 1) % 2 == 0 else ["title"]
        assert [o["class_key"] for o in boxes] == want
        assert boxes[0]["box_px"] == pytest.approx([v * DPI / 72 for v in TITLE], abs=0.01)
        assert boxes[0]["origin"] == "human" and boxes[0]["annotator"] == "lead1"
    assert [row["page"] for row in ds.select(range(3))] == [1, 2, 3]
    # the card's shards are the files the manifest lists
    manifest = json.loads((root / "manifest.json").read_text())
    shards = [f for f in manifest["files"] if f["path"].startswith("parquet/images/")]
    assert shards and all(f["size"] <= 500 * 10**6 for f in shards)


def test_duckdb_counts_the_classes_of_the_release(big) -> None:
    duckdb = pytest.importorskip("duckdb")
    _, folder = big
    glob = f"{folder.path}/parquet/regions/*/*.parquet"
    rows = duckdb.sql(
        f"SELECT split, class_key, count(*) AS n FROM read_parquet('{glob}', "
        "hive_partitioning = true) GROUP BY split, class_key ORDER BY class_key"
    ).fetchall()
    assert rows == [("train", "text", PAGES // 2), ("train", "title", PAGES)]
    coco = json.loads((Path(folder.path) / "annotations" / "instances_train.json").read_text())
    assert len(coco["annotations"]) == PAGES + PAGES // 2


def test_the_same_release_to_s3_verifies_and_streams_into_datasets(
    big,
    s3_bucket: str,  # noqa: F811
) -> None:
    datasets = pytest.importorskip("datasets")
    project, _ = big
    record = releases.release(
        project, "v1", f"s3://{s3_bucket}/datasets", formats="parquet", dpi=DPI
    )
    assert record.path.startswith(f"s3://{s3_bucket}/datasets/")
    check = verify_release(record.path, project)
    assert check.ok and check.anchored_by == "project", check.problems
    stream = datasets.load_dataset(
        "parquet",
        streaming=True,
        split="train",
        data_files={"train": f"{record.path}/parquet/images/split=train/*.parquet"},
    )
    first = list(stream.take(3))
    assert [r["page"] for r in first] == [1, 2, 3]
    assert first[0]["image"].size == (306, 396)
    assert [o["class_key"] for o in first[1]["objects"]] == ["title"]


def test_pyarrow_reads_one_split_by_a_partition_filter(tmp_path: Path) -> None:
    ds = pytest.importorskip("pyarrow.dataset")
    from aal_desktop.services import versions

    project, _ = make_project(tmp_path, pages=2)
    try:
        # The split is drawn from the documents' SHA-256 (which a fresh PDF's creation time
        # changes) and the seed: take the first seed that puts them in two splits or more
        # (each draws afresh: a later version would keep its parent's split otherwise).
        for seed in range(50):
            name = f"v{seed}"
            versions.create_version(
                project, name, split=(0.34, 0.33, 0.33), seed=seed, resplit=True
            )
            if len({d.split for d in versions.version_documents(project, name)}) >= 2:
                break
        record = releases.release(
            project, name, tmp_path / "d", formats="jsonl,parquet", images=False
        )
    finally:
        project.close()
    root = Path(record.path)
    table = ds.dataset(root / "parquet" / "regions", format="parquet", partitioning="hive")
    splits = sorted(p.stem for p in (root / "jsonl").glob("*.jsonl"))
    assert len(splits) >= 2  # documents landed in more than one split
    assert sorted(p.name for p in (root / "parquet" / "regions").iterdir()) == [
        f"split={s}" for s in splits
    ]
    for split in splits:
        rows = table.to_table(filter=ds.field("split") == split).to_pylist()
        jsonl = (root / "jsonl" / f"{split}.jsonl").read_text().splitlines()
        assert [r["region_id"] for r in rows] == [json.loads(x)["region_id"] for x in jsonl]
        assert {r["split"] for r in rows} <= {split}
    assert table.count_rows() == 12  # 3 documents x 2 pages x 2 regions
    assert not (root / "parquet" / "images").exists()  # --no-images
