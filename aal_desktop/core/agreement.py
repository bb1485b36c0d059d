"""Inter-annotator agreement on layout boxes: pure functions, no database.

Two annotators' boxes on one page are matched one-to-one on geometry alone (class-blind)
with the Hungarian algorithm (scipy's linear_sum_assignment). A pair counts when its IoU
is at least the threshold; pairs below it cost more than any valid pair, so the
assignment first maximises the number of valid pairs and then their total IoU (a greedy
"best IoU first" matching can lose a pair that the optimum keeps).

Scores, with annotator A as reference and B as the other (F1 is symmetric):
- per class c: TP = matched pairs labelled c by both; FP = B's boxes of class c that are
  not a TP (unmatched, or matched to an A box of another class); FN = A's boxes of class
  c that are not a TP. precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN);
  a ratio whose denominator is 0 is None (undefined), not 0 or 1.
- micro F1 pools TP/FP/FN over classes; macro F1 averages the defined per-class F1.
- Cohen's kappa on the class labels of the matched pairs: (po - pe) / (1 - pe).
  Convention: when pe = 1 (both annotators used one and the same class for every
  matched pair, so po = 1 too) kappa is 1.0, perfect agreement, rather than 0/0.
  With no matched pair kappa is None.
- unmatched counts: boxes of A (of B) with no partner, in total and per class.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from .geometry import Box, iou

_INVALID = 1e6


@dataclass(frozen=True)
class Labelled:
    """One annotator's box: an id to report back (region UUID), the box and its class."""

    id: str
    box: Box
    label: str


@dataclass(frozen=True)
class Pair:
    a: Labelled
    b: Labelled
    iou: float

    @property
    def agrees(self) -> bool:
        return self.a.label == self.b.label


@dataclass
class PageMatch:
    pairs: list[Pair] = field(default_factory=list)
    unmatched_a: list[Labelled] = field(default_factory=list)
    unmatched_b: list[Labelled] = field(default_factory=list)


def match(a: Sequence[Labelled], b: Sequence[Labelled], threshold: float = 0.5) -> PageMatch:
    """One-to-one Hungarian matching of two annotators' boxes on one page."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"IoU threshold must be in (0, 1], not {threshold}")
    if not a or not b:
        return PageMatch([], list(a), list(b))
    ious = np.array([[iou(x.box, y.box) for y in b] for x in a], dtype=float)
    cost = np.where(ious >= threshold, 1.0 - ious, _INVALID)
    rows, cols = linear_sum_assignment(cost)
    pairs: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if ious[i, j] >= threshold:
            pairs.append(Pair(a[i], b[j], float(ious[i, j])))
            used_a.add(i)
            used_b.add(j)
    return PageMatch(
        pairs,
        [x for i, x in enumerate(a) if i not in used_a],
        [y for j, y in enumerate(b) if j not in used_b],
    )


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class ClassScore:
    key: str
    tp: int
    fp: int
    fn: int
    count_a: int
    count_b: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass
class AgreementScores:
    pairs: int
    agreeing_pairs: int
    unmatched_a: int
    unmatched_b: int
    per_class: dict[str, ClassScore]
    micro_f1: float | None
    macro_f1: float | None
    kappa: float | None
    observed_agreement: float | None
    expected_agreement: float | None
    unmatched_a_by_class: dict[str, int]
    unmatched_b_by_class: dict[str, int]


def cohen_kappa(
    labels: Sequence[tuple[str, str]],
) -> tuple[float | None, float | None, float | None]:
    """(kappa, po, pe) for paired labels; see the module docstring for the pe = 1 case."""
    n = len(labels)
    if n == 0:
        return None, None, None
    po = sum(1 for x, y in labels if x == y) / n
    ca = Counter(x for x, _ in labels)
    cb = Counter(y for _, y in labels)
    pe = sum(ca[c] * cb[c] for c in ca) / (n * n)
    if pe >= 1.0 - 1e-12:
        return 1.0, po, pe
    return (po - pe) / (1.0 - pe), po, pe


def score(pages: Iterable[PageMatch]) -> AgreementScores:
    """Pool the matches of many pages into per-class P/R/F1, kappa and unmatched counts."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    count_a: Counter[str] = Counter()
    count_b: Counter[str] = Counter()
    un_a: Counter[str] = Counter()
    un_b: Counter[str] = Counter()
    labels: list[tuple[str, str]] = []
    for pm in pages:
        for p in pm.pairs:
            labels.append((p.a.label, p.b.label))
            count_a[p.a.label] += 1
            count_b[p.b.label] += 1
            if p.agrees:
                tp[p.a.label] += 1
            else:
                fn[p.a.label] += 1
                fp[p.b.label] += 1
        for x in pm.unmatched_a:
            count_a[x.label] += 1
            un_a[x.label] += 1
            fn[x.label] += 1
        for y in pm.unmatched_b:
            count_b[y.label] += 1
            un_b[y.label] += 1
            fp[y.label] += 1
    per_class: dict[str, ClassScore] = {}
    for c in sorted(set(count_a) | set(count_b)):
        t, f_p, f_n = tp[c], fp[c], fn[c]
        per_class[c] = ClassScore(
            c,
            t,
            f_p,
            f_n,
            count_a[c],
            count_b[c],
            _ratio(t, t + f_p),
            _ratio(t, t + f_n),
            _ratio(2 * t, 2 * t + f_p + f_n),
        )
    t_all, fp_all, fn_all = sum(tp.values()), sum(fp.values()), sum(fn.values())
    f1s = [s.f1 for s in per_class.values() if s.f1 is not None]
    kappa, po, pe = cohen_kappa(labels)
    return AgreementScores(
        pairs=len(labels),
        agreeing_pairs=sum(tp.values()),
        unmatched_a=sum(un_a.values()),
        unmatched_b=sum(un_b.values()),
        per_class=per_class,
        micro_f1=_ratio(2 * t_all, 2 * t_all + fp_all + fn_all),
        macro_f1=sum(f1s) / len(f1s) if f1s else None,
        kappa=kappa,
        observed_agreement=po,
        expected_agreement=pe,
        unmatched_a_by_class=dict(sorted(un_a.items())),
        unmatched_b_by_class=dict(sorted(un_b.items())),
    )


def merged_box(a: Box, b: Box) -> Box:
    """The average of two boxes: what adjudication's "merge" keeps."""
    return Box((a.x0 + b.x0) / 2, (a.y0 + b.y0) / 2, (a.x1 + b.x1) / 2, (a.y1 + b.y1) / 2)
