"""Errors of the PKI package: one base class, one subclass per kind (STYLE §3)."""

from __future__ import annotations

__all__ = [
    "CertificateIdError",
    "KeyStoreError",
    "KeyStoreExistsError",
    "KeyStoreMissingError",
    "PassphraseError",
    "UnknownCertificateError",
]


class KeyStoreError(Exception):
    """Base class of every error raised by :mod:`keys`."""


class KeyStoreMissingError(KeyStoreError):
    """No PKI in the key directory yet: run ``permis2d keys init``."""


class KeyStoreExistsError(KeyStoreError):
    """``keys init`` on a directory that already holds a CA: refuse to overwrite it."""


class PassphraseError(KeyStoreError):
    """A private key could not be decrypted with the configured passphrase."""


class CertificateIdError(KeyStoreError, ValueError):
    """A certificate id is not 4 characters of ``[A-Z0-9]``, or is already taken."""


class UnknownCertificateError(KeyStoreError):
    """No certificate with that id in this key store."""
