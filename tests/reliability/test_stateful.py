"""Random sequences of service calls against one project, checking every invariant after
each step (harness.check_invariants); a second process edits the same project meanwhile."""

from __future__ import annotations

import multiprocessing
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from aal_desktop.services.project import Project

from .harness import CLASSES, TEMPLATE_PAGES, check_invariants, copy_project, scaled
from .ops import apply_op, random_op

FIGURES: dict[str, int] = {}

boxes = st.tuples(st.floats(0, 400), st.floats(0, 600), st.floats(5, 150), st.floats(5, 150)).map(
    lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])
)
values = st.sampled_from(["0.5", "7", "a", "b", "yes", "no", "", "nan", "inf", "-1e309"])


def make_machine(template: Path, concurrent: bool) -> type[RuleBasedStateMachine]:
    class ProjectEdits(RuleBasedStateMachine):
        """One person's random edits (services only); optionally another process's too."""

        def __init__(self) -> None:
            super().__init__()
            self.folder = Path(tempfile.mkdtemp(prefix="aal-rel-"))
            self.db = copy_project(template, self.folder / "project")
            self.project = Project(self.db, user="lead1")
            self.ids: list[str] = []
            self.other = None
            if concurrent:
                ctx = multiprocessing.get_context("spawn")
                self.stop = ctx.Event()
                self.other = ctx.Process(target=other_person, args=(str(self.db), self.stop))
                self.other.start()

        def _do(self, op: tuple) -> None:
            FIGURES["calls"] = FIGURES.get("calls", 0) + 1
            rid = apply_op(self.project, op)
            if op[0] == "add" and rid is not None:
                self.ids.append(rid)

        @rule(page=st.integers(0, TEMPLATE_PAGES - 1), box=boxes, cls=st.sampled_from(CLASSES))
        def add(self, page: int, box: tuple, cls: str) -> None:
            self._do(("add", page, box, cls))

        @rule(data=st.data(), cls=st.sampled_from(CLASSES))
        def relabel(self, data: st.DataObject, cls: str) -> None:
            if self.ids:
                self._do(("relabel", data.draw(st.sampled_from(self.ids)), cls))

        @rule(data=st.data(), box=boxes)
        def move(self, data: st.DataObject, box: tuple) -> None:
            if self.ids:
                self._do(("move", data.draw(st.sampled_from(self.ids)), box))

        @rule(data=st.data(), key=st.sampled_from(["conf", "kind", "ok"]), value=values)
        def set_attribute(self, data: st.DataObject, key: str, value: str) -> None:
            if self.ids:
                self._do(("set", data.draw(st.sampled_from(self.ids)), key, value))

        @rule(data=st.data(), kind=st.sampled_from(["delete", "restore", "revert"]))
        def delete_restore_or_revert(self, data: st.DataObject, kind: str) -> None:
            if self.ids:
                self._do((kind, data.draw(st.sampled_from(self.ids))))

        @invariant()
        def history_is_whole(self) -> None:
            counts = check_invariants(self.db)
            FIGURES["checks"] = FIGURES.get("checks", 0) + 1
            FIGURES["events"] = max(FIGURES.get("events", 0), counts["events"])

        def teardown(self) -> None:
            if self.other is not None:
                self.stop.set()
                self.other.join(30)
                assert self.other.exitcode == 0, "the other process failed (see its output)"
                check_invariants(self.db)
            self.project.close()

    return ProjectEdits


def other_person(db: str, stop: object) -> None:
    """Amy, in another process: random edits of her own regions until told to stop."""
    rng = random.Random(7)
    with Project(db, user="amy") as p:
        mine: list[str] = []
        while not stop.is_set():  # type: ignore[attr-defined]
            op = random_op(rng, mine)
            if op[0] == "revert":
                continue  # review is for leads
            rid = apply_op(p, op)
            if op[0] == "add" and rid is not None:
                mine.append(rid)


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


def test_random_service_calls_keep_every_invariant(template: Path) -> None:
    FIGURES.clear()
    run_state_machine_as_test(
        make_machine(template, concurrent=False), settings=_settings(scaled(8, 60), scaled(12, 40))
    )
    print(
        f"\nstateful: {FIGURES.get('calls', 0)} calls tried, "
        f"{FIGURES.get('checks', 0)} invariant checks survived, 0 lost"
    )


def test_random_calls_with_a_second_process_editing_keep_every_invariant(template: Path) -> None:
    FIGURES.clear()
    run_state_machine_as_test(
        make_machine(template, concurrent=True), settings=_settings(scaled(2, 10), scaled(15, 40))
    )
    print(
        f"\nstateful, two processes: {FIGURES.get('calls', 0)} calls tried, "
        f"{FIGURES.get('checks', 0)} "
        "invariant checks survived, 0 lost"
    )


def _relabel_loop(db: str, rid: str, user: str, n: int) -> None:
    from aal_desktop.services import regions

    rng = random.Random(user)
    with Project(db, user=user) as p:
        for _ in range(n):
            regions.relabel(p, rid, rng.choice(CLASSES))


def test_two_processes_editing_one_region_record_true_originals(
    template: Path, tmp_path: Path
) -> None:
    db = copy_project(template, tmp_path / "same-region")
    with Project(db, user="lead1") as p:
        rid = apply_op(p, ("add", 0, (50, 50, 200, 120), "text"))
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_relabel_loop, args=(str(db), rid, user, scaled(60, 600)))
        for user in ("lead1", "amy")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    check_invariants(db)
