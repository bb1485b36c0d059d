"""The pre-label workspace of the main window: which pages a run covers, accepting pre-labels.

Issue 7: run pre-labels for a page, a document or the documents selected in the Documents
panel; accept the pending ones on a page, or those above a confidence, as ONE undo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from . import undo

if TYPE_CHECKING:
    from .main_window import MainWindow

THRESHOLD_KEY = "prelabel/accept_threshold"
DEFAULT_THRESHOLD = 0.8


def selected_document_ids(w: MainWindow) -> list[int]:
    """Documents selected in the Documents panel, in the order shown (Ctrl/Shift-click)."""
    panel = w.documents_panel
    rows = sorted(i.row() for i in panel.table.selectionModel().selectedRows(0))
    ids = [panel.proxy.index(r, 0).data(panel.model.DOC_ID_ROLE) for r in rows]
    return [int(i) for i in ids if i is not None]


def prelabel_scope(w: MainWindow, scope: str) -> tuple[list[int], list[int] | None] | None:
    """(document ids, pages or None for all) for a scope, or None with a message why not."""
    if scope == "selected":
        ids = selected_document_ids(w)
        if not ids:
            w.show_message("Select documents in the Documents panel to pre-label them.")
            return None
        return ids, None
    if w.doc is None:
        w.show_message("Open a document to pre-label it.")
        return None
    return [w.doc.id], ([w.page] if scope == "page" else None)


def accept(w: MainWindow, command: undo.ServiceCommand, where: str) -> int:
    """Accept pre-labels (chosen by services/prelabel) as ONE undo step; say how many."""
    n = len(undo.perform(w.session, command))
    if not n:
        w.show_message(f"No pending pre-labels {where}.")
        return 0
    w.show_message(f"Accepted {n} pre-label{'s' if n != 1 else ''} {where}.")
    return n


def accept_on_page(w: MainWindow) -> int:
    if w.doc is None:
        return 0
    return accept(w, undo.accept_page(w.session, w.doc.id, w.page), f"on page {w.page + 1}")


def accept_above(w: MainWindow) -> int:
    """Ask for a threshold (remembered) and accept this document's pre-labels at or above it."""
    if w.doc is None:
        return 0
    try:
        last = float(w.settings.value(THRESHOLD_KEY, DEFAULT_THRESHOLD))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        last = DEFAULT_THRESHOLD
    value, ok = QInputDialog.getDouble(
        w,
        "Accept pre-labels",
        "Accept the pending pre-labels of this document with a confidence of at least:",
        last,
        0.0,
        1.0,
        2,
    )
    if not ok:
        return 0
    w.settings.setValue(THRESHOLD_KEY, float(value))
    return accept(
        w,
        undo.accept_above(w.session, w.doc.id, value),
        f"at or above {value:.2f} in {w.doc.filename}",
    )
