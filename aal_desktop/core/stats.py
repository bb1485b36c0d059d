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
    ("min", 0.0),
    ("p10", 0.1),
    ("p25", 0.25),
    ("p50", 0.5),
    ("p75", 0.75),
    ("p90", 0.9),
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


@dataclass(frozen=True)
class Histogram:
    """Counts per fixed bin: bin i holds [edges[i], edges[i+1]), the last is open-ended."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"edges": list(self.edges), "counts": list(self.counts)}


@dataclass(frozen=True)
class Distribution:
    """Quantiles (the names of QUANTILES), mean and a fixed-edge histogram of some sizes."""

    min: float
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    max: float
    mean: float
    histogram: Histogram

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name, _ in QUANTILES}
        out["mean"] = self.mean
        out["histogram"] = self.histogram.to_json()
        return out


@dataclass(frozen=True)
class BoxSizes:
    width: Distribution
    height: Distribution
    area: Distribution

    def to_json(self) -> dict[str, Any]:
        return {
            "width": self.width.to_json(),
            "height": self.height.to_json(),
            "area": self.area.to_json(),
        }


@dataclass(frozen=True)
class Summary:
    """Documents, pages, regions, per class / source / annotator, and box sizes."""

    documents: int
    pages: int
    regions: int
    classes: dict[str, int]
    sources: dict[str, int]
    annotators: dict[str, int]
    box: BoxSizes

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pages": self.pages,
            "regions": self.regions,
            "classes": dict(self.classes),
            "sources": dict(self.sources),
            "annotators": dict(self.annotators),
            "box": self.box.to_json(),
        }


@dataclass(frozen=True)
class Stats:
    """Totals plus the same figures per group (splits of a version, statuses of a project)."""

    totals: Summary
    groups: dict[str, Summary]
    group_key: str = "splits"

    def to_json(self) -> dict[str, Any]:
        return {
            "totals": self.totals.to_json(),
            self.group_key: {g: v.to_json() for g, v in self.groups.items()},
        }


@dataclass(frozen=True)
class SplitChange:
    documents: int
    pages: int
    regions: int
    classes: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pages": self.pages,
            "regions": self.regions,
            "classes": dict(self.classes),
        }


@dataclass(frozen=True)
class StatsChange:
    """What moved from a parent version's statistics to its child's (non-zero deltas)."""

    documents: int
    pages: int
    regions: int
    classes: dict[str, int]
    sources: dict[str, int]
    annotators: dict[str, int]
    splits: dict[str, SplitChange]

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pages": self.pages,
            "regions": self.regions,
            "classes": dict(self.classes),
            "sources": dict(self.sources),
            "annotators": dict(self.annotators),
            "splits": {k: v.to_json() for k, v in self.splits.items()},
        }


@dataclass(frozen=True)
class VersionStats:
    """A dataset version's statistics as stored at its cut: figures per split and what
    moved since its parent (None for a first version)."""

    stats: Stats
    change: StatsChange | None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.stats.to_json(),
            "change": None if self.change is None else self.change.to_json(),
        }


@dataclass(frozen=True)
class ProjectStats:
    """Live figures of a project per document status, with the LABEL schema version they
    are counted under (`schema_version` in `aal stats --json`)."""

    stats: Stats
    schema_version: int

    def to_json(self) -> dict[str, Any]:
        return {**self.stats.to_json(), "schema_version": self.schema_version}


def histogram(values: Iterable[float], edges: Sequence[float]) -> Histogram:
    counts = [0] * len(edges)
    for v in values:
        i = len(edges) - 1
        while i > 0 and v < edges[i]:
            i -= 1
        counts[i] += 1
    return Histogram(tuple(edges), tuple(counts))


def distribution(values: Sequence[float], edges: Sequence[float]) -> Distribution:
    """Quantiles, mean and a fixed-edge histogram of some sizes (points or points²)."""
    ordered = sorted(values)
    q = {name: round(quantile(ordered, at), 2) for name, at in QUANTILES}
    return Distribution(
        min=q["min"],
        p10=q["p10"],
        p25=q["p25"],
        p50=q["p50"],
        p75=q["p75"],
        p90=q["p90"],
        max=q["max"],
        mean=round(sum(ordered) / len(ordered), 2) if ordered else 0.0,
        histogram=histogram(ordered, edges),
    )


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return {k: counter[k] for k in sorted(counter)}


def summarize(documents: Sequence[StatsDocument], regions: Iterable[Region]) -> Summary:
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
    return Summary(
        documents=len(documents),
        pages=sum(d.pages for d in documents),
        regions=len(widths),
        classes=_sorted_counts(classes),
        sources=_sorted_counts(sources),
        annotators=_sorted_counts(annotators),
        box=BoxSizes(
            distribution(widths, SIDE_EDGES),
            distribution(heights, SIDE_EDGES),
            distribution(areas, AREA_EDGES),
        ),
    )


def compute(
    documents: Sequence[StatsDocument],
    regions: Sequence[Region],
    groups: Sequence[str],
    group_key: str = "splits",
) -> Stats:
    """Totals plus the same figures per group (every group listed, even when empty)."""
    by_doc: dict[int, list[Region]] = {}
    for r in regions:
        by_doc.setdefault(r.document_id, []).append(r)
    per: dict[str, Summary] = {}
    names = list(groups) + sorted({d.group for d in documents} - set(groups))
    for g in names:
        docs = [d for d in documents if d.group == g]
        per[g] = summarize(docs, [r for d in docs for r in by_doc.get(d.id, [])])
    return Stats(summarize(documents, regions), per, group_key)


def _delta(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, int]:
    keys = sorted(set(before) | set(after))
    return {
        k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)
    }


def _as_json(value: Stats | Mapping[str, Any]) -> Mapping[str, Any]:
    return value.to_json() if isinstance(value, Stats) else value


def change(
    parent: Stats | Mapping[str, Any] | None, child: Stats | Mapping[str, Any]
) -> StatsChange | None:
    """What moved from the parent's statistics to the child's (None without a parent).

    Either side may be the stored JSON of a version cut by an earlier release of the app.
    """
    if not parent:
        return None
    p, c = _as_json(parent), _as_json(child)
    a, b = p.get("totals", {}), c.get("totals", {})
    splits: dict[str, SplitChange] = {}
    for s in sorted(set(p.get("splits", {})) | set(c.get("splits", {}))):
        pa = p.get("splits", {}).get(s, {})
        ch = c.get("splits", {}).get(s, {})
        splits[s] = SplitChange(
            documents=ch.get("documents", 0) - pa.get("documents", 0),
            pages=ch.get("pages", 0) - pa.get("pages", 0),
            regions=ch.get("regions", 0) - pa.get("regions", 0),
            classes=_delta(pa.get("classes", {}), ch.get("classes", {})),
        )
    return StatsChange(
        documents=b.get("documents", 0) - a.get("documents", 0),
        pages=b.get("pages", 0) - a.get("pages", 0),
        regions=b.get("regions", 0) - a.get("regions", 0),
        classes=_delta(a.get("classes", {}), b.get("classes", {})),
        sources=_delta(a.get("sources", {}), b.get("sources", {})),
        annotators=_delta(a.get("annotators", {}), b.get("annotators", {})),
        splits=splits,
    )
