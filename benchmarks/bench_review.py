"""The review table over a big event log: first screen, a jump to the middle, a filter.

Why: the review window must stay responsive with 100,000 events. The model loads rows a
page (500) at a time, so each figure is compared with the raw SQL a page costs
(`SELECT ... LIMIT 500`): the ratio says what the model adds on top of SQLite (Event
records, review state, the count of matching rows).
"""

from __future__ import annotations

import tempfile
import time
from functools import cache
from pathlib import Path

from common import BenchResult, timeit_best

from aal_desktop.services.project import Project
from aal_desktop.store import events as event_log
from aal_desktop.store.db import transaction
from aal_desktop.store.events import EventFilter

SCREEN_ROWS = 40
USERS = ("ann1", "ann2", "ann3")
CLASSES = ("text", "title", "table", "picture", "caption")
KINDS = ("region.relabel", "region.move", "region.delete", "region.create")


def _size(quick: bool) -> int:
    return 20_000 if quick else 100_000


@cache
def _project(n: int) -> tuple[Project, float]:
    """A project whose log holds n region events (a few accepted), built in one transaction."""
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is None:
        _project.app = QCoreApplication([])  # type: ignore[attr-defined]
    folder = Path(tempfile.mkdtemp(prefix="aal-bench-review-"))
    project = Project(folder / "aal.sqlite3", user="lead1")
    start = time.perf_counter()
    with transaction(project.db):
        for i in range(n):
            kind = KINDS[i % len(KINDS)]
            box = [10.0 + i % 50, 10.0, 200.0, 60.0]
            before = (
                None
                if kind == "region.create"
                else {"class_key": CLASSES[i % 5], "box": box, "deleted": False}
            )
            after = {
                "class_key": CLASSES[(i + (kind == "region.relabel")) % 5],
                "box": [box[0] + (kind == "region.move") * 5, *box[1:]],
                "deleted": kind == "region.delete",
            }
            event_log.append(
                project.db,
                event_log.NewEvent(
                    kind=kind,
                    user=USERS[i % 3],
                    change_type="additive" if kind == "region.create" else "corrective",
                    region_id=f"region-{i % 20_000}",
                    document_id=1 + i % 40,
                    page=i % 10,
                    original=before,
                    new=after,
                    reason=f"reason {i}",
                ),
            )
        project.db.conn.executemany(
            "INSERT INTO reviews (event_id, decision, user, at) VALUES (?, 'accepted', ?, ?)",
            [(i, "lead1", event_log.now_iso()) for i in range(1, n + 1, 7)],
        )
    return project, time.perf_counter() - start


def _screen(model: object, first_row: int) -> None:
    """What a view does to paint a screen: data() of every visible cell."""
    from PySide6.QtCore import Qt

    m = model  # EventTableModel
    for row in range(first_row, first_row + SCREEN_ROWS):
        for col in range(m.columnCount()):  # type: ignore[attr-defined]
            m.data(m.index(row, col), Qt.ItemDataRole.DisplayRole)  # type: ignore[attr-defined]


def _raw_page(project: Project, where: str = "", params: tuple = (), offset: int = 0) -> None:
    project.db.execute(
        f"SELECT * FROM events{where} ORDER BY id LIMIT 500 OFFSET ?", [*params, offset]
    ).fetchall()


def bench_first_screen(quick: bool) -> BenchResult:
    from aal_desktop.ui.event_table_model import EventTableModel

    n = _size(quick)
    project, build_s = _project(n)

    def run() -> None:
        model = EventTableModel(project)
        assert model.rowCount() < model.total()
        _screen(model, 0)

    value = timeit_best(run, repeat=5)
    baseline = timeit_best(lambda: _raw_page(project), repeat=5)
    note = f"{n} events (built in {build_s:.1f} s); model + count + first {SCREEN_ROWS} rows"
    if not quick:  # what an eager model would pay before showing anything
        start = time.perf_counter()
        event_log.list_events(project.db)
        note += f"; loading all rows eagerly takes {time.perf_counter() - start:.2f} s"
    return BenchResult("review_table_100k", value * 1000, baseline * 1000, "ms", note)


def bench_jump_to_middle(quick: bool) -> BenchResult:
    from aal_desktop.ui.event_table_model import EventTableModel

    n = _size(quick)
    project, _ = _project(n)
    middle = n // 2
    model = EventTableModel(project)

    def run() -> None:
        model.refresh()  # drop cached pages, keep counts: every jump reads its page again
        model.fetch_to(middle + SCREEN_ROWS)
        _screen(model, middle)

    value = timeit_best(run, repeat=5)
    baseline = timeit_best(lambda: _raw_page(project, offset=middle), repeat=5)
    return BenchResult(
        "review_table_100k_middle",
        value * 1000,
        baseline * 1000,
        "ms",
        f"{n} events; jump to row {middle} and paint a screen "
        f"(pages read in total: {model.pages_read})",
    )


def bench_filter(quick: bool) -> BenchResult:
    from aal_desktop.ui.event_table_model import EventTableModel

    n = _size(quick)
    project, _ = _project(n)
    flt = EventFilter(user="ann2", kind="region.relabel", review="pending")
    model = EventTableModel(project)
    where, params = event_log.where_clause(flt)

    def run() -> None:
        model.set_filter(flt)
        _screen(model, 0)
        model.set_filter(EventFilter())

    value = timeit_best(run, repeat=5)
    baseline = timeit_best(lambda: _raw_page(project, where, tuple(params)), repeat=5)
    model.set_filter(flt)
    return BenchResult(
        "review_table_100k_filter",
        value * 1000,
        baseline * 1000,
        "ms",
        f"{n} events; filter annotator+kind+pending ({model.total()} match), "
        "count + first screen, and back",
    )


BENCHMARKS = {
    "review_table_100k": bench_first_screen,
    "review_table_100k_middle": bench_jump_to_middle,
    "review_table_100k_filter": bench_filter,
}
