"""Issue 15 on the command line: 1-based pages in every JSON, strict dates, an explicit
--db that must exist, report formats by suffix, and MuPDF never on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.times import to_iso
from aal_desktop.services import report
from tests.test_cli import Aal
from tests.test_models import Lifecycle, build_lifecycle

from .conftest import make_pdf


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    runner = Aal(tmp_path / "p" / "aal.sqlite3", capsys)
    assert runner("init")[0] == 0
    return runner


def test_events_history_and_changes_count_pages_from_1(aal: Aal, tmp_path: Path) -> None:
    aal("doc", "import", str(make_pdf(tmp_path / "a.pdf", pages=2)))
    rid = aal("region", "add", "1", "1", "60", "80", "300", "110", "text")[1].strip()
    aal("region", "relabel", rid, "title")
    events = aal.json("events", "list")
    assert [e["page"] for e in events] == [1, 1]
    assert events[0]["new"]["page"] == 1 and events[1]["original"]["page"] == 1
    history = aal.json("region", "history", rid)
    assert [e["page"] for e in history] == [1, 1] and history[1]["new"]["page"] == 1
    assert [r["page"] for r in aal.json("region", "list")] == [1]
    assert aal("doc", "status", "1", "approved")[0] == 0
    assert aal("version", "create", "v1")[0] == 0
    code, out, err = aal(
        "release", "v1", "--to", str(tmp_path / "rel"), "--format", "jsonl", "--json"
    )
    assert code == 0, err
    folder = Path(json.loads(out)["path"])
    changes = [json.loads(x) for x in (folder / "changes.jsonl").read_text().splitlines()]
    assert [c["page"] for c in changes] == [1, 1]
    assert changes[0]["new"]["page"] == 1
    (split_file,) = (folder / "jsonl").glob("*.jsonl")  # one document: one split's file
    rows = [json.loads(x) for x in split_file.read_text().splitlines()]
    assert [r["page"] for r in rows] == [1]


@pytest.mark.parametrize(
    "option,value", [("--since", "yesterday"), ("--since", "2026-13-45"), ("--until", "notadate")]
)
def test_bad_dates_are_refused_with_one_line(aal: Aal, option: str, value: str) -> None:
    code, out, err = aal("events", "list", option, value, "--json")
    assert code in (1, 2) and out == ""
    assert err.count("\n") == 1 and value in err and "Traceback" not in err


def test_the_one_time_parser_is_strict() -> None:
    assert to_iso("2026-03-01") == "2026-03-01T00:00:00.000000+00:00"
    assert to_iso("2026-03-01", end_of_day=True).startswith("2026-03-01T23:59:59.999999")
    with pytest.raises(ValidationFailed, match="--since 'yesterday' is not an ISO date"):
        to_iso("yesterday", what="--since")


def test_an_explicit_db_that_does_not_exist_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.sqlite3"
    typo = Aal(missing, capsys)
    code, out, err = typo("doc", "list")
    assert code == 1 and out == "" and err.count("\n") == 1 and str(missing) in err
    assert "aal --db" in err and "init" in err
    assert not missing.parent.exists()  # no directory made for a typo
    assert typo("init")[0] == 0 and missing.is_file()
    assert typo("doc", "list", "--json")[1].strip() == "[]"


def test_the_default_project_is_still_created_on_first_use(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AAL_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path / "home")
    run = subprocess.run(
        [sys.executable, "-m", "aal_desktop.cli.main", "--user", "lead1", "doc", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
    assert list((tmp_path / "data").rglob("aal.sqlite3"))


@pytest.fixture
def life(tmp_path: Path):
    lc: Lifecycle = build_lifecycle(tmp_path)
    yield lc
    lc.project.close()


def test_report_writes_markdown_html_or_a_real_pdf_by_suffix(
    life: Lifecycle, tmp_path: Path
) -> None:
    import pymupdf

    md = report.write_report(life.project, "det:2", tmp_path / "r.md").read_text()
    assert md.startswith("# ")
    assert (
        report.write_report(life.project, "det:2", tmp_path / "r.htm")
        .read_text()
        .startswith("<!DOCTYPE html>")
    )
    pdf = report.write_report(life.project, "det:2", tmp_path / "r.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pymupdf.open(pdf) as doc:
        text = "".join(page.get_text() for page in doc)
    assert "det:2" in text or "det" in text
    assert "# " not in text.splitlines()[0]  # laid-out text, not Markdown source
    for bad in ("r.docx", "r.txt", "report"):
        with pytest.raises(ValidationFailed, match=r"\.md \(Markdown\), \.html or \.htm"):
            report.write_report(life.project, "det:2", tmp_path / bad)
        assert not (tmp_path / bad).exists()


def test_cli_report_refuses_other_suffixes_with_one_line(
    life: Lifecycle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runner = Aal(life.project.path, capsys)
    code, out, err = runner("report", "det:2", "-o", str(tmp_path / "x.docx"))
    assert code == 1 and err.count("\n") == 1 and ".docx" in err
    code, out, err = runner("report", "det:2", "-o", str(tmp_path / "x.pdf"))
    assert code == 0, err
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")


def test_mupdf_messages_never_reach_stdout(corpus: Path, tmp_path: Path) -> None:
    """`MuPDF error: limit error: Overly large image` (42 lines) once came before the JSON."""
    db = str(tmp_path / "p" / "aal.sqlite3")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYMUPDF_")}

    def aal(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "aal_desktop.cli.main", "--db", db, "--user", "lead1", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    assert aal("init").returncode == 0
    assert aal("doc", "import", str(corpus / "mupdf--test_4435.pdf")).returncode == 0
    assert aal("region", "add", "1", "1", "10", "10", "100", "100", "text").returncode == 0
    assert aal("doc", "status", "1", "approved").returncode == 0
    assert aal("version", "create", "v1").returncode == 0
    run = aal("release", "v1", "--to", str(tmp_path / "out"), "--format", "coco", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["version"] == "v1"  # nothing but the JSON on stdout
    assert "MuPDF" not in run.stdout
    assert "MuPDF: " in run.stderr and "Overly large image" in run.stderr  # said, on stderr


def test_an_empty_split_warns_and_is_left_out_of_files_and_configs(
    aal: Aal, tmp_path: Path
) -> None:
    datasets = pytest.importorskip("datasets")
    aal("doc", "import", str(make_pdf(tmp_path / "a.pdf", pages=2)))
    aal("region", "add", "1", "1", "60", "80", "300", "110", "text")
    aal("doc", "status", "1", "approved")
    code, out, err = aal("version", "create", "v1", "--split", "80,10,10", "--json")
    assert code == 0 and json.loads(out)["name"] == "v1"  # stdout: the JSON alone
    # one document, three splits: two of them get nothing (which two depends on its SHA-256)
    assert err.startswith("warning: ") and " got no documents (1 document split 80,10,10)" in err
    assert err.count(" and ") == 1 and err.count("\n") == 1
    # --resplit: v1 may have put the document in val or test, and v2 would keep it there
    code, out, err = aal("version", "create", "v2", "--split", "100,0,0", "--resplit")
    assert code == 0 and "warning" not in err
    assert "1 document (train 1, val 0, test 0), 1 region," in out  # not "1 documents"
    code, out, err = aal(  # v2: the document is surely in train, val and test are empty
        "release", "v2", "--to", str(tmp_path / "rel"), "--format", "parquet,jsonl", "--json"
    )
    assert code == 0, err
    folder = Path(json.loads(out)["path"])
    assert sorted(p.name for p in (folder / "parquet" / "regions").iterdir()) == [
        "split=train"
    ]  # hive-partitioned by split (docs/RELEASES.md)
    assert sorted(p.name for p in (folder / "jsonl").iterdir()) == ["train.jsonl"]
    card = (folder / "README.md").read_text().split("---")[1]
    paths = [line.split('"')[1] for line in card.splitlines() if "path:" in line]
    assert paths and all("train" in p for p in paths)
    files = {"train": str(folder / "parquet" / "regions" / "split=train" / "*.parquet")}
    assert datasets.load_dataset("parquet", data_files=files)["train"].num_rows == 1


def test_undeploy_leaves_the_environment_empty_and_lets_the_model_retire(
    life: Lifecycle, capsys: pytest.CaptureFixture[str]
) -> None:
    from aal_desktop.services import lineage, models
    from aal_desktop.store import events as event_log

    p = life.project
    models.deploy(p, "det:2", "production", at="2025-02-01T10:00:00Z")
    with pytest.raises(ValidationFailed) as refused:
        models.retire_model(p, "det:2", "superseded", at="2025-02-10T10:00:00Z")
    assert "in production in production" not in str(refused.value)
    assert "still deployed to environment 'production'" in str(refused.value)
    runner = Aal(p.path, capsys)
    code, out, err = runner(
        "model",
        "undeploy",
        "det:2",
        "--env",
        "production",
        "--reason",
        "labels drifted",
        "--at",
        "2025-02-05T10:00:00Z",
        "--json",
    )
    assert code == 0, err
    ended = json.loads(out)
    assert ended["ended_at"].startswith("2025-02-05T10:00:00") and ended["undeployed"] is True
    (event,) = event_log.list_events(p.db, event_log.EventFilter(kind="model.undeploy"))
    assert event.reason == "labels drifted" and event.new["env"] == "production"
    assert models.current_deployment(p, "production") is None
    assert lineage.production(p, "production", "2025-02-03").deployment is not None
    assert lineage.production(p, "production", "2025-02-06").deployment is None
    code, out, _ = runner("lineage", "--env", "production", "--at", "2025-02-06", "--json")
    assert code == 0 and json.loads(out)["deployment"] is None
    code, _, err = runner("model", "undeploy", "det:2", "--env", "production", "--reason", "x")
    assert code == 1 and "nothing is deployed to 'production'" in err
    retired = models.retire_model(p, "det:2", "superseded", at="2025-02-10T10:00:00Z")
    assert retired.in_production_until.startswith("2025-02-05T10:00:00")
    models.deploy(p, "det:3", "production", at="2025-02-11T10:00:00Z")  # deployable again
    assert models.current_deployment(p, "production").ref == "det:3"


def test_messages_are_plain_english(aal: Aal, tmp_path: Path) -> None:
    from aal_desktop.core.wording import article, plural

    assert (plural(1, "page"), plural(2, "page"), plural(2, "person")) == (
        "1 page",
        "2 pages",
        "2 people",
    )
    assert (article("annotator"), article("lead")) == ("an annotator", "a lead")
    code, out, _ = aal("doc", "import", str(make_pdf(tmp_path / "one.pdf", pages=1)))
    assert code == 0 and "1 page" in out and "1 pages" not in out
    aal("user", "add", "ann", "--role", "annotator")
    code, out, err = aal("user", "add", "ann", "--role", "annotator")
    assert "a annotator" not in out + err
    code, out, err = aal("version", "create", "v1", user="ann")
    assert "'ann' is an annotator" in err
