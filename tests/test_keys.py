"""Signing keys: made once per person in the config folder, private, text form round-trips."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from aal_desktop.core.errors import ValidationFailed
from aal_desktop.core.signing import SigningKey, parse_public_key, public_key_text, verify
from aal_desktop.identity import keys


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config" / "aal-desktop"
    monkeypatch.setenv("AAL_CONFIG_DIR", str(folder))
    return folder


def test_key_is_made_on_first_use_private_and_reused(config: Path) -> None:
    assert not config.exists()
    first = keys.load_or_create()
    path = config / keys.KEY_FILE
    assert path.is_file()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = keys.load_or_create()
    assert again.public == first.public
    assert [p.name for p in config.iterdir()] == [keys.KEY_FILE]  # no temporaries left


def test_the_default_folder_is_the_platform_config_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AAL_CONFIG_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from platformdirs import user_config_dir

    assert keys.config_dir() == Path(user_config_dir("aal-desktop", appauthor=False))
    if sys.platform.startswith("linux"):
        assert keys.config_dir() == tmp_path / "xdg" / "aal-desktop"


def test_two_processes_starting_together_get_one_key(config: Path) -> None:
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(keys.load_or_create().public))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 6


def test_a_key_file_open_to_others_is_refused(config: Path) -> None:
    keys.load_or_create()
    path = config / keys.KEY_FILE
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    path.chmod(0o644)
    with pytest.raises(keys.KeyFileError, match="readable by others: run chmod 600"):
        keys.load_or_create()


def test_a_file_that_is_not_a_key_is_refused_not_replaced(config: Path) -> None:
    config.mkdir(parents=True)
    path = config / keys.KEY_FILE
    path.write_bytes(b"not a key")
    path.chmod(0o600)
    with pytest.raises(keys.KeyFileError, match="is not an Ed25519 signing key"):
        keys.load_or_create()
    assert path.read_bytes() == b"not a key"


def test_public_key_text_round_trips_and_rejects_near_misses() -> None:
    key = SigningKey.generate()
    text = key.public
    assert text.startswith("ed25519:") and len(text) == len("ed25519:") + 43
    assert public_key_text(parse_public_key(text)) == text
    for bad in (
        "",
        text[:-1],
        text + "A",
        "rsa:" + text[8:],
        text.replace("ed25519:", ""),
        text[:-1] + "=",
        "ed25519:" + "!" * 43,
    ):
        with pytest.raises(ValidationFailed, match="is not a public key"):
            parse_public_key(bad)


def test_sign_and_verify_bytes() -> None:
    ana, bob = SigningKey.generate(), SigningKey.generate()
    sig = ana.sign(b"bundle bytes")
    assert len(sig) == 64
    assert verify(ana.public, b"bundle bytes", sig)
    assert not verify(ana.public, b"bundle bytez", sig)
    assert not verify(bob.public, b"bundle bytes", sig)
    assert not verify("ed25519:garbage", b"bundle bytes", sig)
    assert not verify(ana.public, b"bundle bytes", b"\0" * 64)


def test_the_key_file_is_standard_pkcs8_pem(config: Path) -> None:
    """PKCS#8 PEM: the standard form, so a person can back it up and inspect it."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = keys.load_or_create()
    loaded = load_pem_private_key((config / keys.KEY_FILE).read_bytes(), password=None)
    assert SigningKey(loaded).public == key.public  # type: ignore[arg-type]
