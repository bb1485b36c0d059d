"""`aal undo` / `aal redo` across separate invocations, per acting user (CLI.md rules)."""

from __future__ import annotations

from pathlib import Path

from .conftest import make_pdf
from .test_cli import Aal, aal  # noqa: F401  (the fixture)


def setup_doc(aal: Aal, tmp_path: Path) -> str:  # noqa: F811
    pdf = make_pdf(tmp_path / "a.pdf", pages=2)
    (doc,) = aal.json("doc", "import", str(pdf))
    return str(doc["document_id"] if "document_id" in doc else doc["id"])


def test_undo_and_redo_work_across_invocations(aal: Aal, tmp_path: Path) -> None:  # noqa: F811
    doc = setup_doc(aal, tmp_path)
    code, out, _ = aal("region", "add", doc, "1", "50", "300", "200", "400", "text")
    assert code == 0
    rid = out.strip()
    assert aal("region", "relabel", rid, "table")[0] == 0

    code, out, err = aal("undo")
    assert code == 0 and err == "" and "(Relabel region as table): 1 event" in out
    (shown,) = [r for r in aal.json("region", "list", "--doc", doc) if r["id"] == rid]
    assert shown["class_key"] == "text"
    undone = aal.json("undo")  # the draw
    assert undone["label"] == "Draw text" and undone["regions"] == [rid]
    assert aal.json("region", "list", "--doc", doc) == []

    redone = aal.json("redo")
    assert redone["label"] == "Draw text" and redone["state"] == "done"
    history = aal.json("region", "history", rid)
    assert [e["kind"] for e in history] == [
        "region.create",
        "region.relabel",
        "region.relabel",
        "region.delete",
        "region.restore",
    ]
    assert history[3]["reverts"] == history[0]["id"] and history[4]["reverts"] == history[3]["id"]
    code, out, _ = aal("redo")
    assert code == 0 and "Relabel region as table" in out


def test_undo_refuses_with_one_line_when_someone_changed_it_since(aal: Aal, tmp_path: Path) -> None:  # noqa: F811
    doc = setup_doc(aal, tmp_path)
    assert aal("user", "add", "amy", "--role", "annotator")[0] == 0
    assert aal("user", "add", "bob", "--role", "annotator")[0] == 0
    code, out, _ = aal("region", "add", doc, "1", "50", "300", "200", "400", "text", user="amy")
    rid = out.strip()
    assert aal("region", "move", rid, "60", "310", "210", "410", user="amy")[0] == 0
    assert aal("region", "relabel", rid, "table", user="bob")[0] == 0
    code, out, err = aal("undo", user="amy")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"region {rid} was relabelled by bob at " in err and "nothing undone" in err
    (shown,) = aal.json("region", "list", "--doc", doc)
    assert shown["class_key"] == "table"
    code, _, err = aal("undo", user="lead1")  # nothing of the lead's to undo
    assert code == 1 and "nothing to undo for lead1" in err


def test_an_annotators_edit_of_an_approved_document_exits_1(aal: Aal, tmp_path: Path) -> None:  # noqa: F811
    doc = setup_doc(aal, tmp_path)
    assert aal("user", "add", "ann", "--role", "annotator")[0] == 0
    code, out, _ = aal("region", "add", doc, "1", "50", "300", "200", "400", "text")
    rid = out.strip()
    assert aal("doc", "status", doc, "approved")[0] == 0
    code, out, err = aal("region", "relabel", rid, "table", user="ann")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert f"document {doc} is approved" in err
    code, _, err = aal("region", "add", doc, "1", "300", "500", "400", "600", "text", user="ann")
    assert code == 1 and "approved" in err
    code, _, err = aal("doc", "status", doc, "in_progress", user="ann")
    assert code == 1 and "lead" in err
    assert aal("region", "relabel", rid, "picture")[0] == 0  # the lead may
    assert aal("doc", "status", doc, "in_progress")[0] == 0
    assert aal("region", "relabel", rid, "table", user="ann")[0] == 0
