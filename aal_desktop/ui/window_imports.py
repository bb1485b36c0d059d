"""PDF imports started from the main window: the file pickers, dropped files, and the
background runs that closing the window cancels and waits for.

The window owns one WindowImports as `window.imports`; each run shows its own progress
dialog and a summary at the end (dialogs/import_dialog.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from . import window_actions
from .dialogs.import_dialog import ImportRun, import_paths_with_progress

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowImports:
    """Starts imports for the window and keeps the running ones (`runs`) until they end."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.runs: list[ImportRun] = []

    def choose_and_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.window, "Import PDFs", "", "PDF files (*.pdf *.PDF);;All files (*)"
        )
        if files:
            self.import_files(files)

    def choose_folder_and_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import every PDF under a folder")
        if folder:
            self.import_files([folder])

    def import_files(self, paths: list[str]) -> ImportRun:
        """Import in the background with a progress dialog and a summary at the end."""
        run = import_paths_with_progress(self.window.session, paths, self.window)
        self.runs.append(run)
        run.finished.connect(lambda _o, r=run: self.runs.remove(r) if r in self.runs else None)
        return run

    def drag_enter(self, event: QDragEnterEvent) -> None:
        """Accept a drag that carries local PDFs or folders."""
        if window_actions.dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        paths = window_actions.dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def cancel_all(self) -> None:
        """Stop every running import and wait for it (the window is closing)."""
        for run in list(self.runs):
            run.cancel()
            run.wait(30000)
