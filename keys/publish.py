"""What the key store publishes for verifiers: the CRL, and the trust folder they load.

Why apart from the store (:mod:`keys.store`): the store keeps secrets (private keys, the
passphrase); these are the public artefacts made from its state, and their rules are the
verifier's (spec §4, the trust chain and its revocation list):

* The CRL (RFC 5280 §5) lists every revoked certificate with its date and reason, is signed by
  the CA and is valid :data:`CRL_VALIDITY`. A verifier refuses a CRL past its ``nextUpdate``
  (``CRL_STALE``), so it is re-signed when half of that is left (:func:`crl_needs_renewal`).
* The trust folder holds the CA certificate, every signing certificate, the CRL and a
  ``trust.json`` manifest, named like the ANTS certificate directory (``FR00.pem``,
  ``FR00_0001.pem``). No private key is ever written. Revoked certificates are exported too:
  the CRL, not their absence, says they are revoked.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from keys.keyfile import write_atomic
from keys.pki import RevokedEntry, build_crl
from keys.records import REVOCATION_REASONS, certificate_info, utc

__all__ = ["CRL_VALIDITY", "crl_needs_renewal", "export_trust", "publish_crl"]

CRL_VALIDITY = dt.timedelta(days=30)


def publish_crl(
    directory: Path,
    state: dict[str, Any],
    *,
    ca_certificate: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> None:
    """Sign a new CRL of every revoked certificate of ``state`` and write ``crl.pem``.

    Increments ``state["crl_number"]`` (RFC 5280 §5.2.3: monotonically increasing); the caller
    saves the state, under the store's lock.
    """
    state["crl_number"] += 1
    entries = [
        RevokedEntry(
            serial=int(e["serial"], 16),
            revoked_at=utc(e["revoked_at"]),
            reason=REVOCATION_REASONS[e["reason"]],
        )
        for e in state["certificates"]
        if e["revoked_at"] is not None
    ]
    crl = build_crl(
        entries,
        ca_certificate=ca_certificate,
        ca_key=ca_key,
        number=state["crl_number"],
        this_update=now,
        next_update=now + CRL_VALIDITY,
    )
    write_atomic(directory / "crl.pem", crl.public_bytes(serialization.Encoding.PEM))


def crl_needs_renewal(crl: x509.CertificateRevocationList, now: dt.datetime) -> bool:
    """True when less than half of :data:`CRL_VALIDITY` is left before ``nextUpdate``."""
    next_update = crl.next_update_utc
    return next_update is None or next_update - now <= CRL_VALIDITY / 2


def export_trust(
    source: Path, state: dict[str, Any], directory: Path, *, mode: int = 0o644
) -> Path:
    """Copy the public files of the key store in ``source`` into ``directory``, with a manifest.

    The files are public (mode 0644) unless ``mode`` says otherwise: inside the data dir, where
    every file is private, the caller passes 0600 (and the folder is then made 0700).
    """
    ca_id = state["ca_id"]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if not mode & 0o077:  # private files: a private folder too, even one made before
        directory.chmod(0o700)
    copies = {f"{ca_id}.pem": "ca.pem", f"{ca_id}.crl.pem": "crl.pem"}
    for entry in state["certificates"]:
        copies[f"{ca_id}_{entry['cert_id']}.pem"] = f"certs/{entry['cert_id']}.pem"
    for name, relative in copies.items():
        write_atomic(directory / name, (source / relative).read_bytes(), mode=mode)
    manifest = {
        "format": "permis2d-trust/1",
        "ca_id": ca_id,
        "ca_certificate": f"{ca_id}.pem",
        "crl": f"{ca_id}.crl.pem",
        "certificates": [
            {**certificate_info(state, e).to_json(), "file": f"{ca_id}_{e['cert_id']}.pem"}
            for e in state["certificates"]
        ],
    }
    write_atomic(directory / "trust.json", json.dumps(manifest, indent=2).encode(), mode=mode)
    return directory
