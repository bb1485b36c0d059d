"""A dense page's regions are drawn once into an image and blitted (ui/layer_raster.py), and
a page shown again with nothing written since is not read again (canvas_regions.PageCache):
both must look and behave exactly as reading and painting the page afresh."""

from __future__ import annotations

import os
import uuid

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from aal_desktop.core.geometry import Box  # noqa: E402
from aal_desktop.core.records import Region  # noqa: E402
from aal_desktop.services import documents, schemas, text  # noqa: E402
from aal_desktop.services import regions as region_service  # noqa: E402
from aal_desktop.services.project import Project  # noqa: E402
from aal_desktop.store import regions as region_rows  # noqa: E402
from aal_desktop.store.db import transaction  # noqa: E402
from aal_desktop.ui import layer_raster, region_layer  # noqa: E402
from aal_desktop.ui.page_canvas import PageCanvas  # noqa: E402
from aal_desktop.ui.session import Session  # noqa: E402

from .test_page_canvas import drag, open_canvas, region_center  # noqa: E402


def grid(
    project: Project, doc: int, page: int, n: int, cols: int, pending: bool = True
) -> list[str]:
    """Set-up only: n boxes in a grid over the page, every class, every fifth a pending
    model proposal (dashed and hatched) if `pending`, written straight to the table."""
    record = documents.page(project, doc, page)
    classes = [c.key for c in schemas.current(project).classes]
    rows = -(-n // cols)
    w, h = record.width / cols, record.height / rows
    ids = []
    with transaction(project.db):
        for k in range(n):
            x, y = (k % cols) * w, (k // cols) * h
            ids.append(str(uuid.uuid4()))
            model = pending and k % 5 == 0
            region_rows.insert(
                project.db,
                Region(
                    id=ids[-1],
                    document_id=doc,
                    page=page,
                    box=Box(x + 0.5, y + 0.5, x + w - 0.5, y + h - 0.5).rounded(),
                    class_key=classes[k % len(classes)],
                    schema_version=1,
                    origin="model" if model else "human",
                    prelabel_state="pending" if model else None,
                    annotator="test",
                    created_by="test",
                    created_at="2026-01-01T00:00:00Z",
                ),
            )
    return ids


def show(qtbot, canvas: PageCanvas, doc: int, page: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(canvas.pageReady, timeout=30000):
        canvas.show_page(doc, page)


def pixels(canvas: PageCanvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine()).astype(int)


def painted_directly(canvas: PageCanvas, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The canvas as the layer paints it with no image in between."""
    with monkeypatch.context() as m:
        m.setattr(region_layer, "MIN_REGIONS", 10**9)
        return pixels(canvas)


def assert_same_picture(a: np.ndarray, b: np.ndarray) -> None:
    # blending onto a transparent image first rounds a colour channel by a level or two
    assert a.shape == b.shape
    assert int(np.abs(a - b).max()) <= 3


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a page's whole image was drawn."""
    calls: list[int] = []
    original = layer_raster.LayerRaster._draw_all

    def counted(self: layer_raster.LayerRaster, *args: object) -> None:
        calls.append(1)
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(layer_raster.LayerRaster, "_draw_all", counted)
    return calls


def test_a_dense_page_from_its_image_looks_as_painted_directly(
    qtbot, session: Session, project: Project, doc_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid(project, doc_id, 0, 400, cols=8)  # big enough boxes for their tags
    grid(project, doc_id, 1, 400, cols=8, pending=False)
    canvas = open_canvas(qtbot, session, doc_id)
    assert canvas.regions.layer.page_data.raster.image is not None  # blitted
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))
    # another zoom, scrolled to a part of the page (a pending box's hatching may start a
    # pixel off there: its stripes are anchored to the device, whose offset differs)
    show(qtbot, canvas, doc_id, 1)
    canvas.set_zoom(1.7)
    canvas.verticalScrollBar().setValue(canvas.verticalScrollBar().maximum() // 3 + 1)
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().maximum() // 2 + 1)
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))


def test_lifting_and_dropping_regions_redraws_only_their_part_of_the_image(
    qtbot, session: Session, project: Project, doc_id: int, monkeypatch: pytest.MonkeyPatch,
    drawn: list[int],
) -> None:  # fmt: skip
    ids = grid(project, doc_id, 0, 400, cols=8)
    canvas = open_canvas(qtbot, session, doc_id)
    pixels(canvas)
    whole = len(drawn)
    canvas.select_regions(ids[40:43])  # lifted out of the layer, drawn by their own items
    assert canvas.regions.layer.hidden == set(ids[40:43])
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))
    canvas.select_regions([])
    qtbot.waitUntil(lambda: not canvas.regions.layer.hidden, timeout=5000)
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))
    # an edit drawn into the image where it happened
    moved = region_service.get(project, ids[41])
    canvas.show_regions([moved.model_copy(update={"box": Box(10, 10, 200, 60)})])
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))
    assert len(drawn) == whole  # never the whole page again


