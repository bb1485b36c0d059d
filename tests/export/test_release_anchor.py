"""History anchored in releases: a consistently rewritten log passes `aal audit verify` and
fails `aal audit verify --against RELEASE`, for a folder and for an S3 release."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.services import releases
from aal_desktop.storage import open_storage
from aal_desktop.store.events import GENESIS, HASHED_FIELDS, event_hash
from tests.export import make_project
from tests.s3server import s3_bucket, s3_env, s3_server  # noqa: F401


def rewrite_history(db_path: Path, event_id: int) -> None:
    """What someone with the file can do: drop the append-only triggers, change one old
    event, recompute every later hash and the project's own anchors of the log head, and
    put the triggers back. Nothing local can tell; only a published release remembers."""
    conn = sqlite3.connect(db_path)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name IN ('events', 'log_anchors')"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE events SET reason = 'rewritten' WHERE id = ?", [event_id])
    cols = ", ".join((*HASHED_FIELDS, "prev_hash", "hash"))
    prev = GENESIS
    for values in conn.execute(f"SELECT {cols} FROM events ORDER BY id").fetchall():
        row = dict(zip((*HASHED_FIELDS, "prev_hash", "hash"), values, strict=True))
        digest = event_hash(prev, row)
        conn.execute(
            "UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row["id"]]
        )
        prev = digest
    anchored = conn.execute("SELECT name FROM sqlite_master WHERE name = 'log_anchors'")
    if anchored.fetchone() is not None:
        conn.execute(
            "UPDATE log_anchors SET event_hash = (SELECT hash FROM events "
            "WHERE events.id = log_anchors.event_id) WHERE event_id > 0"
        )
    for _, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture(params=["folder", "s3"])
def released(request: pytest.FixtureRequest, tmp_path: Path):
    from aal_desktop.services import versions

    dest = (
        str(tmp_path / "shared")
        if request.param == "folder"
        else f"s3://{request.getfixturevalue('s3_bucket')}/releases"
    )
    project, _ = make_project(tmp_path)
    versions.create_version(project, "v1")
    record = releases.release(project, "v1", dest, formats="jsonl")
    db = project.path
    project.close()
    return db, record


def test_the_manifest_records_the_log_head_at_the_cut(released) -> None:
    db, record = released
    manifest = json.loads(open_storage(record.path).read("manifest.json"))
    conn = sqlite3.connect(db)
    last_id, last_hash = conn.execute(
        "SELECT last_event_id, (SELECT hash FROM events WHERE "
        "id = last_event_id) FROM dataset_versions"
    ).fetchone()
    conn.close()
    assert manifest["log_head"] == {"event_id": last_id, "hash": last_hash}


def test_a_rewritten_history_passes_verify_and_fails_against_the_release(released, capsys) -> None:
    db, record = released
    args = ["--db", str(db), "--user", "lead1", "audit", "verify"]
    assert main([*args, "--against", record.path]) == 0
    assert "as " in capsys.readouterr().out
    rewrite_history(db, 2)
    assert main(args) == 0  # the local chain recomputes: it cannot tell
    capsys.readouterr()
    assert main([*args, "--against", record.path]) == 1
    err = capsys.readouterr().err
    assert "rewritten since the release" in err and err.count("\n") == 1
    assert main([*args, "--against", record.path, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["local_hash"] != out["recorded_hash"]


def test_against_a_folder_without_a_release_is_one_line(tmp_path: Path, capsys) -> None:
    project, _ = make_project(tmp_path)
    db = project.path
    project.close()
    (tmp_path / "empty").mkdir()
    assert (
        main(
            [
                "--db",
                str(db),
                "--user",
                "lead1",
                "audit",
                "verify",
                "--against",
                str(tmp_path / "empty"),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "no manifest.json" in err and err.count("\n") == 1
