"""Releases: the dated folder, atomic writing, no overwrites, verification, the manifest chain."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aal_desktop.core.errors import AalError, PermissionDenied
from aal_desktop.export.images import ReleaseCancelled
from aal_desktop.export.manifest import verify_release
from tests.export import make_project, write_demo

RELEASE_FILES = {
    "manifest.json",
    "SHA256SUMS",
    "CHANGELOG.md",
    "changes.jsonl",
    "stats.json",
    "stats_chart.svg",
    "schema.json",
    "README.md",
    "datasheet.md",
    "croissant.json",
}


def write_release(project, version: str, dest: Path, **options) -> Path:
    """Release through the release service; the folder it wrote."""
    from aal_desktop.services import releases

    return Path(releases.release(project, version, dest, **options).path)


def versions_service():
    return pytest.importorskip("aal_desktop.services.versions")


@pytest.fixture
def lead_project(tmp_path: Path):
    versions = versions_service()
    project, ids = make_project(tmp_path)
    versions.create_version(project, "v1")
    yield project, ids
    project.close()


# --- the writer on an in-memory snapshot -------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return write_demo(tmp_path_factory.mktemp("demo"), formats=("coco", "jsonl"))


def test_sha256sum_checks_every_file(demo) -> None:
    _, root = demo
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    result = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "annotations/instances_train.json: OK" in result.stdout


def test_manifest_lists_every_file_with_size_and_hash(demo) -> None:
    snapshot, root = demo
    manifest = json.loads((root / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    for rel, entry in listed.items():
        data = (root / rel).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert RELEASE_FILES - {"manifest.json"} <= set(listed)
    assert manifest["version"] == "v1" and manifest["schema_version"] == 1
    assert manifest["app"]["name"] == "aal-desktop" and manifest["created_by"] == "lead1"


def test_verify_catches_one_changed_byte_a_missing_and_an_extra_file(demo, tmp_path) -> None:
    _, root = demo
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert verify_release(copy) == []
    png = next((copy / "images" / "train").glob("*.png"))
    data = bytearray(png.read_bytes())
    data[len(data) // 2] ^= 0x01
    png.write_bytes(bytes(data))
    (copy / "stats.json").unlink()
    (copy / "notes.txt").write_text("hello")
    problems = {(p.kind, p.path) for p in verify_release(copy)}
    assert problems == {
        ("changed", png.relative_to(copy).as_posix()),
        ("missing", "stats.json"),
        ("extra", "notes.txt"),
    }


def test_the_datasheet_marks_the_blanks_and_answers_from_the_records(demo) -> None:
    snapshot, root = demo
    readme = (root / "README.md").read_text()
    front = readme.split("---")[1]
    assert "task_categories:\n- object-detection" in front
    assert 'license: "cc-by-4.0"' in front and "- n<1K" in front
    assert 'path: "jsonl/train.jsonl"' in front
    sheet = (root / "datasheet.md").read_text()
    for section in (
        "## Motivation",
        "## Composition",
        "## Collection process",
        "## Preprocessing, cleaning, labelling",
        "## Uses",
        "## Distribution",
        "## Maintenance",
    ):
        assert section in sheet
    assert "_TO FILL: " in sheet and "ann1 (" in sheet and "guideline version g1" in sheet
    assert f"{snapshot.region_count()} regions" in sheet


def test_the_chart_has_one_bar_per_class_and_split(demo) -> None:
    import xml.etree.ElementTree as ET

    snapshot, root = demo
    svg = ET.parse(root / "stats_chart.svg").getroot()
    bars = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "bar"]
    assert len(bars) == 3 * len(snapshot.classes)
    title_train = [
        b for b in bars if (b.get("data-class"), b.get("data-split")) == ("title", "train")
    ]
    assert float(title_train[0].get("width")) > 0
    empty = [b for b in bars if b.get("data-class") == "table"]
    assert all(float(b.get("width")) == 0 for b in empty)


# --- the release service on a project --------------------------------------------------------


def test_release_lands_in_a_dated_folder_and_verifies(lead_project, tmp_path: Path) -> None:
    from aal_desktop.services import releases

    project, _ = lead_project
    dest = tmp_path / "shared"
    path = write_release(
        project, "v1", dest, formats=("coco", "yolo", "jsonl", "parquet"), dpi=72, workers=2
    )
    dataset = path.parent.name
    assert path.parent.parent == dest.absolute()
    assert path.name.startswith(time.strftime("%Y-", time.gmtime())) and path.name.endswith("_v1")
    assert len(path.name) == len("YYYY-MM-DD_v1")
    assert {p.name for p in path.iterdir()} >= RELEASE_FILES
    assert verify_release(path) == []
    assert [p.name for p in (dest / dataset).iterdir()] == [path.name]  # nothing left beside
    (record,) = releases.list_releases(project)
    assert (
        record.path == str(path)
        and record.manifest_sha256
        == hashlib.sha256((path / "manifest.json").read_bytes()).hexdigest()
    )
    assert record.previous_manifest_sha256 is None


def test_release_never_overwrites(lead_project, tmp_path: Path) -> None:

    project, _ = lead_project
    path = write_release(project, "v1", tmp_path / "d", formats=("jsonl",))
    before = (path / "manifest.json").read_bytes()
    with pytest.raises(AalError, match="never overwritten"):
        write_release(project, "v1", tmp_path / "d", formats=("jsonl",))
    assert (path / "manifest.json").read_bytes() == before
    assert verify_release(path) == []
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_manifests_chain_to_the_previous_release(lead_project, tmp_path: Path) -> None:
    from aal_desktop.services import regions, releases

    versions = versions_service()
    project, ids = lead_project
    first = write_release(project, "v1", tmp_path / "d", formats=("jsonl",))
    title = next(r for r in regions.list_regions(project, ids[0]) if r.class_key == "title")
    regions.relabel(project, title.id, "section_header", reason="it is a heading")
    versions.create_version(project, "v2")
    second = write_release(project, "v2", tmp_path / "d", formats=("jsonl",))
    m1 = json.loads((first / "manifest.json").read_text())
    m2 = json.loads((second / "manifest.json").read_text())
    assert m1["previous_manifest_sha256"] is None
    assert (
        m2["previous_manifest_sha256"]
        == hashlib.sha256((first / "manifest.json").read_bytes()).hexdigest()
    )
    assert m2["parent_version"] == "v1"
    croissant = json.loads((second / "croissant.json").read_text())
    assert croissant["prov:wasDerivedFrom"]["@id"] == f"urn:sha256:{m2['previous_manifest_sha256']}"
    changes = [json.loads(line) for line in (second / "changes.jsonl").read_text().splitlines()]
    assert any(title.id in json.dumps(c) for c in changes)
    assert "title → section_header: 1" in (second / "CHANGELOG.md").read_text()
    assert verify_release(first) == [] and verify_release(second) == []
    assert [r.version for r in releases.list_releases(project)] == ["v1", "v2"]


def test_cancel_leaves_nothing_at_the_destination(lead_project, tmp_path: Path) -> None:

    project, _ = lead_project
    calls: list[int] = []
    dest = tmp_path / "d"
    with pytest.raises(ReleaseCancelled):
        write_release(
            project,
            "v1",
            dest,
            formats=("coco",),
            dpi=72,
            workers=2,
            progress=lambda d, t, w: calls.append(d),
            cancelled=lambda: len(calls) >= 1,
        )
    assert calls and [p for p in dest.glob("*/*")] == []  # not even the temporary folder


def test_annotators_cannot_release(lead_project, tmp_path: Path) -> None:
    from aal_desktop.services.project import Project

    project, _ = lead_project
    with Project(project.path, user="ann1") as other, pytest.raises(PermissionDenied):
        write_release(other, "v1", tmp_path / "d")


def test_a_release_killed_mid_way_leaves_no_folder_that_looks_complete(tmp_path: Path) -> None:
    versions = versions_service()
    project, _ = make_project(tmp_path, pages=30)
    versions.create_version(project, "v1")
    db = str(project.path)
    project.close()
    dest = tmp_path / "shared"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aal_desktop.cli.main",
            "--db",
            db,
            "--user",
            "lead1",
            "release",
            "v1",
            "--to",
            str(dest),
            "--format",
            "coco,yolo",
            "--dpi",
            "300",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        pngs: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            pngs = list(dest.glob("*/.*partial*/images/*/*.png"))
            if len(pngs) >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None and len(pngs) >= 3, "the release never started its images"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    time.sleep(1.0)  # orphaned render workers notice their parent is gone within 0.5 s
    assert not list(dest.rglob("manifest.json"))
    visible = [p for p in dest.glob("*/*") if not p.name.startswith(".")]
    assert visible == []
    (dataset,) = list(dest.iterdir())
    (partial,) = list(dataset.iterdir())
    assert ".partial-" in partial.name
    # the next release sweeps the dead one and completes
    from aal_desktop.services.project import Project

    with Project(db, user="lead1") as again:
        path = write_release(again, "v1", dest, formats=("jsonl",))
    assert [p.name for p in dataset.iterdir()] == [path.name]
    assert verify_release(path) == []


# --- the dialog ------------------------------------------------------------------------


def test_release_dialog_runs_a_release_and_offers_the_folder(
    lead_project, tmp_path, qtbot, monkeypatch
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices

    from aal_desktop.ui.release_dialog import ReleaseDialog
    from aal_desktop.ui.session import Session

    project, _ = lead_project
    session = Session(project)
    dialog = ReleaseDialog(session, "v1")
    qtbot.addWidget(dialog)
    dialog.show()
    changes: list[str] = []
    session.versionsChanged.connect(lambda: changes.append("v"))
    qtbot.keyClicks(dialog.dest_edit, str(tmp_path / "shared"))
    dialog.format_boxes["yolo"].setChecked(False)
    dialog.format_boxes["parquet"].setChecked(False)
    dialog.dpi_spin.setValue(72)
    qtbot.mouseClick(dialog.release_button, Qt.MouseButton.LeftButton)
    assert dialog.running and not dialog.release_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.result_path is not None and not dialog.running, timeout=120_000)
    path = Path(dialog.result_path)
    assert verify_release(path) == [] and (path / "annotations").is_dir()
    assert not (path / "labels").exists()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert dialog.open_button.isEnabled()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(path)]
    qtbot.waitUntil(lambda: changes != [], timeout=5000)
    session.close()


def test_release_dialog_cancel_leaves_nothing(lead_project, tmp_path, qtbot) -> None:
    from PySide6.QtCore import Qt

    from aal_desktop.ui.release_dialog import ReleaseDialog
    from aal_desktop.ui.session import Session

    project, _ = lead_project
    session = Session(project)
    dialog = ReleaseDialog(session, "v1")
    qtbot.addWidget(dialog)
    dest = tmp_path / "shared"
    dialog.dest_edit.setText(str(dest))
    dialog.dpi_spin.setValue(600)
    qtbot.mouseClick(dialog.release_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert "Cancelled" in dialog.status_label.text()
    assert dialog.result_path is None and not dialog.open_button.isEnabled()
    assert not list(dest.rglob("manifest.json"))
    assert [p for p in dest.glob("*/*")] == []
    session.close()
