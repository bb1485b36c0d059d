"""Redraw the README's screenshots offscreen from a demo project (no display needed):

    .venv/bin/python packaging/make_screenshots.py [OUT_DIR]

main-window.png is what `aal gui --screenshot` saves (the sample labelled by hand, one box
still to draw); review-window.png is Review → Review corrections… on an annotator's relabel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (class, box) on page 1 of resources/sample.pdf, from its text blocks
PAGE_ONE = [
    ("page_header", (54, 29, 558, 41)),
    ("title", (122, 63, 490, 109)),
    ("text", (187, 118, 425, 146)),
    ("section_header", (54, 165, 130, 182)),
    ("text", (54, 181, 297, 277)),
    ("text", (54, 279, 297, 352)),
    ("list_item", (67, 368, 294, 446)),
    ("section_header", (54, 453, 106, 469)),
    ("text", (54, 469, 297, 553)),
    ("formula", (150, 594, 298, 626)),
    ("text", (315, 161, 558, 222)),
    ("caption", (315, 226, 558, 249)),
    ("table", (316, 254, 557, 356)),
    ("text", (315, 362, 558, 458)),
]


def demo_project(folder: Path) -> Path:
    from aal_desktop.services import documents, regions, schemas, users
    from aal_desktop.services.project import Project

    db = folder / "aal.sqlite3"
    with Project(db, user="lead1") as project:
        schemas.ensure_default(project)
        (o,) = documents.import_paths(
            project,
            [ROOT / "resources" / "sample.pdf"],
            source="AAL Desktop sample",
            license="CC0-1.0",
        )
        doc = o.document_id
        assert doc is not None
        users.add_user(project, "ann1", "annotator")
        project.switch_user("ann1")
        made = {
            i: regions.add_region(project, doc, 0, box, cls).id
            for i, (cls, box) in enumerate(PAGE_ONE)
        }
        regions.relabel(project, made[2], "page_header", reason="the author line is a header")
        regions.move(project, made[12], (316, 252, 557, 357), reason="include the top rule")
        regions.relabel(project, made[2], "text", reason="no: authors are body text")
        project.switch_user("lead1")
    return db


def review_shot(db: Path, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from aal_desktop.services.project import Project
    from aal_desktop.ui.app import application
    from aal_desktop.ui.review_view import ReviewWindow
    from aal_desktop.ui.screenshot import wait_until
    from aal_desktop.ui.session import Session

    application()
    session = Session(Project(db, user="lead1", isolate_pdf=True))
    window = ReviewWindow(session)
    window.resize(1400, 860)
    window.show()
    QApplication.processEvents()
    window.filters.set_values(kind="region.relabel")
    window.select_row(0)
    if not wait_until(window.page_view.has_image, 60):
        raise SystemExit("the review preview did not render in 60 s")
    wait_until(lambda: False, 0.3)
    if not window.grab().save(str(out)):
        raise SystemExit(f"cannot write {out}")
    window.close()
    session.close()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "packaging" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_project(Path(tmp))
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }  # never the user's settings
        subprocess.run(
            [
                sys.executable,
                "-m",
                "aal_desktop.cli.main",
                "--db",
                str(db),
                "--user",
                "lead1",
                "gui",
                "--screenshot",
                str(out / "main-window.png"),
            ],
            check=True,
            cwd=ROOT,
            env=env,
        )
        os.environ["XDG_CONFIG_HOME"] = env["XDG_CONFIG_HOME"]
        review_shot(db, out / "review-window.png")
    print(f"saved {out / 'main-window.png'} and {out / 'review-window.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
