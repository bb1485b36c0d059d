"""A team on one machine: each person has her own project folder (--db) and her own key
folder (AAL_CONFIG_DIR, and HOME), and runs `aal` commands as she would."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aal_desktop.cli.main import main
from aal_desktop.services.project import Project


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class Person:
    name: str
    home: Path

    @property
    def db(self) -> Path:
        return self.home / "project" / "aal.sqlite3"

    @property
    def keys(self) -> Path:
        return self.home / "config"

    def env(self) -> dict[str, str]:
        return {"AAL_CONFIG_DIR": str(self.keys), "HOME": str(self.home)}

    def run(self, *args: str) -> Result:
        if not self.db.exists() and args[:1] != ("init",) and args[:2] != ("team", "join"):
            self.db.parent.mkdir(parents=True, exist_ok=True)
            made = self._run("init")  # a person makes her project first (CLI.md: --db)
            assert made.code == 0, made.err
        return self._run(*args)

    def _run(self, *args: str) -> Result:
        out, err = io.StringIO(), io.StringIO()
        with _env(**self.env()), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--db", str(self.db), "--user", self.name, *args])
            except SystemExit as exc:
                code = int(exc.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str) -> Result:
        r = self.run(*args)
        assert r.code == 0, f"{self.name}: aal {' '.join(args)} -> {r.code}: {r.err}"
        return r

    def ok_json(self, *args: str) -> Any:
        return self.ok(*args, "--json").json()

    def key(self) -> str:
        return self.ok("key", "show").out.strip()

    @contextlib.contextmanager
    def project(self) -> Iterator[Project]:
        with _env(**self.env()):
            p = Project(self.db, user=self.name)
            try:
                yield p
            finally:
                p.close()

    def regions(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.ok_json("region", "list")}

    def sync(self) -> dict[str, Any]:
        return self.ok_json("team", "sync")

    def verify(self) -> None:
        r = self.ok("audit", "verify")
        assert "hash chain intact" in r.out, r.out

    def event_count(self) -> int:
        return len(self.ok_json("events", "list"))


def people(root: Path, *names: str) -> list[Person]:
    return [Person(n, root / n) for n in names]


def make_team(
    root: Path,
    url: str,
    pdfs: list[Path],
    members: tuple[str, ...],
    assignments: dict[int, tuple[str, ...]],
) -> tuple[Person, list[Person]]:
    """A lead with documents and registered members; `team init`; every member joins."""
    lead, *others = people(root, "lead", *members)
    if pdfs:
        lead.ok("doc", "import", *map(str, pdfs))
    for m in others:
        lead.ok("user", "add", m.name, "--role", "annotator", "--key", m.key())
    for doc, names in assignments.items():
        lead.ok("team", "assign", str(doc), *names)
    lead.ok("team", "init", url)
    for m in others:
        m.ok("team", "join", url, "--as", m.name)
    return lead, others
