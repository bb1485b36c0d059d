"""A published schema that drops a class still in use crashed the release with a KeyError
(issue 19, item 8): publishing it is now refused unless a migration moved those regions,
and a version an older build left in that state is refused with a clear line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from .conftest import make_pdf
from .test_cli import Aal


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    return Aal(tmp_path / "p" / "aal.sqlite3", capsys)


def _without_text(aal: Aal, tmp_path: Path) -> Path:
    code, out, _ = aal("schema", "export", "--version", "1", "--format", "yaml")
    assert code == 0
    body = yaml.safe_load(out)
    body["classes"] = [c for c in body["classes"] if c["key"] != "text"]
    body["model_mapping"] = {
        k: v for k, v in (body.get("model_mapping") or {}).items() if v != "text"
    }
    path = tmp_path / "no-text.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def _region(aal: Aal, tmp_path: Path) -> None:
    assert aal("init")[0] == 0
    assert aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))[0] == 0
    code, _, err = aal("region", "add", "1", "1", "50", "50", "300", "120", "text")
    assert code == 0, err


def test_publishing_a_schema_that_drops_a_class_in_use_is_refused(aal: Aal, tmp_path: Path) -> None:
    _region(aal, tmp_path)
    code, _, err = aal("schema", "import", str(_without_text(aal, tmp_path)))
    assert code == 0, err
    code, _, err = aal("schema", "publish", "2")
    assert code == 1 and err.count("\n") == 1
    assert "has no class for live regions: text (1 regions)" in err
    assert "aal schema migrate" in err
    assert [v["status"] for v in aal.json("schema", "list")] == ["published", "draft"]


def test_a_schema_without_an_unused_class_publishes(aal: Aal, tmp_path: Path) -> None:
    assert aal("init")[0] == 0
    code, _, err = aal("schema", "import", str(_without_text(aal, tmp_path)))
    assert code == 0, err
    code, _, err = aal("schema", "publish", "2")
    assert code == 0, err


def test_release_of_a_version_whose_schema_lacks_a_class_is_one_clear_line(
    aal: Aal, tmp_path: Path
) -> None:
    _region(aal, tmp_path)
    code, _, err = aal("schema", "import", str(_without_text(aal, tmp_path)))
    assert code == 0, err
    conn = sqlite3.connect(aal.db)  # what an older build let `schema publish 2` do
    body = json.loads(
        conn.execute("SELECT body FROM schema_versions WHERE version = 2").fetchone()[0]
    )
    body["status"] = "published"
    conn.execute(
        "UPDATE schema_versions SET status = 'published', body = ?, "
        "published_by = 'lead1', published_at = '2026-01-01' WHERE version = 2",
        [json.dumps(body)],
    )
    conn.commit()
    conn.close()
    code, _, err = aal("version", "create", "v1", "--status", "in_progress", "--no-parent")
    assert code == 0, err
    code, _, err = aal("release", "v1", "--to", str(tmp_path / "out"), "--format", "coco")
    assert code == 1, err
    assert "Traceback" not in err and "KeyError" not in err and err.count("\n") == 1
    assert "classes its schema version 2 does not have: text (1 regions)" in err
