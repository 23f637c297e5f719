"""Private files of the key store: encrypted key files, atomic writes, private folders.

Why PKCS#12 for a lone key: it is the one format for which ``cryptography`` lets us choose the
key derivation (``PrivateFormat.PKCS12.encryption_builder``; the PKCS#8 builder is refused by
the release we use). The key sits in a PKCS#8 shrouded key bag encrypted with PBES2:
PBKDF2-HMAC-SHA256 at :data:`KDF_ROUNDS` iterations (OWASP's 2023 figure for PBKDF2-SHA256) and
AES-256-CBC, where ``BestAvailableEncryption`` gave PKCS#8 with 2,048 iterations (issue 10,
item 7). Decrypting costs about 0.2 s, once per process (the key store caches keys).

Keys written by earlier releases (``*.key.pem``, PKCS#8 PEM) still load, and
``permis2d keys rewrap`` re-encrypts them in the current format.

Everything here is private: folders 0700, files 0600 (the data dir's rule).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from keys.errors import KeyStoreError, PassphraseError

__all__ = ["KDF_ROUNDS", "KEY_SUFFIX", "LEGACY_KEY_SUFFIX", "is_legacy", "key_path", "private_dir",
           "read_key", "write_atomic", "write_key"]

KDF_ROUNDS = 600_000
"""PBKDF2-HMAC-SHA256 iterations protecting each private key (OWASP password storage, 2023)."""
KEY_SUFFIX = ".key.p12"
LEGACY_KEY_SUFFIX = ".key.pem"


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700 (``mkdir`` gives it to the last)."""
    for folder in reversed([p for p in (path, *path.parents) if not p.exists()]):
        folder.mkdir(mode=0o700, exist_ok=True)
    return path


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half a file)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # the umask may have narrowed a wider mode given on purpose
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def key_path(stem: Path) -> Path:
    """The key file of ``stem`` (``certs/0001``): the current format, else a legacy one."""
    current = stem.with_name(stem.name + KEY_SUFFIX)
    legacy = stem.with_name(stem.name + LEGACY_KEY_SUFFIX)
    return legacy if not current.exists() and legacy.exists() else current


def is_legacy(path: Path) -> bool:
    """Whether ``path`` is a key file of an earlier release (PKCS#8 PEM, 2,048 iterations)."""
    return path.name.endswith(LEGACY_KEY_SUFFIX)


def write_key(stem: Path, key: ec.EllipticCurvePrivateKey, passphrase: bytes) -> Path:
    """Encrypt ``key`` under ``passphrase`` into ``<stem>.key.p12`` (0600); return the path."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )
    data = pkcs12.serialize_key_and_certificates(stem.name.encode(), key, None, None, encryption)
    path = stem.with_name(stem.name + KEY_SUFFIX)
    write_atomic(path, data)
    return path


def read_key(path: Path, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    """Decrypt the key file ``path`` (either format); errors name the file, never the secret."""
    try:
        data = path.read_bytes()
        if is_legacy(path):
            key: Any = serialization.load_pem_private_key(data, passphrase)
        else:
            key = pkcs12.load_key_and_certificates(data, passphrase)[0]
    except FileNotFoundError as exc:
        raise KeyStoreError(f"private key file missing: {path.name}") from exc
    except (ValueError, TypeError) as exc:
        raise PassphraseError(
            f"cannot decrypt {path.name}: wrong PERMIS2D_KEY_PASSPHRASE?"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyStoreError(f"{path.name} is not an EC private key")
    return key
