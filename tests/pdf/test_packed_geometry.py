"""Import's page geometry travels as one packed array and lands in the pages table unchanged."""

from __future__ import annotations

import json
import pickle
from functools import partial
from pathlib import Path

import pytest

from aal_desktop.pdf.geometry import PackedPages, PageInfo
from aal_desktop.pdf.inspect import inspect_pdf

from ..conftest import make_pdf

PAGES = (
    PageInfo(0, 612.0, 792.0, 0, (0.0, 0.0, 612.0, 792.0), (0.0, 0.0, 612.0, 792.0)),
    PageInfo(1, 480.0, 380.0, 90, (0.0, 0.0, 600.0, 800.0), (20.0, 300.0, 400.0, 780.0)),
)


def test_packed_pages_read_back_as_page_records() -> None:
    packed = PackedPages.of(PAGES)
    assert len(packed) == 2 and list(packed) == list(PAGES)
    assert packed[-1] == PAGES[1] and packed[0:1] == (PAGES[0],)
    assert packed == PAGES
    with pytest.raises(IndexError):
        packed[2]
    again = pickle.loads(pickle.dumps(packed))
    assert again == packed and isinstance(again, PackedPages)


def test_a_thousand_pages_pickle_as_bytes_not_objects() -> None:
    one = PAGES[1]
    packed = PackedPages.of(
        [PageInfo(i, 480.0, 380.0, 90, one.mediabox, one.cropbox) for i in range(1000)]
    )
    blob = pickle.dumps(packed)
    assert len(blob) < 1000 * 11 * 8 + 200  # the doubles and little else
    assert b"PageInfo" not in blob


def _rows(packed: PackedPages, document_id: int) -> list[tuple]:
    """One pages row a page, as the pages table holds them (boxes as JSON)."""
    text = partial(json.dumps, separators=(",", ":"))
    return [
        (document_id, p.number, p.width, p.height, p.rotation, text(p.mediabox), text(p.cropbox))
        for p in packed
    ]


def test_runs_spell_boxes_as_the_pages_table_does() -> None:
    runs = PackedPages.of(PAGES).runs()
    assert runs[1] == (1, 1, 480.0, 380.0, 90, "[0.0,0.0,600.0,800.0]", "[20.0,300.0,400.0,780.0]")
    assert [json.loads(r[6]) for r in runs] == [list(p.cropbox) for p in PAGES]


def test_runs_group_consecutive_pages_of_equal_geometry() -> None:
    a, b = PAGES
    pages = [a, a, b, a, b, b, b]
    packed = PackedPages.of([PageInfo(i, *_geometry(p)) for i, p in enumerate(pages)])
    runs = packed.runs()
    assert [(first, count) for first, count, *_ in runs] == [(0, 2), (2, 1), (3, 1), (4, 3)]
    rows = _rows(packed, 7)
    for first, count, *geometry in runs:
        for page in range(first, first + count):
            assert rows[page] == (7, page, *geometry)
    assert PackedPages().runs() == []


def test_page_runs_store_the_same_rows_as_one_row_a_page() -> None:
    import sqlite3

    from aal_desktop.store import documents as document_rows
    from aal_desktop.store.upgrades import u001_initial

    class Db:
        def __init__(self) -> None:
            self.conn = sqlite3.connect(":memory:")
            start = u001_initial.SQL.index("CREATE TABLE pages")
            self.conn.execute(u001_initial.SQL[start : u001_initial.SQL.index(";", start)])

    a, b = PAGES
    pages = [b] + [a] * 5 + [b, a, b, b]
    packed = PackedPages.of([PageInfo(i, *_geometry(p)) for i, p in enumerate(pages)])
    by_rows, by_runs = Db(), Db()
    document_rows.insert_page_rows(by_rows, _rows(packed, 3))  # type: ignore[arg-type]
    document_rows.insert_page_runs(by_runs, 3, packed.runs())  # type: ignore[arg-type]
    query = "SELECT * FROM pages ORDER BY document_id, page"
    assert by_runs.conn.execute(query).fetchall() == by_rows.conn.execute(query).fetchall()
    assert len(by_runs.conn.execute(query).fetchall()) == len(pages)


def _geometry(p: PageInfo) -> tuple:
    return (p.width, p.height, p.rotation, p.mediabox, p.cropbox)


def test_packed_values_must_be_whole_pages() -> None:
    with pytest.raises(ValueError):
        PackedPages([1.0, 2.0])


def test_inspection_answers_packed_geometry(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", pages=4, rotation=90, cropbox=(20, 30, 400, 500))
    result = inspect_pdf(str(path))
    assert result.ok and isinstance(result.pages, PackedPages) and len(result.pages) == 4
    assert [p.rotation for p in result.pages] == [90] * 4
    assert (result.pages[2].width, result.pages[2].height) == pytest.approx((470, 380))
