"""Counts and distributions of a set of documents and regions, per split (or status). Pure.

Why fixed histogram edges: a box-size histogram is compared across versions (before/after,
train/test); bins that moved with the data could not be compared. Sizes are in PDF points
(1/72 inch), independent of any export resolution.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .records import Region

QUANTILES: tuple[tuple[str, float], ...] = (
    ("min", 0.0), ("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9),
    ("max", 1.0),
)
# bin i holds [edges[i], edges[i+1]); the last bin is [edges[-1], infinity)
SIDE_EDGES: tuple[float, ...] = (0, 10, 25, 50, 100, 200, 400, 800)
AREA_EDGES: tuple[float, ...] = (0, 100, 1_000, 10_000, 100_000, 1_000_000)


@dataclass(frozen=True)
class StatsDocument:
    """A document as statistics see it: its group (split or status) and page count."""

    id: int
    group: str
    pages: int


def source_of(region: Region) -> str:
    """'human', or the model that proposed the region (name and version when known)."""
    if region.origin == "human":
        return "human"
    name = region.model_name or "model"
    return f"{name} {region.model_version}" if region.model_version else name


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on sorted input."""
    n = len(sorted_values)
    if n == 0:
        return 0.0
    pos = (n - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def histogram(values: Iterable[float], edges: Sequence[float]) -> dict[str, Any]:
    counts = [0] * len(edges)
    for v in values:
        i = len(edges) - 1
        while i > 0 and v < edges[i]:
            i -= 1
        counts[i] += 1
    return {"edges": list(edges), "counts": counts}


def distribution(values: Sequence[float], edges: Sequence[float]) -> dict[str, Any]:
    """Quantiles, mean and a fixed-edge histogram of some sizes (points or points²)."""
    ordered = sorted(values)
    out: dict[str, Any] = {name: round(quantile(ordered, q), 2) for name, q in QUANTILES}
    out["mean"] = round(sum(ordered) / len(ordered), 2) if ordered else 0.0
    out["histogram"] = histogram(ordered, edges)
    return out


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return {k: counter[k] for k in sorted(counter)}


def summarize(documents: Sequence[StatsDocument], regions: Iterable[Region]) -> dict[str, Any]:
    """Documents, pages, regions, per class / source / annotator, and box sizes."""
    doc_ids = {d.id for d in documents}
    classes: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    annotators: Counter[str] = Counter()
    widths: list[float] = []
    heights: list[float] = []
    areas: list[float] = []
    for r in regions:
        if r.document_id not in doc_ids:
            continue
        classes[r.class_key] += 1
        sources[source_of(r)] += 1
        annotators[r.annotator] += 1
        w, h = r.box.x1 - r.box.x0, r.box.y1 - r.box.y0
        widths.append(w)
        heights.append(h)
        areas.append(w * h)
    return {
        "documents": len(documents),
        "pages": sum(d.pages for d in documents),
        "regions": len(widths),
        "classes": _sorted_counts(classes),
        "sources": _sorted_counts(sources),
        "annotators": _sorted_counts(annotators),
        "box": {
            "width": distribution(widths, SIDE_EDGES),
            "height": distribution(heights, SIDE_EDGES),
            "area": distribution(areas, AREA_EDGES),
        },
    }


def compute(documents: Sequence[StatsDocument], regions: Sequence[Region],
            groups: Sequence[str], group_key: str = "splits") -> dict[str, Any]:
    """Totals plus the same figures per group (every group listed, even when empty)."""
    by_doc: dict[int, list[Region]] = {}
    for r in regions:
        by_doc.setdefault(r.document_id, []).append(r)
    out = {"totals": summarize(documents, regions)}
    per: dict[str, Any] = {}
    names = list(groups) + sorted({d.group for d in documents} - set(groups))
    for g in names:
        docs = [d for d in documents if d.group == g]
        per[g] = summarize(docs, [r for d in docs for r in by_doc.get(d.id, [])])
    out[group_key] = per
    return out


def _delta(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    keys = sorted(set(before) | set(after))
    return {k: after.get(k, 0) - before.get(k, 0) for k in keys
            if after.get(k, 0) != before.get(k, 0)}


def change(parent: Mapping[str, Any] | None, child: Mapping[str, Any]) -> dict[str, Any] | None:
    """What moved from the parent's statistics to the child's (None without a parent)."""
    if not parent:
        return None
    a, b = parent.get("totals", {}), child.get("totals", {})
    out: dict[str, Any] = {
        k: b.get(k, 0) - a.get(k, 0) for k in ("documents", "pages", "regions")}
    out["classes"] = _delta(a.get("classes", {}), b.get("classes", {}))
    out["sources"] = _delta(a.get("sources", {}), b.get("sources", {}))
    out["annotators"] = _delta(a.get("annotators", {}), b.get("annotators", {}))
    splits: dict[str, Any] = {}
    for s in sorted(set(parent.get("splits", {})) | set(child.get("splits", {}))):
        pa = parent.get("splits", {}).get(s, {})
        ch = child.get("splits", {}).get(s, {})
        splits[s] = {k: ch.get(k, 0) - pa.get(k, 0) for k in ("documents", "pages", "regions")}
        splits[s]["classes"] = _delta(pa.get("classes", {}), ch.get("classes", {}))
    out["splits"] = splits
    return out
