"""Ed25519 signatures and the text form of a public key ("ed25519:" + base64url, 32 bytes).

Pure: keys are values here; where a person's private key lives is `identity.keys`' job.
A name typed on a command line is a claim, a signature is a proof (DESIGN.md, Teams).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ValidationFailed

PREFIX = "ed25519:"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(raw: bytes) -> str:
    """The short text of a 32-byte public key, as `aal key show` prints and `--key` takes."""
    if len(raw) != 32:
        raise ValidationFailed("an Ed25519 public key has 32 bytes")
    return PREFIX + _b64(raw)


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of a key's text; ValidationFailed (one line) for anything else."""
    text = text.strip()
    body = text[len(PREFIX) :] if text.startswith(PREFIX) else None
    try:
        raw = _unb64(body) if body is not None and "=" not in body else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or body != _b64(raw):
        raise ValidationFailed(
            f"'{text[:60]}' is not a public key: expected ed25519: and 43 "
            "characters, as `aal key show` prints it"
        )
    return raw


def signature_text(signature: bytes) -> str:
    return _b64(signature)


def verify(public_key: str, data: bytes, signature: str | bytes) -> bool:
    """True only when `signature` is `public_key`'s signature of exactly `data`."""
    try:
        raw_sig = _unb64(signature) if isinstance(signature, str) else signature
        key = Ed25519PublicKey.from_public_bytes(parse_public_key(public_key))
        key.verify(raw_sig, data)
        return True
    except (InvalidSignature, ValidationFailed, binascii.Error, ValueError):
        return False


@dataclass(frozen=True)
class SigningKey:
    """A person's private key in memory; `public` is what others verify with."""

    _key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @property
    def public(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return public_key_text(self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, data: bytes) -> bytes:
        """The 64-byte signature of `data`."""
        return self._key.sign(data)

    def private_pem(self) -> bytes:
        """PKCS#8 PEM, the form the key file holds (what OpenSSL and ssh-keygen read)."""
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
        )

        return self._key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValidationFailed("the key file does not hold an Ed25519 private key")
        return cls(key)
