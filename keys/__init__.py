"""The PKI of permis2d: CA, 2D-Doc signing certificates, rotation, revocation, trust list.

Typical use::

    from keys import KeyStore
    store = KeyStore.open(settings)              # <data dir>/keys, passphrase from settings
    store.init(now=now)                          # CA FR00 + signing certificate P2D1 (active)
    active = store.active_signer()               # .ca_id, .cert_id, .signer (a twoddoc Signer)
    store.rotate(now=now)                        # P2D2 becomes active; P2D1 stays trusted
    store.revoke("P2D1", now=now)                # a new CRL, signed by the CA
    store.export_trust(Path("trust"))            # CA, leaves, CRL, trust.json: for a verifier
"""

from keys.errors import (
    CertificateIdError,
    KeyStoreError,
    KeyStoreExistsError,
    KeyStoreMissingError,
    PassphraseError,
    UnknownCertificateError,
)
from keys.signer import PrivateKeySigner
from keys.store import REVOCATION_REASONS, ActiveSigner, CertificateInfo, KeyStore

__all__ = [
    "REVOCATION_REASONS",
    "ActiveSigner",
    "CertificateIdError",
    "CertificateInfo",
    "KeyStore",
    "KeyStoreError",
    "KeyStoreExistsError",
    "KeyStoreMissingError",
    "PassphraseError",
    "PrivateKeySigner",
    "UnknownCertificateError",
]
