"""One reviewed truth per object: which of a document's live regions a dataset version holds.

DESIGN.md: a version holds, for each document, exactly one set of regions: the adjudicated
set where several people annotated it (their own sets stay in the project for agreement,
never in a release), and no pending pre-label. The approval rule and the version cut both
ask this module, so what a lead may approve is exactly what a version can take.

Who annotated a document (as services/agreement counts it): the `annotator` of its live
regions, except pending pre-labels (nobody has confirmed them yet) and the adjudicated set,
whose reserved annotator is ADJUDICATED.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .records import Region

ADJUDICATED = "adjudicated"


def is_pending(r: Region) -> bool:
    """A model's proposal nobody has accepted or changed yet."""
    return r.origin == "model" and r.prelabel_state == "pending"


def counts_for_agreement(r: Region) -> bool:
    return not r.deleted and r.annotator != ADJUDICATED and not is_pending(r)


@dataclass(frozen=True)
class ReviewedSet:
    """A document's regions as a version takes them, and why some were left out."""

    document_id: int
    regions: list[Region]
    annotators: list[str]  # the people whose own regions count on the document
    pending: int  # pending pre-labels (never in a version)
    adjudicated: bool  # the regions are the adjudicated set

    @property
    def needs_adjudication(self) -> bool:
        """Several people annotated it and nobody has adjudicated: no truth to ship yet."""
        return len(self.annotators) >= 2 and not self.adjudicated

    def problem(self) -> str | None:
        """Why the document cannot be approved or go into a version (None: it can)."""
        parts = []
        if self.pending:
            n = self.pending
            parts.append(
                f"{n} pending pre-label{'s' if n != 1 else ''} "
                "(accept, change or delete them first)"
            )
        if self.needs_adjudication:
            parts.append(
                f"annotated by {len(self.annotators)} people "
                f"({', '.join(self.annotators)}) with no adjudicated set "
                f"(run `aal adjudicate {self.document_id}` first)"
            )
        return "; ".join(parts) or None


def reviewed_set(document_id: int, regions: Iterable[Region]) -> ReviewedSet:
    """The one set of the document's live regions a version takes: the adjudicated set when
    there is one, else the people's regions; pending pre-labels never."""
    live = [r for r in regions if r.document_id == document_id and not r.deleted]
    decided = [r for r in live if r.annotator == ADJUDICATED]
    own = [r for r in live if counts_for_agreement(r)]
    people = sorted({r.annotator for r in own})
    pending = sum(1 for r in live if is_pending(r))
    if decided:
        return ReviewedSet(document_id, decided, people, pending, True)
    return ReviewedSet(document_id, own, people, pending, False)
