"""Build the X.509 objects of the 2D-Doc PKI: CA, signing certificates, CRLs.

Pure functions: keys, names and times in, ``cryptography`` objects out; no file, clock or
environment. The naming follows the 2D-Doc specification (§3.3 and §5 of the ANTS spec v3.2.6):
the header carries a 4-character CA id (``FR00``…) and a 4-character certificate id; a verifier
finds the signing certificate whose subject CN is the certificate id and whose issuer CN is the
CA id. ``FR00`` is the range the specification reserves for tests: our demo default. Our first
signing certificate is :data:`FIRST_CERT_ID`, not ``0001`` (see there).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keys.errors import CertificateIdError

__all__ = [
    "CURVES",
    "FIRST_CERT_ID",
    "RevokedEntry",
    "build_ca_certificate",
    "build_crl",
    "build_signing_certificate",
    "check_cert_id",
    "generate_key",
    "hash_for",
    "next_cert_id",
]

#: The curves the specification allows (§3.5), by the name our CLI uses.
CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
}

_ID = re.compile(r"[A-Z0-9]{4}")
_ID_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORGANISATION = "permis2d"

FIRST_CERT_ID = "P2D1"
"""The first signing certificate id a new PKI allocates ("permis2d 1"), then P2D2 … P2DZ, P2E0.

Not ``0001``: under the test CA ``FR00`` that id is the specification's own test certificate
(``FR00_0001.pem``, which signs its reference codes, annex 16). A verifier given both would hold
two certificates named ``FR00/0001`` and could check only one set of codes; with our own ids the
spec's codes stay checkable beside ours (issue 9, item 8).
"""


def next_cert_id(taken: Collection[str]) -> str:
    """The first id from :data:`FIRST_CERT_ID` on, in base-36 order, that is not in ``taken``."""
    number = int(FIRST_CERT_ID, 36)
    while True:
        digits, n = "", number
        for _ in range(4):
            n, rem = divmod(n, 36)
            digits = _ID_DIGITS[rem] + digits
        if digits not in taken:
            return digits
        number += 1


def check_cert_id(value: str, *, what: str = "certificate id") -> str:
    """Return ``value`` if it is a valid 4-character 2D-Doc id (``[A-Z0-9]{4}``), else raise."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise CertificateIdError(f"{what} {value!r}: must be 4 characters of A-Z or 0-9")
    return value


def generate_key(curve: str = "P-256") -> ec.EllipticCurvePrivateKey:
    """A fresh ECDSA private key on one of the spec's curves."""
    try:
        return ec.generate_private_key(CURVES[curve])
    except KeyError as exc:
        raise ValueError(f"unknown curve {curve!r}; choose one of {', '.join(CURVES)}") from exc


def hash_for(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> hashes.HashAlgorithm:
    """The hash the spec pairs with a curve: SHA-256, -384 or -512 (§3.5)."""
    return {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def build_ca_certificate(
    key: ec.EllipticCurvePrivateKey,
    ca_id: str,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int,
) -> x509.Certificate:
    """A self-signed CA certificate whose subject CN is the 2D-Doc CA id.

    ``pathlen=0``: the CA signs signing certificates only, never another CA.
    """
    check_cert_id(ca_id, what="CA id")
    public = key.public_key()
    name = _name(ca_id)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hash_for(key))
    )


def build_signing_certificate(
    public_key: ec.EllipticCurvePublicKey,
    cert_id: str,
    *,
    ca_certificate: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int,
) -> x509.Certificate:
    """A 2D-Doc signing certificate: subject CN = certificate id, issued by the CA.

    Key usage is ``digitalSignature`` only: the key signs barcodes, nothing else.
    """
    check_cert_id(cert_id)
    ca_public = ca_certificate.public_key()
    assert isinstance(ca_public, ec.EllipticCurvePublicKey)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(cert_id))
        .issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False
        )
        .sign(ca_key, hash_for(ca_key))
    )


@dataclass(frozen=True)
class RevokedEntry:
    """One line of a CRL: the certificate's serial, when it was revoked, and why."""

    serial: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified


def build_crl(
    entries: list[RevokedEntry],
    *,
    ca_certificate: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
) -> x509.CertificateRevocationList:
    """An X.509 v2 CRL signed by the CA, listing every revoked signing certificate."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
    )
    for entry in entries:
        revoked = x509.RevokedCertificateBuilder().serial_number(entry.serial)
        revoked = revoked.revocation_date(entry.revoked_at)
        if entry.reason is not x509.ReasonFlags.unspecified:
            revoked = revoked.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    return builder.sign(ca_key, hash_for(ca_key))
