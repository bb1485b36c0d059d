"""Document-level train/val/test splits, deterministic from a seed. Pure.

Why per document: DocLayNet measured that page-level splits (pages of one document in
train and test) inflate mAP by about 10 points, so a split is a property of a document and
its pages can never land in two splits by construction.

Why a hash and not a shuffle: a document's split depends only on (seed, its SHA-256), so
adding documents to a later version never moves the ones already there, and the same seed
gives the same split on any machine. With few documents the shares only approximate the
ratios (each document is one draw).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence

from .errors import ValidationFailed

SPLITS: tuple[str, str, str] = ("train", "val", "test")
Ratios = tuple[float, float, float]
DEFAULT_RATIOS: Ratios = (0.8, 0.1, 0.1)


def normalize_ratios(ratios: Sequence[float]) -> Ratios:
    """Three non-negative numbers (fractions or percentages) scaled to sum to 1."""
    if len(ratios) != 3:
        raise ValidationFailed(
            f"a split needs three ratios (train, val, test), got {len(ratios)}: {list(ratios)}"
        )
    values = [float(r) for r in ratios]
    if any(math.isnan(v) or math.isinf(v) or v < 0 for v in values):
        raise ValidationFailed(f"split ratios must be non-negative numbers, got {values}")
    total = sum(values)
    if total <= 0:
        raise ValidationFailed("split ratios must not all be zero")
    train, val, test = (v / total for v in values)
    return (round(train, 6), round(val, 6), round(test, 6))


def parse_ratios(spec: str) -> Ratios:
    """'80,10,10' (or '0.8,0.1,0.1', or '8/1/1') → (0.8, 0.1, 0.1)."""
    parts = [p for p in spec.replace("/", ",").replace(":", ",").split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValidationFailed(
            f"'{spec}' is not a split like 80,10,10 (train, val, test)"
        ) from None
    return normalize_ratios(values)


def draw(seed: int, sha256: str) -> float:
    """The document's uniform draw in [0, 1) for this seed."""
    digest = hashlib.sha256(f"aal-split:{int(seed)}:{sha256.lower()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def split_for(sha256: str, seed: int, ratios: Sequence[float] = DEFAULT_RATIOS) -> str:
    """The split a document falls in for this seed and these ratios."""
    train, val, _ = normalize_ratios(ratios)
    u = draw(seed, sha256)
    if u < train:
        return "train"
    if u < train + val:
        return "val"
    # a zero test share must never receive a document through rounding
    return "test" if normalize_ratios(ratios)[2] > 0 else ("val" if val > 0 else "train")


def assign(
    documents: Iterable[tuple[int, str]],
    seed: int,
    ratios: Sequence[float] = DEFAULT_RATIOS,
    previous: Mapping[int, str] | None = None,
    resplit: bool = False,
) -> dict[int, str]:
    """Split for each (document id, SHA-256): a document keeps its split from `previous`
    (the parent version) unless `resplit`; new documents are drawn from the hash."""
    kept = {} if resplit or previous is None else dict(previous)
    out: dict[int, str] = {}
    for doc_id, sha in documents:
        old = kept.get(doc_id)
        out[doc_id] = old if old in SPLITS else split_for(sha, seed, ratios)
    return out


def counts(assignment: Mapping[int, str]) -> dict[str, int]:
    """Documents per split, every split present."""
    out = dict.fromkeys(SPLITS, 0)
    for split in assignment.values():
        out[split] += 1
    return out
