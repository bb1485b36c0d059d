"""A person's Ed25519 signing key, made on first use in the user's config folder.

Never inside a project: a project folder is copied, backed up and shared; the key must stay
with the person (like ~/.ssh). The file is PKCS#8 PEM, mode 0600. AAL_CONFIG_DIR moves the
folder (tests, several identities on one machine).
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

from ..core.errors import AalError, ValidationFailed
from ..core.signing import SigningKey

KEY_FILE = "signing-key.pem"
ENV_DIR = "AAL_CONFIG_DIR"


class KeyFileError(AalError):
    """The key file exists but cannot be used (unreadable, open to others, not a key)."""


def config_dir() -> Path:
    """AAL_CONFIG_DIR, else the platform's user config folder for aal-desktop."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("aal-desktop", appauthor=False))


def key_path(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / KEY_FILE


def load_or_create(folder: Path | None = None) -> SigningKey:
    """This person's key: read it, or make it the first time (once, even if two processes
    start at the same moment: the file is created exclusively and only when complete)."""
    path = key_path(folder)
    if not path.exists():
        _create(path)
    return load(path)


def load(path: Path) -> SigningKey:
    try:
        mode = path.stat().st_mode
        if os.name != "nt" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"the signing key {path} is readable by others: run chmod 600 {path}"
            )
        pem = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"no signing key at {path}") from None
    except PermissionError:
        raise KeyFileError(f"cannot read the signing key {path}: permission denied") from None
    try:
        return SigningKey.from_pem(pem)
    except (ValueError, TypeError, ValidationFailed):
        raise KeyFileError(
            f"{path} is not an Ed25519 signing key: move it away to make a "
            "new one (members will need the new public key)"
        ) from None


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, SigningKey.generate().private_pem())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process made the key first: theirs wins
    except FileExistsError:
        pass
    except OSError:
        if not path.exists():
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
