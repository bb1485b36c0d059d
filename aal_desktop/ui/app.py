"""`aal-desktop`: start the window on a project (first run: default schema and a sample).

aal-desktop [--db PATH] [--user NAME] [--screenshot FILE] [--doc DOC] [--page N]
aal-desktop --install-desktop-entry
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import multiprocessing
import os
import sys
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ..core.errors import AalError
from ..resources import resource
from ..services import documents, schemas
from ..services.documents import ImportOutcome
from ..services.project import Project, default_user
from . import platform_check
from .dialogs.user_dialog import UserDialog
from .main_window import MainWindow
from .render_service import RenderService
from .session import Session
from .theme import apply_theme
from .window_actions import remember_project

APP_NAME = "AAL Desktop"
ORG_NAME = "AAL"
SAMPLE = "sample.pdf"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aal-desktop", description="Label regions of PDF pages.")
    p.add_argument(
        "--db",
        default=os.environ.get("AAL_DB"),
        help="project database (default: AAL_DB or the user data folder)",
    )
    p.add_argument(
        "--user",
        default=os.environ.get("AAL_USER"),
        help="acting user (default: AAL_USER, else ask, remembering the choice)",
    )
    p.add_argument(
        "--screenshot",
        metavar="FILE",
        help="save a PNG of the window once the page is drawn, then exit",
    )
    p.add_argument("--doc", help="document id or SHA-256 prefix to open")
    p.add_argument("--page", type=int, help="page to open, from 1")
    p.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add AAL Desktop to this user's application menu (freedesktop), then exit",
    )
    return p


def first_run(project: Project) -> ImportOutcome | None:
    """The default schema, and the shipped sample when the project has no documents, so a
    new user sees a real page at once."""
    schemas.ensure_default(project)
    if documents.list_documents(project):
        return None
    sample = resource(SAMPLE)
    if not sample.is_file():
        return None
    (outcome,) = documents.import_paths(
        project, [sample], source="AAL Desktop sample", license="CC0-1.0"
    )
    return outcome


def application() -> QApplication:
    """The QApplication with name, organisation (QSettings), icon and theme."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    icon = resource("icons/aal-desktop-256.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    apply_theme(app)
    return app


def open_project(db: str | Path | None, user: str, must_exist: bool = False) -> Project:
    """Open the project for the window (PyMuPDF work isolated in a worker process);
    `must_exist` for an explicit --db, so a typo is an error, not a new empty project."""
    try:
        return Project(db, user, isolate_pdf=True, must_exist=must_exist)
    except AalError:
        raise
    except OSError as exc:
        where = db or "the default project"
        raise AalError(f"cannot open the project database {where}: {exc}") from exc


class App:
    """Holds the one window and its session; reopens both on another project."""

    def __init__(self, settings: QSettings, user: str) -> None:
        self.settings = settings
        self.user = user
        self.session: Session | None = None
        self.window: MainWindow | None = None

    def start(self, project: Project, renderer: RenderService | None = None) -> MainWindow:
        self.session = Session(project, renderer=renderer)
        self.window = MainWindow(self.session, self.settings)
        self.window.projectRequested.connect(self.switch_project)
        self.window.userSwitched.connect(self._remember_user)
        return self.window

    def _remember_user(self, name: str) -> None:
        self.user = name

    def switch_project(self, path: str) -> None:
        """Open another project; the current one stays open if the new one cannot."""
        old = self.window
        try:
            project = open_project(path, self.user)
            first_run(project)
        except AalError as exc:
            if old is not None:
                old.show_error(str(exc))
            return
        geometry = old.saveGeometry() if old is not None else None
        if old is not None:
            old.save_layout()
            old.hide()
            old.deleteLater()
        if self.session is not None:
            self.session.close()
        remember_project(self.settings, project.path)
        window = self.start(project)
        if geometry is not None:
            window.restoreGeometry(geometry)
        window.show()
        window.open_initial()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


def _fail(message: str, quiet: bool) -> int:
    print(f"aal-desktop: {message}", file=sys.stderr)
    if not quiet:
        QMessageBox.critical(None, APP_NAME, message)
    return 1


def end_process(code: int) -> NoReturn:
    """End a `--screenshot` run once its picture is written and the project, workers and
    window are closed: the exit handlers run and output is flushed, but the interpreter's
    own teardown (freeing every module and Qt object, ~0.2 s of a ~1.8 s run) is skipped,
    since nothing is left for it to save (a Python without atexit's runner exits as usual)."""
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:
        raise SystemExit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    os._exit(code)


def main(argv: list[str] | None = None, own_process: bool | None = None) -> int:
    """The window (or, with --screenshot, its picture). `own_process` (default: whether
    argv comes from the command line): a screenshot run then ends the process itself
    (end_process) instead of returning; callers in a larger process pass argv."""
    if own_process is None:
        own_process = argv is None
    multiprocessing.freeze_support()  # render and import workers in a frozen build
    args = build_parser().parse_args(argv)
    if args.install_desktop_entry:  # before Qt: works on a machine without a display
        from .desktop_entry import main as install_entry

        return install_entry()
    shot = args.screenshot
    if (
        shot
        and sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    problem = platform_check.check()
    if problem is not None:  # Qt would abort the process with a cryptic plugin error
        print(f"aal-desktop: {problem.message}", file=sys.stderr)
        return 1
    app = application()
    # the render workers start now and import PyMuPDF while the project opens and the
    # window builds: the first page is not kept waiting for them
    renderer = RenderService()
    renderer.warm_up()
    settings = QSettings()
    remembered = str(settings.value("user", "") or "")
    user = args.user or remembered or default_user()
    try:
        project = open_project(args.db, user, must_exist=bool(args.db))
        sample = first_run(project)
    except AalError as exc:
        renderer.close()
        return _fail(str(exc), quiet=bool(shot))
    if not args.user and not shot:
        chooser = UserDialog(project, user)
        if chooser.exec() != QDialog.DialogCode.Accepted or not chooser.chosen():
            project.close()
            renderer.close()
            return 0
        user = str(chooser.chosen())
        project.switch_user(user)
    if not shot:
        settings.setValue("user", user)
    controller = App(settings, user)
    window = controller.start(project, renderer)
    # What start-up built (modules, Qt wrappers, schema models: ~45,000 tracked objects)
    # lives as long as the process; frozen, the collector stops walking it. Over twenty
    # first looks at 10,000-region pages, five full collections took 45-60 ms each; frozen,
    # four took 4-7 ms (freezing itself is O(1): no collection runs here)
    gc.freeze()
    if sample is not None and sample.status == "rejected":
        window.show_message(f"The sample document could not be imported: {sample.reason}")
    page = args.page - 1 if args.page is not None else None
    try:
        if not shot:
            window.show()
            try:
                window.open_initial(args.doc, page)
            except AalError as exc:
                window.show_error(str(exc))
            return int(app.exec())
        from .screenshot import capture

        try:
            capture(window, shot, args.doc, page)
            print(f"saved {shot}")
            code = 0
        except AalError as exc:
            code = _fail(str(exc), quiet=True)
    finally:
        if controller.window is not None:
            controller.window.close()
        controller.close()
    if own_process:
        end_process(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
