"""The PyMuPDF layout model (`pymupdf.layout`, ONNX on the CPU), wrapped for pre-labelling.

Runs inside a worker process (pdf.worker): importing pymupdf loads onnxruntime, and a page
takes one to several seconds of GIL-holding work, so no GUI thread may ever call it.

What the model gives and what we do with it:
- `BoxRFDGNN.predict(page, return_raw=True)` groups the page's text lines / images into
  blocks with one of 11 DocLayNet class names (text, title, picture, table, list-item,
  page-header, page-footer, section-header, footnote, caption, formula). It returns no
  score per block, only per input node (softmax probability of each node's own class);
  we keep those by wrapping the grouping function and define a block's confidence as
  `vote share x mean probability of the members that voted for the block's class`. A
  single-node block therefore has its softmax probability; a block whose lines disagree
  gets less. Pictures merged by the model's post-processing take the highest confidence
  of the pictures merged into them (the model itself would say 1.0).
- Its boxes are in the page's UNROTATED space (text extraction space) while its image
  features come from a rendering in the displayed space, which confuses it on rotated
  pages. So a rotated page is set to rotation 0 in memory first (the file is never
  written), and the boxes are mapped to the displayed space with the original page's
  `rotation_matrix` (DESIGN.md invariant 1), then clipped to `page.rect`.
- The table-grid extractor and the reading-order sorter are switched off: we need
  blocks, not cells or order, and the grid model alone can take seconds per table.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any, NamedTuple

from aal_desktop.pdf import engine

FEATURE_SET = "imf+rf"
MODEL_FILE = "layout_rf2.4.1+imf1"
MODEL_NAME = "pymupdf.layout"

_model: Any = None
_last_scores: list[dict[str, Any]] = []


class Detection(NamedTuple):
    """One block the model found: box in displayed points, its class name and confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    label: str
    confidence: float


def model_identity() -> tuple[str, str]:
    """(name, version) recorded with every pre-label; cheap (reads package metadata only),
    so the GUI process can show it without importing pymupdf."""
    try:
        pkg = importlib.metadata.version("pymupdf")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - always installed
        pkg = "unknown"
    return MODEL_NAME, f"{pkg}+{MODEL_FILE}"


def model_classes() -> list[str]:
    """The class names the model can emit (read from its config inside the worker)."""
    return list(_get_model().data_class_names)


def _group_scores(groups: list[dict[str, Any]], node_cls: Any, node_score: Any) -> None:
    for g in groups:
        idx = g.get("indicies") or []
        if not idx:
            continue
        cls = node_cls[idx]
        agree = cls == g["group_class"]
        n_agree = int(agree.sum())
        mean = float(node_score[idx][agree].mean()) if n_agree else 0.0
        g["aal_score"] = round(mean * n_agree / len(idx), 4)


def _install_score_hook(module: Any) -> None:
    """Wrap the model module's grouping step so each group keeps a confidence."""
    original = module.group_node_by_edge
    if getattr(original, "_aal_hook", False):
        return

    def grouped(
        node_cls: Any, node_score: Any, edge_matrix: Any, bboxes: Any, priority: Any
    ) -> list[dict[str, Any]]:
        groups = original(node_cls, node_score, edge_matrix, bboxes, priority)
        _group_scores(groups, node_cls, node_score)
        _last_scores[:] = [dict(g) for g in groups]
        return groups  # type: ignore[no-any-return]

    grouped._aal_hook = True  # type: ignore[attr-defined]
    module.group_node_by_edge = grouped


def _get_model() -> Any:
    """One model per worker process, loaded on first use (about 1.5 s)."""
    global _model
    if _model is None:
        from pymupdf.layout.onnx import BoxRFDGNN as module

        _install_score_hook(module)
        model = module.BoxRFDGNN(
            feature_set_name=FEATURE_SET, enable_inference_cache=False, use_sort=False
        )
        model.table_grid_extractor = None
        _model = model
    return _model


def _overlap(a: list[float], b: list[float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _confidence(group: dict[str, Any]) -> float:
    if "aal_score" in group:
        return float(group["aal_score"])
    # a synthetic group (merged pictures): best of the same-class groups it swallowed
    box = group["group_bbox"][:4]
    inside = [
        float(g["aal_score"])
        for g in _last_scores
        if "aal_score" in g
        and g["group_class"] == group.get("group_class")
        and _overlap(box, g["group_bbox"][:4]) > 0
    ]
    return max(inside) if inside else float(group.get("score", 0.0))


def raw_layout(pdf_path: str, page_number: int) -> list[tuple[float, float, float, float, str]]:
    """The bare model call on one page (unrotated boxes, no confidence): benchmark baseline."""
    pymupdf = engine.load()

    model = _get_model()
    with pymupdf.open(pdf_path) as doc:
        page = doc[page_number]
        if doc.is_pdf and page.rotation:
            page.set_rotation(0)
        return [tuple(r[:5]) for r in model.predict(page, do_sort=False)]  # type: ignore[misc]


def detect_layout(pdf_path: str | Path, page_number: int) -> list[Detection]:
    """Blocks on one page (0-based), boxes in the page's displayed space, best first."""
    pymupdf = engine.load()

    model = _get_model()
    with pymupdf.open(str(pdf_path)) as doc:
        page = doc[page_number]
        to_displayed = page.rotation_matrix
        shown = page.rect
        if doc.is_pdf and page.rotation:
            page.set_rotation(0)  # in memory only; see the module docstring
        _last_scores.clear()
        groups = model.predict(page, return_raw=True, do_sort=False) or []
        out: list[Detection] = []
        for g in groups:
            rect = (pymupdf.Rect(g["group_bbox"][:4]) * to_displayed) & shown
            if rect.is_empty:
                continue
            out.append(
                Detection(
                    round(rect.x0, 2),
                    round(rect.y0, 2),
                    round(rect.x1, 2),
                    round(rect.y1, 2),
                    str(g["class_name"]),
                    _confidence(g),
                )
            )
    out.sort(key=lambda d: (-d.confidence, d.y0, d.x0))
    return out
