"""User names are identities: normalised, compared case-folded, look-alikes refused, printed
safely; a role change is an event in the hash-chained log (issue 19, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aal_desktop.core.errors import PermissionDenied, ValidationFailed
from aal_desktop.services import audit, users
from aal_desktop.services.project import Project
from aal_desktop.store.events import EventFilter

from .test_cli import Aal


@pytest.fixture
def aal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Aal:
    return Aal(tmp_path / "p" / "aal.sqlite3", capsys)


def test_spellings_of_one_name_are_one_user(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    with Project(db, user="lead") as p:
        p.ensure_registered()
    for spelling in (" lead", "LEAD", "Lead  ", "ｌｅａｄ"):  # the last is full-width (NFKC)
        with Project(db, user=spelling) as p:
            assert p.user == "lead" and p.is_lead
            p.ensure_registered()
    with Project(db, user="lead") as p:
        assert [u.name for u in users.list_users(p)] == ["lead"]


def test_a_look_alike_name_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    with Project(db, user="lead") as p:
        p.ensure_registered()
        with pytest.raises(ValidationFailed, match="mixes Cyrillic and Latin"):
            users.add_user(p, "l\u0435ad", "lead")  # Cyrillic е
        with pytest.raises(ValidationFailed, match="control or invisible"):
            users.add_user(p, "bob\x1b[2J", "annotator")
    with pytest.raises(ValidationFailed, match="mixes"):
        Project(db, user="l\u0435ad")


def test_role_changes_are_events_and_only_leads_make_them(tmp_path: Path) -> None:
    db = tmp_path / "aal.sqlite3"
    with Project(db, user="lead") as p:
        p.ensure_registered()
        users.add_user(p, "Amy", "annotator")
        users.add_user(p, "amy", "annotator")  # same person, same role: nothing to record
        users.add_user(p, " AMY ", "lead")
        users.add_user(p, "cleo", "lead")  # a new lead: a role given, so an event
        kinds = [
            (e.kind, e.original, e.new) for e in audit.list_events(p, EventFilter(kind="user."))
        ]
        assert kinds == [
            ("user.role", {"name": "Amy", "role": "annotator"}, {"name": "Amy", "role": "lead"}),
            ("user.role", {"name": "cleo", "role": None}, {"name": "cleo", "role": "lead"}),
        ]
        assert audit.verify(p).ok
        users.add_user(p, "bob", "annotator")
    with Project(db, user="bob") as p:
        with pytest.raises(PermissionDenied):
            users.add_user(p, "bob", "lead")
        with pytest.raises(PermissionDenied):
            users.add_user(p, "AMY", "annotator")
        assert {u.name: u.role.value for u in users.list_users(p)} == {
            "lead": "lead",
            "Amy": "lead",
            "bob": "annotator",
            "cleo": "lead",
        }


def test_terminal_escapes_in_names_and_reasons_are_not_printed(aal: Aal, tmp_path: Path) -> None:
    import sqlite3

    assert aal("init")[0] == 0
    conn = sqlite3.connect(aal.db)  # as an older version let it in
    conn.execute(
        "INSERT INTO users (name, role, created_at, created_by) VALUES "
        "('eve\x1b]0;owned\x07\x1b[31m', 'annotator', '2026-01-01', 'lead1')"
    )
    conn.commit()
    conn.close()
    code, out, _ = aal("user", "list")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "eve" in out


def test_escapes_in_a_reason_are_not_printed_by_any_listing(aal: Aal, tmp_path: Path) -> None:
    from .conftest import make_pdf

    assert aal("init")[0] == 0
    assert aal("doc", "import", str(make_pdf(tmp_path / "a.pdf")))[0] == 0
    code, out, err = aal(
        "region",
        "add",
        "1",
        "1",
        "50",
        "50",
        "300",
        "120",
        "text",
        "--reason",
        "fix\x1b[2J\x1b]0;pwned\x07 box",
    )
    assert code == 0, err
    rid = out.strip().split()[-1]
    for argv in (("region", "history", rid), ("events", "list"), ("events", "list", "--json")):
        code, out, err = aal(*argv)
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out, argv
        assert "fix" in out
