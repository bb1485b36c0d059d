"""`croissant.json`: Croissant 1.1 JSON-LD, so dataset catalogues and loaders understand a release.

Written with plain `json` (mlcroissant is only a test dependency). Notes that shaped this
(STACK-NOTES): every FileObject carries a `sha256`; `version` is SemVer; `references` uses
the long form `{"field": {"@id": ...}}` (the short form crashes mlcroissant); RAI fields are
filled from the records where we have them and left out where we do not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.wording import plural
from .manifest import hash_file
from .snapshot import ReleaseSnapshot

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "prov": "http://www.w3.org/ns/prov#",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

ENCODINGS = {
    ".json": "application/json",
    ".jsonl": "application/jsonlines",
    ".md": "text/markdown",
    ".svg": "image/svg+xml",
    ".yaml": "application/yaml",
    ".parquet": "application/x-parquet",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".txt": "text/plain",
}
# single files described as FileObjects (with their SHA-256), when present
SINGLE_FILES = (
    "README.md",
    "datasheet.md",
    "CHANGELOG.md",
    "changes.jsonl",
    "schema.json",
    "stats.json",
    "stats_chart.svg",
    "data.yaml",
)

# region columns described as Croissant fields: column -> (dataType, description)
REGION_FIELDS: dict[str, tuple[str | list[str], str]] = {
    "region_id": ("sc:Text", "Stable UUID of the region; survives corrections and releases."),
    "document_sha256": ("sc:Text", "SHA-256 of the source PDF."),
    "page": ("sc:Integer", "Page number, 1-based."),
    "image": ("sc:Text", "Path of the page image in this release."),
    "box_pt": ("sc:Float", "Box [x0, y0, x1, y1] in PDF points, displayed page space."),
    "box_px": ("sc:Float", "Box [x0, y0, x1, y1] in pixels of the page image."),
    "class_name": ("sc:Text", "Class name as shown to annotators."),
    "attributes": ("sc:Text", "Class attributes as a JSON object."),
    "text": ("sc:Text", "Text of the PDF under the box, when it has a text layer."),
    "origin": ("sc:Text", "'human', 'model' (a pre-label a person confirmed) or 'import'."),
    "origin_detail": (
        "sc:Text",
        "The model as name@version, or format:sha256:foreign_id "
        "for an imported box; empty for a person's box.",
    ),
    "confirmation": (
        "sc:Text",
        "drawn, accepted (a proposal unchanged), corrected, adjudicated or imported.",
    ),
    "annotator": ("sc:Text", "Who drew or confirmed the region."),
    "schema_version": ("sc:Integer", "Label schema version the region was made under."),
}


def _file_object(root: Path, rel: str, description: str) -> dict[str, Any]:
    size, digest = hash_file(root / rel)
    return {
        "@type": "cr:FileObject",
        "@id": rel,
        "name": rel,
        "description": description,
        "contentUrl": rel,
        "contentSize": f"{size} B",
        "encodingFormat": ENCODINGS.get(Path(rel).suffix, "application/octet-stream"),
        "sha256": digest,
    }


def _file_set(id_: str, includes: str, encoding: str, description: str) -> dict[str, Any]:
    return {
        "@type": "cr:FileSet",
        "@id": id_,
        "name": id_,
        "description": description,
        "encodingFormat": encoding,
        "includes": includes,
    }


def _licence(snapshot: ReleaseSnapshot) -> str:
    licences = {d.document.license for d in snapshot.documents if d.document.license}
    if len(licences) == 1 and all(d.document.license for d in snapshot.documents):
        return next(iter(licences))
    return "Mixed or unrecorded per-document licences: see README.md (document_license column)."


def _rai(snapshot: ReleaseSnapshot) -> dict[str, Any]:
    regions = snapshot.all_regions  # streamed: a large version is never one list
    times = sorted(r.created_at for r in regions if r.created_at)
    made = snapshot.provenance_summary()
    coverage = snapshot.coverage()
    tools = made.models
    rai: dict[str, Any] = {
        "rai:dataCollection": (
            "PDF documents imported into AAL Desktop (each kept by SHA-256); page regions "
            f"{made.sentence()}; every change recorded in an append-only event log. Every "
            "region carries origin, origin_detail, confirmation and annotator."
        ),
        "rai:dataCollectionType": ["Manual Human Curation"],
        "rai:dataAnnotationProtocol": (
            f"Label schema version {snapshot.schema_version} ({snapshot.schema.name}), "
            f"annotation guideline version {snapshot.guideline_version or 'unrecorded'}."
        ),
        "rai:dataAnnotationPlatform": [f"AAL Desktop {__version__}"],
        "rai:annotationsPerItem": (
            "One region per object"
            + (f"; {coverage.sentence()}" if coverage else "")
            + f". Documents enter a version only with status {', '.join(snapshot.statuses)}, "
            "and no unreviewed model proposal is included."
        ),
        "rai:dataReleaseMaintenancePlan": (
            "Releases are immutable, dated folders; corrections come as new versions with a "
            "changelog (CHANGELOG.md, changes.jsonl), and withdrawn versions are retired, "
            "never rewritten. Each manifest names the previous release's manifest SHA-256."
        ),
        "rai:dataManipulationProtocol": (
            "Boxes are stored in PDF points and scaled to pixels at the release's resolution; "
            "page images are rendered from the PDFs with PyMuPDF."
        ),
    }
    agreement = snapshot.stats.get("agreement") if isinstance(snapshot.stats, dict) else None
    if agreement is not None:
        rai["rai:dataAnnotationAnalysis"] = f"Inter-annotator agreement: {agreement}"
    if tools:
        rai["rai:machineAnnotationTools"] = tools
    if times:
        rai["rai:dataCollectionTimeFrame"] = [times[0], times[-1]]
    return rai


def _splits_record_set(snapshot: ReleaseSnapshot) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "description": "Document-level splits: all pages of a document are in one split.",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": [
            {
                "@type": "cr:Field",
                "@id": "splits/name",
                "name": "splits/name",
                "description": "The name of the split.",
                "dataType": "sc:Text",
            }
        ],
        "data": [{"splits/name": s} for s in snapshot.splits],
    }


def _classes_record_set(snapshot: ReleaseSnapshot) -> dict[str, Any]:
    def field(name: str, data_type: str, description: str) -> dict[str, Any]:
        return {
            "@type": "cr:Field",
            "@id": f"classes/{name}",
            "name": f"classes/{name}",
            "description": description,
            "dataType": data_type,
        }

    return {
        "@type": "cr:RecordSet",
        "@id": "classes",
        "name": "classes",
        "description": (
            f"The label classes of schema version {snapshot.schema_version}, in "
            "schema order (COCO category_id = index + 1, YOLO class = index)."
        ),
        "key": {"@id": "classes/key"},
        "field": [
            field("key", "sc:Text", "Stable class key."),
            field("name", "sc:Text", "Class name."),
            field("index", "sc:Integer", "0-based position in the schema."),
        ],
        "data": [
            {"classes/key": c.key, "classes/name": c.name, "classes/index": i}
            for i, c in enumerate(snapshot.classes)
        ],
    }


def _regions_record_set(source: dict[str, Any]) -> dict[str, Any]:
    def field(
        column: str, data_type: str | list[str], description: str, references: str | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"regions/{column}",
            "name": f"regions/{column}",
            "description": description,
            "dataType": data_type,
            "source": {**source, "extract": {"column": column}},
        }
        if references:
            out["references"] = {"field": {"@id": references}}
        return out

    fields = [field(c, t, d) for c, (t, d) in REGION_FIELDS.items()]
    fields.insert(
        1, field("split", "sc:Text", "Split of the region's document.", references="splits/name")
    )
    if source.get("fileSet", {}).get("@id") == "regions-parquet":  # the split is the folder
        fields[1]["source"] = {
            **source,
            "extract": {"fileProperty": "fullpath"},
            "transform": {"regex": "^.*split=([^/]+)/.*$"},
        }
    fields.insert(
        4,
        field(
            "class_key",
            ["sc:Text", "cr:Label"],
            "The region's class (a key of the classes record set).",
            references="classes/key",
        ),
    )
    return {
        "@type": "cr:RecordSet",
        "@id": "regions",
        "name": "regions",
        "description": "One record per labelled region.",
        "key": {"@id": "regions/region_id"},
        "field": fields,
    }


def croissant(snapshot: ReleaseSnapshot, root: Path, dpi: float) -> dict[str, Any]:
    """The JSON-LD document, describing the files already written under `root`."""
    distribution: list[dict[str, Any]] = []
    descriptions = {
        "README.md": "Dataset card with the datasheet.",
        "datasheet.md": "Datasheet for Datasets, answered from the records.",
        "CHANGELOG.md": "What changed since the parent version, for people.",
        "changes.jsonl": "One line per change since the parent version, for programs.",
        "schema.json": "The label schema version the regions were made under.",
        "stats.json": "Counts per split, class, source and annotator.",
        "stats_chart.svg": "Class distribution per split.",
        "data.yaml": "YOLO dataset description.",
    }
    for rel in SINGLE_FILES:
        if (root / rel).is_file():
            distribution.append(_file_object(root, rel, descriptions[rel]))
    for split in snapshot.splits:
        rel = f"annotations/instances_{split}.json"
        if (root / rel).is_file():
            distribution.append(_file_object(root, rel, f"COCO annotations, {split} split."))
    if (root / "images").is_dir():
        distribution.append(
            _file_set(
                "page-images",
                "images/*/*.png",
                "image/png",
                f"Page images rendered at {dpi:g} dpi.",
            )
        )
    if (root / "labels").is_dir():
        distribution.append(
            _file_set(
                "yolo-labels",
                "labels/*/*.txt",
                "text/plain",
                "YOLO label files (class cx cy w h, normalised).",
            )
        )
    if (root / "pdfs").is_dir():
        distribution.append(
            _file_set(
                "source-pdfs", "pdfs/*.pdf", "application/pdf", "The source PDFs, named by SHA-256."
            )
        )
    source: dict[str, Any] | None = None
    if (root / "parquet" / "regions").is_dir():  # shards under split=<split>/ (parquet.py)
        for table, what in (
            ("regions", "Regions table"),
            ("pages", "Pages table"),
            ("images", "Page images (PNG bytes) with their boxes"),
        ):
            if (root / "parquet" / table).is_dir():
                distribution.append(
                    _file_set(
                        f"{table}-parquet",
                        f"parquet/{table}/split=*/*.parquet",
                        "application/x-parquet",
                        f"{what}, sharded, one folder a split.",
                    )
                )
        source = {"fileSet": {"@id": "regions-parquet"}}
    if (root / "jsonl").is_dir():
        distribution.append(
            _file_set(
                "regions-jsonl",
                "jsonl/*.jsonl",
                "application/jsonlines",
                "One JSON line per region, one file a split.",
            )
        )
        source = source or {"fileSet": {"@id": "regions-jsonl"}}
    record_sets = [_splits_record_set(snapshot), _classes_record_set(snapshot)]
    if source is not None:
        record_sets.append(_regions_record_set(source))
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": f"{snapshot.dataset}-{snapshot.name}",
        "description": (
            f"Page layout regions (document layout analysis, object detection) of "
            f"{plural(len(snapshot.documents), 'PDF document')}, "
            f"{plural(snapshot.page_count(), 'page')} and "
            f"{plural(snapshot.region_count(), 'region')} in "
            f"{plural(len(snapshot.classes), 'class')}; dataset "
            f"version {snapshot.name} of {snapshot.dataset}, released with AAL Desktop."
        ),
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "version": snapshot.semantic_version(),
        "datePublished": snapshot.created_at,
        "creator": {"@type": "sc:Person", "name": snapshot.created_by},
        "license": _licence(snapshot),
        "url": f"urn:aal:{snapshot.dataset}:{snapshot.name}",
        "citeAs": f"{snapshot.dataset}, version {snapshot.name} ({snapshot.created_at[:10]}).",
        "keywords": ["document layout analysis", "object detection", "PDF"],
        "isLiveDataset": False,
        **_rai(snapshot),
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if snapshot.parent is not None:
        parent: dict[str, Any] = {"@id": f"urn:aal:{snapshot.dataset}:{snapshot.parent}"}
        if snapshot.parent_release is not None:
            parent = {
                "@id": f"urn:sha256:{snapshot.parent_release.manifest_sha256}",
                "name": f"{snapshot.dataset} {snapshot.parent} release",
                "url": snapshot.parent_release.path,
            }
        doc["prov:wasDerivedFrom"] = parent
    return doc


def write_croissant(snapshot: ReleaseSnapshot, root: Path, dpi: float) -> Path:
    path = root / "croissant.json"
    path.write_text(
        json.dumps(croissant(snapshot, root, dpi), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return path
