"""Values are checked where they enter, and a project an older version poisoned still works.

An older version accepted `conf=nan` and wrote `NaN` into regions.attrs and into the event
log, which SQLite's JSON functions cannot parse: `aal version create` and `aal events list
--class-after` then failed for good with "malformed JSON" (issue 19, item 1).
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.services import regions
from aal_desktop.services.project import Project
from aal_desktop.store import json_text
from aal_desktop.store.events import canonical_json, event_hash

from .conftest import make_pdf
from .test_cli import Aal


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    return Aal(tmp_path / "p" / "aal.sqlite3", capsys)


def _region(aal: Aal, tmp_path: Path) -> str:
    assert aal("init")[0] == 0
    pdf = make_pdf(tmp_path / "a.pdf")
    assert aal("doc", "import", str(pdf))[0] == 0
    code, out, err = aal("region", "add", "1", "1", "50", "50", "300", "120", "text")
    assert code == 0, err
    return out.strip().split()[-1]


def _poison(db: Path, region_id: str) -> None:
    """What an older version wrote for `region set R conf=nan`: NaN in the row and in an
    event whose hash is correct (the chain stays intact, as it did)."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE regions SET attrs = '{\"conf\":NaN}' WHERE id = ?", [region_id])
    last_id, prev, before = conn.execute(
        "SELECT id, hash, new FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    after = {**json.loads(before), "attrs": {"conf": math.nan}}
    spell = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
    row = {
        "id": last_id + 1,
        "at": "2026-01-01T00:00:00.000000+00:00",
        "user": "lead1",
        "kind": "region.set",
        "change_type": "corrective",
        "region_id": region_id,
        "document_id": 1,
        "page": 0,
        "original": before,
        "new": json.dumps(after, **spell),
        "reason": None,
        "schema_version": 1,
        "guideline_version": None,
        "batch": None,
        "reverts": None,
    }
    row["prev_hash"] = prev
    row["hash"] = event_hash(prev, row)
    conn.execute(
        f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    conn.commit()
    # the poison is real: SQLite's JSON functions refuse it
    with pytest.raises(sqlite3.OperationalError, match="malformed JSON"):
        conn.execute("SELECT json_extract(new, '$.class_key') FROM events").fetchall()
    conn.close()


def test_a_poisoned_project_still_cuts_versions_and_lists_events(aal: Aal, tmp_path: Path) -> None:
    rid = _region(aal, tmp_path)
    _poison(aal.db, rid)
    code, out, err = aal("events", "list", "--class-after", "text", "--json")
    assert code == 0, err
    listed = json.loads(out)  # strict JSON: no NaN printed either
    assert [e["kind"] for e in listed] == ["region.create"]
    code, out, err = aal("events", "list", "--json")
    assert code == 0, err
    assert json.loads(out)[-1]["new"]["attrs"] == {"conf": None}
    statuses = ("--status", "todo", "--status", "in_progress")
    code, _, err = aal("version", "create", "v1", *statuses, "--no-parent")
    assert code == 0, err
    code, _, err = aal("version", "create", "v2", *statuses)
    assert code == 0, err
    code, out, err = aal("audit", "verify")
    assert code == 0, err


def test_nan_and_infinity_are_never_written() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValidationFailed, match="finite"):
            canonical_json({"attrs": {"conf": bad}})
        with pytest.raises(ValidationFailed, match="finite"):
            json_text.dumps({"conf": bad})
    assert json_text.loads('{"a":NaN,"b":-Infinity,"c":1}') == {"a": None, "b": None, "c": 1}


def test_a_non_finite_box_or_confidence_is_refused(project: Project, doc_id: int) -> None:
    from aal_desktop.services import schemas

    schemas.ensure_default(project)
    for box in ([math.nan, 10, 100, 100], [10, 10, math.inf, 100]):
        with pytest.raises(ValidationFailed, match="finite"):
            regions.add_region(project, doc_id, 0, box, "text")
    with pytest.raises(ValidationFailed, match="confidence"):
        regions.add_region(
            project, doc_id, 0, [10, 10, 100, 100], "text", origin="model", confidence=math.nan
        )
    r = regions.add_region(project, doc_id, 0, [10, 10, 100, 100], "text")
    with pytest.raises(ValidationFailed, match="finite"):
        regions.move(project, r.id, [10, 10, math.nan, 100])
    assert regions.get(project, r.id).box == r.box


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf"])
def test_import_timeout_must_be_a_positive_finite_number(
    aal: Aal, tmp_path: Path, value: str
) -> None:
    pdf = make_pdf(tmp_path / "a.pdf")
    assert aal("init")[0] == 0
    code, out, err = aal("doc", "import", str(pdf), "--timeout", value)
    assert code == 1
    assert err.count("\n") == 1 and "--timeout must be a positive number" in err
    assert "Traceback" not in err
    assert aal.json("doc", "list") == []


def test_schema_import_refuses_a_duplicate_yaml_key(aal: Aal, tmp_path: Path) -> None:
    assert aal("init")[0] == 0
    code, out, _ = aal("schema", "export", "--version", "1", "--format", "yaml")
    assert code == 0
    body = out.replace("classes:", "name: again\nclasses:", 1)
    assert body.count("\nname:") + body.startswith("name:") >= 2
    path = tmp_path / "dup.yaml"
    path.write_text(body, encoding="utf-8")
    code, _, err = aal("schema", "import", str(path))
    assert code == 1
    assert err.count("\n") == 1 and "appears twice" in err
