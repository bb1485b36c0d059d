"""Statistics: exact counts on small hand-built inputs (core.stats) and projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core import stats
from aal_desktop.core.geometry import Box
from aal_desktop.core.records import Region
from aal_desktop.services import documents, regions, versions
from aal_desktop.services.project import Project
from tests.conftest import make_pdf


def reg(
    rid: str,
    doc: int,
    box: tuple[float, float, float, float],
    cls: str = "text",
    annotator: str = "ann",
    origin: str = "human",
    model: str | None = None,
) -> Region:
    return Region(
        id=rid,
        document_id=doc,
        page=0,
        box=Box(*box),
        class_key=cls,
        schema_version=1,
        annotator=annotator,
        origin=origin,
        model_name=model,
        model_version="1.0" if model else None,
        created_by=annotator,
        created_at="t",
    )


DOCS = [
    stats.StatsDocument(1, "train", 3),
    stats.StatsDocument(2, "train", 2),
    stats.StatsDocument(3, "test", 1),
]
REGIONS = [
    reg("a", 1, (0, 0, 10, 20)),  # 10 x 20 = 200
    reg("b", 1, (0, 0, 100, 5), cls="title"),  # 100 x 5 = 500
    reg("c", 2, (0, 0, 50, 50), annotator="bob"),  # 2500
    reg("d", 3, (0, 0, 400, 300), cls="table", origin="model", model="yolo"),  # 120000
]


def test_totals_and_per_split_counts_are_exact() -> None:
    s = stats.compute(DOCS, REGIONS, ("train", "val", "test")).to_json()
    t = s["totals"]
    assert (t["documents"], t["pages"], t["regions"]) == (3, 6, 4)
    assert t["classes"] == {"table": 1, "text": 2, "title": 1}
    assert t["sources"] == {"human": 3, "yolo 1.0": 1}
    assert t["annotators"] == {"ann": 3, "bob": 1}
    train, val, test = (s["splits"][k] for k in ("train", "val", "test"))
    assert (train["documents"], train["pages"], train["regions"]) == (2, 5, 3)
    assert (val["documents"], val["pages"], val["regions"]) == (0, 0, 0)
    assert test["classes"] == {"table": 1} and test["sources"] == {"yolo 1.0": 1}


def test_box_sizes_quantiles_and_histograms_in_points() -> None:
    box = stats.compute(DOCS, REGIONS, ("train", "val", "test")).to_json()["totals"]["box"]
    # widths 10, 50, 100, 400: numpy-style linear quantiles
    assert box["width"]["min"] == 10 and box["width"]["max"] == 400
    assert box["width"]["p50"] == 75.0 and box["width"]["mean"] == 140.0
    assert box["width"]["p25"] == pytest.approx(40.0)
    assert box["width"]["histogram"] == {
        "edges": [0, 10, 25, 50, 100, 200, 400, 800],
        "counts": [0, 1, 0, 1, 1, 0, 1, 0],
    }
    # 10 sits in the [10, 25) bin, 100 in [100, 200), 400 in [400, 800); heights 5, 20, 50, 300
    assert box["height"]["histogram"]["counts"] == [1, 1, 0, 1, 0, 1, 0, 0]
    assert box["area"]["histogram"]["counts"] == [0, 2, 1, 0, 1, 0]
    assert box["area"]["p50"] == 1500.0


def test_empty_sets_give_zeros_not_errors() -> None:
    s = stats.summarize([], []).to_json()
    assert s["regions"] == 0 and s["box"]["width"]["p50"] == 0.0
    assert sum(s["box"]["area"]["histogram"]["counts"]) == 0


def test_typed_figures_are_what_the_json_says() -> None:
    s = stats.compute(DOCS, REGIONS, ("train", "val", "test"))
    assert s.totals.regions == 4 and s.groups["train"].pages == 5
    assert s.totals.box.width.p50 == 75.0 and s.totals.box.width.max == 400
    assert s.totals.box.height.histogram.counts == (1, 1, 0, 1, 0, 1, 0, 0)
    js = s.to_json()
    assert list(js) == ["totals", "splits"] and list(js["splits"]) == ["train", "val", "test"]
    assert list(js["totals"]) == [
        "documents",
        "pages",
        "regions",
        "classes",
        "sources",
        "annotators",
        "box",
    ]
    assert list(js["totals"]["box"]["width"]) == [
        "min",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "max",
        "mean",
        "histogram",
    ]


def test_change_against_parent_lists_only_what_moved() -> None:
    parent = stats.compute(DOCS[:2], REGIONS[:2], ("train", "val", "test"))
    child = stats.compute(DOCS, REGIONS, ("train", "val", "test"))
    typed = stats.change(parent, child)
    assert typed is not None
    assert stats.change(parent.to_json(), child.to_json()) == typed  # stored JSON reads alike
    ch = typed.to_json()
    assert (ch["documents"], ch["pages"], ch["regions"]) == (1, 1, 2)
    assert ch["classes"] == {"table": 1, "text": 1}
    assert ch["splits"]["test"]["regions"] == 1 and ch["splits"]["val"]["regions"] == 0
    assert stats.change(None, child) is None


def test_version_and_project_stats_on_a_small_project(project: Project, tmp_path: Path) -> None:
    ids = []
    for i, n in enumerate((2, 3)):
        (o,) = documents.import_paths(
            project, [make_pdf(tmp_path / f"s{i}.pdf", pages=n, text=f"stats {i}")]
        )
        ids.append(o.document_id)
    regions.add_region(project, ids[0], 0, (72, 80, 172, 130), "text")  # 100 x 50
    regions.add_region(project, ids[0], 1, (72, 80, 122, 100), "title")  # 50 x 20
    gone = regions.add_region(project, ids[1], 2, (10, 10, 20, 20), "text")
    regions.delete(project, gone.id)
    regions.add_region(
        project,
        ids[1],
        0,
        (0, 0, 300, 300),
        "picture",
        origin="model",
        model_name="layout-m",
        model_version="2",
    )
    documents.set_status(project, ids[0], "approved")
    live = versions.project_stats(project)
    assert live["totals"]["regions"] == 3 and live["totals"]["pages"] == 5
    assert live["statuses"]["approved"]["documents"] == 1
    # the deleted human region moved the second document to in_progress; it is not counted
    assert live["statuses"]["in_progress"]["regions"] == 1
    assert live["statuses"]["todo"]["documents"] == 0
    assert live["totals"]["sources"] == {"human": 2, "layout-m 2": 1}

    versions.create_version(project, "v1")
    s = versions.version_stats(project, "v1")
    assert (s["totals"]["documents"], s["totals"]["pages"], s["totals"]["regions"]) == (1, 2, 2)
    assert s["totals"]["classes"] == {"text": 1, "title": 1}
    assert s["totals"]["box"]["area"]["max"] == 5000.0
    assert s["totals"]["annotators"] == {"lead1": 2}
    (split,) = versions.version_documents(project, "v1")
    assert s["splits"][split.split]["regions"] == 2
    assert s["change"] is None


def test_a_version_records_its_change_against_the_parent(project: Project, tmp_path: Path) -> None:
    from tests.test_versions import build

    b = build(project, tmp_path)
    versions.create_version(project, "v1")
    regions.relabel(project, b.regions[0].id, "caption")
    documents.set_status(project, b.docs[3], "approved")
    versions.create_version(project, "v2")
    ch = versions.version_stats(project, "v2")["change"]
    assert (ch["documents"], ch["pages"], ch["regions"]) == (1, 2, 2)
    assert ch["classes"] == {"caption": 1, "title": 1}  # text: -1 (relabel) +1 (new document)
    assert sum(s["documents"] for s in ch["splits"].values()) == 1