def test_a_page_shown_again_is_not_read_again_until_something_is_written(
    qtbot, session: Session, project: Project, doc_id: int, monkeypatch: pytest.MonkeyPatch,
    drawn: list[int],
) -> None:  # fmt: skip
    ids = grid(project, doc_id, 0, 400, cols=8)
    reads: list[tuple[int, int]] = []
    page_outlines = region_service.page_outlines

    def counted(p: Project, doc: int, page: int) -> object:
        reads.append((doc, page))
        return page_outlines(p, doc, page)

    monkeypatch.setattr(region_service, "page_outlines", counted)
    canvas = open_canvas(qtbot, session, doc_id)
    # a page's words are stored once, after its first showing: a write like any other
    qtbot.waitUntil(lambda: text.has_words(project, doc_id, 0), timeout=30000)
    show(qtbot, canvas, doc_id, 1)
    qtbot.waitUntil(lambda: text.has_words(project, doc_id, 1), timeout=30000)
    show(qtbot, canvas, doc_id, 0)
    canvas.select_regions(ids[:2])  # selected when the page is left
    show(qtbot, canvas, doc_id, 1)
    reads.clear()
    before = len(drawn)
    show(qtbot, canvas, doc_id, 0)
    assert reads == []  # kept: not read again
    assert len(drawn) == before  # nor drawn again
    assert canvas.selected_ids() == [] and not canvas.regions.layer.hidden
    assert len(canvas.regions_on_page()) == 400
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))

    # written by this process while another page is shown: read again
    show(qtbot, canvas, doc_id, 1)
    added = region_service.add_region(project, doc_id, 0, (100, 100, 300, 200), "title")
    reads.clear()
    show(qtbot, canvas, doc_id, 0)
    assert reads == [(doc_id, 0)]
    assert canvas.region_item(added.id) is not None
    assert len(canvas.regions_on_page()) == 401

    # written by another connection (another window, the CLI): read again
    show(qtbot, canvas, doc_id, 1)
    other = Project(project.db.path, user="lead1")  # type: ignore[arg-type]
    try:
        region_service.delete(other, added.id)
    finally:
        other.close()
    reads.clear()
    show(qtbot, canvas, doc_id, 0)
    assert reads == [(doc_id, 0)]
    assert canvas.region_item(added.id) is None
    assert len(canvas.regions_on_page()) == 400


def test_dragging_a_box_on_a_dense_page_moves_it_and_the_image_follows(
    qtbot, session: Session, project: Project, doc_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = grid(project, doc_id, 0, 400, cols=8)
    canvas = open_canvas(qtbot, session, doc_id)
    rid = ids[123]
    before = region_service.get(project, rid).box
    start = region_center(canvas, rid)
    drag(qtbot, canvas, start, start + QPoint(30, 20))
    qtbot.waitUntil(lambda: region_service.get(project, rid).box != before, timeout=5000)
    after = region_service.get(project, rid).box
    assert after.x0 > before.x0 and after.y0 > before.y0
    canvas.select_regions([])  # back into the layer, drawn where it now is
    qtbot.waitUntil(lambda: not canvas.regions.layer.hidden, timeout=5000)
    assert canvas.regions.layer.regions[rid].box == after
    assert_same_picture(pixels(canvas), painted_directly(canvas, monkeypatch))
