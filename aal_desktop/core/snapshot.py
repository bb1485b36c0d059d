"""A member document of a frozen dataset version (the one value the changelog, the
version service and every release writer share), and the provenance every exported
region carries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .records import Document, PageRecord, Region
from .reviewed import ADJUDICATED
from .wording import plural


@dataclass(frozen=True)
class SnapshotDocument:
    """One document of a version: its record as of the cut, its split, its pages
    (displayed size) and, for a release, the managed copy of its PDF."""

    document: Document
    split: str
    pages: list[PageRecord] = field(default_factory=list)
    pdf_path: Path | None = None

    @property
    def id(self) -> int:
        return self.document.id

    @property
    def sha256(self) -> str:
        return self.document.sha256

    @property
    def filename(self) -> str:
        return self.document.filename


Origin = Literal["human", "model", "import"]
Confirmation = Literal["drawn", "accepted", "corrected", "adjudicated", "imported"]


@dataclass(frozen=True)
class Provenance:
    """Where an exported region came from and how a person confirmed it (BRIEF: "Region
    provenance in exports"): a consumer tells a person's box from an accepted proposal.

    `origin_detail` is "name@version" for a model's proposal, "format:sha256:foreign_id"
    for an imported box (the importer keeps the format in `model_name` and
    "sha256:foreign_id" in `model_version`), None for a person's box. `annotator` is who
    drew or confirmed it (for an adjudicated box: the lead who chose it)."""

    origin: Origin
    origin_detail: str | None
    confirmation: Confirmation
    annotator: str

    def to_json(self) -> dict[str, str | None]:
        return {
            "origin": self.origin,
            "origin_detail": self.origin_detail,
            "confirmation": self.confirmation,
            "annotator": self.annotator,
        }


def provenance_of(region: Region) -> Provenance:
    """The provenance of a region that went into a version (never a pending proposal)."""
    if region.annotator == ADJUDICATED:
        return Provenance("human", None, "adjudicated", region.created_by)
    changed = region.prelabel_state == "touched"
    if region.origin == "model":
        detail = (
            f"{region.model_name}@{region.model_version}"
            if region.model_version
            else region.model_name
        )
        return Provenance("model", detail, "corrected" if changed else "accepted", region.annotator)
    if region.origin == "import":
        detail = ":".join(p for p in (region.model_name, region.model_version) if p) or None
        return Provenance(
            "import", detail, "corrected" if changed else "imported", region.annotator
        )
    return Provenance("human", None, "drawn", region.annotator)


@dataclass(frozen=True)
class ProvenanceSummary:
    """How a version's regions were made, counted once for the card, datasheet and
    Croissant: a model's box accepted unchanged is credited to the model, not a person."""

    confirmations: dict[str, int]  # confirmation -> regions
    credits: dict[str, int]  # "ann" / "model layout@2" / "import coco:…" -> regions
    people: dict[str, int]  # person -> regions they drew, corrected or adjudicated
    models: list[str]  # "name@version" of every model whose proposals are in the version

    def sentence(self) -> str:
        """The counts in plain English, e.g. "3 drawn by people, 2 model proposals
        accepted unchanged"."""
        words = {
            "drawn": "drawn by people",
            "accepted": "model proposals accepted unchanged",
            "corrected": "proposals or imports corrected by people",
            "adjudicated": "chosen in adjudication",
            "imported": "imported as given",
        }
        parts = [f"{n} {words[k]}" for k, n in self.confirmations.items() if n]
        return ", ".join(parts) or "no regions"


def credit_of(region: Region) -> str:
    """Whom a region's counts go to: the person who drew, corrected or adjudicated it, or
    the model / import file whose box was taken unchanged ("model layout@2")."""
    p = provenance_of(region)
    if p.confirmation in ("accepted", "imported"):
        return f"{p.origin} {p.origin_detail or '?'}"
    return p.annotator


def summarize(regions: Iterable[Region]) -> ProvenanceSummary:
    confirmations: Counter[str] = Counter()
    credits: Counter[str] = Counter()
    people: Counter[str] = Counter()
    models: set[str] = set()
    for r in regions:
        p = provenance_of(r)
        confirmations[p.confirmation] += 1
        if p.origin == "model" and p.origin_detail:
            models.add(p.origin_detail)
        credits[credit_of(r)] += 1
        if p.confirmation not in ("accepted", "imported"):
            people[p.annotator] += 1
    order = ("drawn", "accepted", "corrected", "adjudicated", "imported")
    return ProvenanceSummary(
        {k: confirmations[k] for k in order if confirmations[k]},
        dict(credits.most_common()),
        dict(people.most_common()),
        sorted(models),
    )


@dataclass(frozen=True)
class AnnotationCoverage:
    """How many people annotated each document of a version, recorded at the cut (the
    people's own sets are not frozen; only the adjudicated set went in)."""

    single: int  # documents one person annotated
    adjudicated: int  # documents several people annotated, adjudicated set shipped
    unannotated: int  # documents without a region
    max_annotators: int

    def to_json(self) -> dict[str, int]:
        return {
            "single": self.single,
            "adjudicated": self.adjudicated,
            "unannotated": self.unannotated,
            "max_annotators": self.max_annotators,
        }

    @classmethod
    def from_json(cls, value: object) -> AnnotationCoverage | None:
        if not isinstance(value, dict):
            return None
        return cls(
            int(value.get("single", 0)),
            int(value.get("adjudicated", 0)),
            int(value.get("unannotated", 0)),
            int(value.get("max_annotators", 0)),
        )

    def sentence(self) -> str:
        parts = []
        if self.single:
            parts.append(f"{plural(self.single, 'document')} annotated by one person")
        if self.adjudicated:
            parts.append(
                f"{plural(self.adjudicated, 'document')} "
                f"annotated independently by up to {self.max_annotators} people and "
                "adjudicated by a lead (only the adjudicated set is included)"
            )
        if self.unannotated:
            parts.append(f"{plural(self.unannotated, 'document')} without regions")
        return "; ".join(parts) or "no documents"
