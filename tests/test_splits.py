"""Document-level splits: deterministic from a seed, stable across versions (core.splits)."""

from __future__ import annotations

import hashlib

import pytest

from aal_desktop.core import splits
from aal_desktop.core.errors import ValidationFailed


def shas(n: int, salt: str = "", first_id: int = 0) -> list[tuple[int, str]]:
    return [(first_id + i, hashlib.sha256(f"{salt}doc{i}".encode()).hexdigest()) for i in range(n)]


def test_same_seed_gives_the_same_split_and_another_seed_another() -> None:
    docs = shas(200)
    a = splits.assign(docs, seed=7, ratios=(0.8, 0.1, 0.1))
    b = splits.assign(list(reversed(docs)), seed=7, ratios=(0.8, 0.1, 0.1))
    assert a == b  # order of input does not matter either
    c = splits.assign(docs, seed=8, ratios=(0.8, 0.1, 0.1))
    assert sum(a[i] != c[i] for i, _ in docs) > 20


def test_shares_follow_the_ratios_on_many_documents() -> None:
    got = splits.counts(splits.assign(shas(5000), seed=0, ratios=(0.7, 0.2, 0.1)))
    assert abs(got["train"] / 5000 - 0.7) < 0.03
    assert abs(got["val"] / 5000 - 0.2) < 0.03
    assert abs(got["test"] / 5000 - 0.1) < 0.03


def test_a_zero_share_receives_no_document() -> None:
    got = splits.counts(splits.assign(shas(500), seed=3, ratios=(1, 1, 0)))
    assert got["test"] == 0 and got["train"] > 0 and got["val"] > 0
    assert splits.counts(splits.assign(shas(50), seed=3, ratios=(1, 0, 0))) == {
        "train": 50,
        "val": 0,
        "test": 0,
    }


def test_a_document_keeps_its_parent_split_unless_resplit() -> None:
    docs = shas(100)
    parent = {i: "test" for i, _ in docs[:50]}  # as if a previous version had put them there
    kept = splits.assign(docs, seed=1, previous=parent)
    assert all(kept[i] == "test" for i in parent)
    fresh = splits.assign(docs, seed=1, previous=parent, resplit=True)
    assert fresh == splits.assign(docs, seed=1)
    assert sum(fresh[i] != "test" for i in parent) > 20


def test_adding_documents_never_moves_existing_ones() -> None:
    before = splits.assign(shas(100), seed=5)
    after = splits.assign(shas(100) + shas(300, "new", first_id=1000), seed=5)
    assert all(after[i] == s for i, s in before.items())


def test_ratios_parse_as_percentages_or_fractions_and_refuse_nonsense() -> None:
    assert splits.parse_ratios("80,10,10") == (0.8, 0.1, 0.1)
    assert splits.parse_ratios("0.6,0.2,0.2") == (0.6, 0.2, 0.2)
    assert splits.parse_ratios("8/1/1") == (0.8, 0.1, 0.1)
    for bad in ("80,20", "a,b,c", "0,0,0", "-1,1,1", "80,10,10,0"):
        with pytest.raises(ValidationFailed):
            splits.parse_ratios(bad)
