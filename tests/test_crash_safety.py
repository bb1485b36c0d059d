"""A killed process loses nothing it reported as done and leaves a consistent database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from aal_desktop.services import audit, documents, regions
from aal_desktop.services.project import Project
from aal_desktop.store.blobs import sha256_file
from aal_desktop.store.db import integrity_ok

from .conftest import make_pdf

ROOT = Path(__file__).resolve().parents[1]

EDIT_STREAM = textwrap.dedent("""
    import sys
    from aal_desktop.services import regions
    from aal_desktop.services.project import Project
    project = Project(sys.argv[1], user="lead1")
    i = 0
    while True:
        x = 10 + (i % 50) * 10
        r = regions.add_region(project, 1, 0, (x, 10, x + 8, 30), "text")
        regions.relabel(project, r.id, "title" if i % 2 else "caption")
        print(r.id, flush=True)
        i += 1
""")


def test_sigkill_in_a_stream_of_edits_loses_nothing_reported(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    with Project(db, user="lead1") as project:
        documents.import_paths(project, [make_pdf(tmp_path / "d.pdf")])
    proc = subprocess.Popen(
        [sys.executable, "-c", EDIT_STREAM, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    reported = [proc.stdout.readline().strip() for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Project(db, user="lead1") as project:
        assert integrity_ok(project.db)
        for i, rid in enumerate(reported):
            r = regions.get(project, rid)
            assert r.class_key == ("title" if i % 2 else "caption")
            assert [e.kind for e in regions.history(project, rid)] == [
                "region.create",
                "region.relabel",
            ]
        report = audit.verify(project)
        assert report.ok, report.problem
        # every region in the database has its create event: state and event committed together
        rows = project.db.execute(
            "SELECT COUNT(*) FROM regions WHERE id NOT IN "
            "(SELECT region_id FROM events WHERE kind = 'region.create')"
        ).fetchone()[0]
        assert rows == 0


IMPORT_STREAM = textwrap.dedent("""
    import sys
    from aal_desktop.services import documents
    from aal_desktop.services.project import Project
    project = Project(sys.argv[1], user="lead1")
    def said(i, n, outcome):
        print(outcome.status, outcome.document_id, flush=True)
    documents.import_paths(project, [sys.argv[2]], progress=said)
""")


def test_sigkill_during_import_leaves_no_half_written_row_or_blob(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        make_pdf(folder / f"doc{i:02}.pdf", pages=30, text=f"document {i}")
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORT_STREAM, str(db), str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    done = [proc.stdout.readline().split() for _ in range(5)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Project(db, user="lead1") as project:
        assert integrity_ok(project.db)
        docs = documents.list_documents(project)
        assert {int(d[1]) for d in done} <= {d.id for d in docs}
        for d in docs:
            assert len(documents.pages(project, d.id)) == d.page_count == 30
            assert sha256_file(project.blobs.path(d.sha256)) == d.sha256
        assert not list(project.blobs.root.glob("*/.tmp-*"))
        # re-running the import completes the rest and finds the rest already present
        outcomes = documents.import_paths(project, [folder])
        assert all(o.status in {"imported", "present"} for o in outcomes)
        assert len(documents.list_documents(project)) == 40


def test_opening_a_project_sweeps_copies_staged_before_their_hash(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    pdf = make_pdf(tmp_path / "a.pdf")
    script = (
        "import sys\nfrom pathlib import Path\nfrom aal_desktop.services.project import Project\n"
        "with Project(Path(sys.argv[1]), user='lead1') as p:\n"
        "    print(p.blobs.stage_file(Path(sys.argv[2])))\n"  # no SHA-256 yet; never adopted
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(db), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    staged = Path(run.stdout.strip())
    assert staged.is_file()  # left behind as by a killed import
    with Project(db, user="lead1") as project:
        assert staged.parent == project.blobs.root
        assert not staged.exists()  # its writer is gone
        assert not list(project.blobs.root.rglob(".tmp-*"))


def test_opening_a_project_leaves_a_running_imports_copy_alone(tmp_path: Path) -> None:
    """Two processes on one project (the window importing while `aal` opens it): the sweep
    removes the copies of dead writers only."""
    db = tmp_path / "aal.sqlite3"
    with Project(db, user="lead1") as project:
        live = project.blobs.stage_file(make_pdf(tmp_path / "a.pdf"))  # this process's
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        dead = project.blobs.root / f".tmp-{gone.stdout.strip()}-x.pdf"
        dead.write_bytes(b"%PDF-1.4 half")
    with Project(db, user="lead1") as project:
        assert live is not None and live.exists()
        assert not dead.exists()
