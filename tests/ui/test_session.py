"""The Session turns committed service changes into Qt signals on the GUI thread."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThread  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aal_desktop.core.schema import default_schema  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services import schemas  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402


def test_a_region_edit_arrives_as_regions_changed_for_its_page(qtbot, project: Project, doc_id):
    session = Session(project)
    try:
        events: list[bool] = []
        session.eventsChanged.connect(lambda: events.append(True))
        with qtbot.waitSignal(session.regionsChanged) as blocker:
            region_service.add_region(project, doc_id, 2, (10, 10, 100, 100), "text")
        assert blocker.args == [doc_id, 2]
        qtbot.waitUntil(lambda: events == [True])
    finally:
        session.close()


def test_changes_committed_on_another_thread_are_delivered_on_the_gui_thread(
    qtbot, project: Project, doc_id
):
    session = Session(project)
    seen: list[bool] = []
    session.regionsChanged.connect(
        lambda d, p: seen.append(QThread.currentThread() is QApplication.instance().thread())
    )
    try:
        project.db.conn.execute("SELECT 1")  # the connection is shared: write from this thread
        rid = region_service.add_region(project, doc_id, 0, (10, 10, 100, 100), "text").id
        from aal_desktop.services.project import Change

        worker = threading.Thread(
            target=project.notify, args=(Change("region", (rid,), document_id=doc_id, page=0),)
        )
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
        assert seen == [True, True]
    finally:
        session.close()


def test_schema_is_cached_and_refreshed_when_a_new_version_is_published(qtbot, project: Project):
    session = Session(project)
    try:
        assert session.schema.version == 1
        changed = default_schema().model_copy(update={"name": "Renamed"})
        with qtbot.waitSignal(session.schemaChanged):
            schemas.add_draft(project, changed)
        with qtbot.waitSignal(session.schemaChanged):
            schemas.publish(project)
        assert session.schema.version == 2 and session.schema.name == "Renamed"
    finally:
        session.close()


def test_close_stops_listening(qtbot, tmp_path, doc_id, project: Project):
    session = Session(project)
    received: list[tuple[int, int]] = []
    session.regionsChanged.connect(lambda d, p: received.append((d, p)))
    session.close()
    other = Project(project.path, user="lead1")
    try:
        # the session closed the project; a listener on it would have been removed
        assert project._listeners == []
    finally:
        other.close()
    qtbot.wait(50)
    assert received == []
