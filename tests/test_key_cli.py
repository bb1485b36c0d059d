"""`aal key show`: the public key alone on one line, made once, kept out of the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aal_desktop.cli.main import main
from aal_desktop.core.signing import SigningKey, parse_public_key, verify
from aal_desktop.identity import keys

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_key_show_prints_the_public_key_alone_and_the_same_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "cfg"
    monkeypatch.setenv("AAL_CONFIG_DIR", str(config))
    db = tmp_path / "project" / "aal.sqlite3"
    code, out, err = run(capsys, "--db", str(db), "key", "show")
    assert code == 0 and "made a new signing key" in err
    assert out.count("\n") == 1 and out.startswith("ed25519:")
    parse_public_key(out.strip())
    code, again, err = run(capsys, "--db", str(db), "key", "show")
    assert code == 0 and again == out and err == ""
    data = json.loads(run(capsys, "key", "show", "--json")[1])
    assert data == {
        "public_key": out.strip(),
        "key_file": str(config / keys.KEY_FILE),
        "created": False,
    }
    # The private key signs what the printed public key verifies.
    key = keys.load_or_create()
    assert verify(out.strip(), b"x", key.sign(b"x"))
    assert not db.parent.exists()  # never inside a project


def test_a_bad_key_file_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AAL_CONFIG_DIR", str(tmp_path))
    (tmp_path / keys.KEY_FILE).write_bytes(SigningKey.generate().private_pem())
    (tmp_path / keys.KEY_FILE).chmod(0o644)
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    code, out, err = run(capsys, "key", "show")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "readable by others" in err


def test_key_show_as_a_command_in_its_own_home(tmp_path: Path) -> None:
    """Two people on one machine (different HOMEs) get different keys, in their config."""
    env = {k: v for k, v in os.environ.items() if k not in ("AAL_CONFIG_DIR", "XDG_CONFIG_HOME")}
    printed = []
    for person in ("ana", "bob"):
        home = tmp_path / person
        home.mkdir()
        out = subprocess.run(
            [sys.executable, "-m", "aal_desktop.cli.main", "key", "show"],
            cwd=ROOT,
            env={**env, "HOME": str(home)},
            capture_output=True,
            text=True,
            check=True,
        )
        printed.append(out.stdout.strip())
        if sys.platform.startswith("linux"):
            assert (home / ".config" / "aal-desktop" / keys.KEY_FILE).is_file()
    assert printed[0] != printed[1] and all(p.startswith("ed25519:") for p in printed)
