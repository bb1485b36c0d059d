"""Document import: identity by SHA-256, provenance, rejections, status workflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import NotFound, PermissionDenied, ValidationFailed
from aal_desktop.services import documents, users
from aal_desktop.services.project import Project
from aal_desktop.store.blobs import sha256_file

from .conftest import make_pdf


def test_import_records_provenance_and_every_page(project: Project, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "rot.pdf", pages=2, rotation=90)
    (o,) = documents.import_paths(project, [path], source="unit test", license="CC0-1.0")
    assert o.status == "imported" and o.pages == 2
    doc = documents.resolve(project, o.document_id)
    assert doc.sha256 == sha256_file(path)
    assert (doc.filename, doc.source, doc.license) == ("rot.pdf", "unit test", "CC0-1.0")
    assert doc.original_path == str(path.resolve())
    assert doc.imported_by == "lead1"
    pages = documents.pages(project, doc.id)
    assert [(p.width, p.height, p.rotation) for p in pages] == [(792, 612, 90)] * 2
    assert project.blobs.path(doc.sha256).read_bytes() == path.read_bytes()


def test_cropbox_offset_pages_store_displayed_size(project: Project, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "crop.pdf", cropbox=(50, 60, 350, 460))
    (o,) = documents.import_paths(project, [path])
    (p,) = documents.pages(project, o.document_id)
    assert (p.width, p.height) == (300, 400)
    assert p.cropbox == (50, 60, 350, 460)


def test_same_bytes_twice_is_a_no_op_that_says_so(
    project: Project, pdf: Path, tmp_path: Path
) -> None:
    (first,) = documents.import_paths(project, [pdf])
    copy = tmp_path / "renamed copy.pdf"
    copy.write_bytes(pdf.read_bytes())
    (second,) = documents.import_paths(project, [copy])
    assert second.status == "present" and second.document_id == first.document_id
    assert "already present" in second.line()
    assert len(documents.list_documents(project)) == 1


def test_bad_files_are_rejected_one_line_each_and_do_not_stop_the_rest(
    project: Project, tmp_path: Path
) -> None:
    good = make_pdf(tmp_path / "good.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.pdf"
    text.write_text("just some text, not a PDF at all\n" * 20)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(make_pdf(tmp_path / "big.pdf", pages=5).read_bytes()[:300])
    outcomes = documents.import_paths(project, [empty, text, truncated, good])
    by_name = {o.path.name: o for o in outcomes}
    assert by_name["good.pdf"].status == "imported"
    assert by_name["empty.pdf"].kind == "empty"
    assert by_name["notes.pdf"].kind == "not_pdf"
    assert by_name["truncated.pdf"].status == "rejected"
    for o in outcomes:
        assert "\n" not in o.line()
        if o.status == "rejected":
            assert o.path.name in o.line() and o.reason
    assert len(documents.list_documents(project)) == 1
    # the blob is copied while the file is checked: a refused file leaves no copy behind
    (kept,) = documents.list_documents(project)
    blobs = [p for p in project.blobs.root.rglob("*") if p.is_file()]
    assert blobs == [project.blobs.path(kept.sha256)]


def test_encrypted_file_needs_password_once(project: Project, tmp_path: Path) -> None:
    import pymupdf

    plain = make_pdf(tmp_path / "plain.pdf", text="Secret words")
    doc = pymupdf.open(plain)
    enc = tmp_path / "enc.pdf"
    doc.save(enc, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="owner")
    doc.close()
    (no_pw,) = documents.import_paths(project, [enc])
    assert no_pw.kind == "encrypted" and "password" in (no_pw.reason or "")
    (wrong,) = documents.import_paths(project, [enc], password="nope")
    assert wrong.kind == "wrong_password"
    (ok,) = documents.import_paths(project, [enc], password="s3cret")
    assert ok.status == "imported"
    d = documents.resolve(project, ok.document_id)
    assert d.encrypted and d.sha256 == sha256_file(enc)
    managed = pymupdf.open(project.blobs.path(d.sha256))
    assert not managed.needs_pass and "Secret words" in managed[0].get_text()
    # the encrypted bytes copied while checking were dropped: only the decrypted blob is kept
    assert [p for p in project.blobs.root.rglob("*") if p.is_file()] == [
        project.blobs.path(d.sha256)
    ]


def test_folders_are_walked_recursively(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "a" / "b").mkdir(parents=True)
    make_pdf(folder / "one.pdf", text="one")
    make_pdf(folder / "a" / "b" / "two.PDF", text="two")
    (folder / "a" / "readme.txt").write_text("ignored")
    outcomes = documents.import_paths(project, [folder])
    assert sorted(o.path.name for o in outcomes) == ["one.pdf", "two.PDF"]
    assert all(o.status == "imported" for o in outcomes)


def test_resolve_by_id_and_sha_prefix(project: Project, doc_id: int) -> None:
    d = documents.resolve(project, doc_id)
    assert documents.resolve(project, d.sha256[:8]).id == d.id
    with pytest.raises(NotFound):
        documents.resolve(project, "deadbeefdeadbeef")
    with pytest.raises(NotFound):
        documents.resolve(project, "abc")


def test_status_changes_are_recorded_and_approval_is_for_leads(
    project: Project, doc_id: int
) -> None:
    users.add_user(project, "ann", "annotator")
    documents.set_status(project, doc_id, "submitted", reason="done")
    documents.set_status(project, doc_id, "approved")
    history = documents.status_history(project, doc_id)
    assert [(h.old_status, h.new_status) for h in history] == [
        (None, "todo"),
        ("todo", "submitted"),
        ("submitted", "approved"),
    ]
    assert history[1].reason == "done" and history[2].user == "lead1"
    project.switch_user("ann")
    with pytest.raises(PermissionDenied, match="only a lead"):
        documents.set_status(project, doc_id, "rejected")
    with pytest.raises(PermissionDenied, match="only a lead can reopen approved document"):
        documents.set_status(project, doc_id, "in_progress")  # CLI.md: a lead reopens it
    project.switch_user("lead1")
    documents.set_status(project, doc_id, "submitted")
    project.switch_user("ann")
    documents.set_status(project, doc_id, "in_progress")
    with pytest.raises(ValidationFailed):
        documents.set_status(project, doc_id, "finished")


def test_status_history_is_append_only(project: Project, doc_id: int) -> None:
    import sqlite3

    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        project.db.execute("DELETE FROM document_status_changes")


def test_assignments_for_double_annotation(project: Project, doc_id: int) -> None:
    users.add_user(project, "ann", "annotator")
    users.add_user(project, "bob", "annotator")
    documents.assign(project, doc_id, ["ann", "bob"])
    assert documents.assignees(project, doc_id) == ["ann", "bob"]
    assert [d.id for d in documents.list_documents(project, assignee="bob")] == [doc_id]
    with pytest.raises(NotFound):
        documents.assign(project, doc_id, ["nobody"])


def test_a_large_new_file_is_hashed_while_it_is_checked(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "HASH_WHILE_CHECKING", 1)  # every file counts as large
    pdf = make_pdf(tmp_path / "a.pdf", pages=3)
    (first,) = documents.import_paths(project, [pdf])
    assert first.status == "imported" and first.sha256 == sha256_file(pdf)
    assert sha256_file(project.blobs.path(first.sha256)) == first.sha256
    assert len(documents.pages(project, first.document_id or 0)) == 3
    # a file of a size some document has is hashed first, and found present
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(pdf.read_bytes())
    (again,) = documents.import_paths(project, [copy])
    assert again.status == "present" and again.document_id == first.document_id
    # and when the size check is fooled (another import in between), the hash still is not
    monkeypatch.setattr(documents.document_rows, "has_size", lambda db, size: False)
    (raced,) = documents.import_paths(project, [copy])
    assert raced.status == "present" and raced.document_id == first.document_id
    assert [p for p in project.blobs.root.rglob("*") if p.is_file()] == [
        project.blobs.path(first.sha256)
    ]


def test_a_large_file_that_cannot_be_hashed_is_unreadable(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "HASH_WHILE_CHECKING", 1)

    def refuse(path: Path) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(documents, "sha256_file", refuse)
    (outcome,) = documents.import_paths(project, [make_pdf(tmp_path / "a.pdf")])
    assert outcome.status == "rejected" and outcome.kind == "unreadable"
    assert "Permission denied" in (outcome.reason or "")
    assert documents.list_documents(project) == []
    assert not [p for p in project.blobs.root.rglob("*") if p.is_file()]
