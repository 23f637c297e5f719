"""A throw-away test PKI built with ``cryptography`` alone, fixed dates, for the verify tests.

Why our own: the verifier must be judged on certificates the product did not make. Layout as
the ANTS certificate directory (§3.3 p.15; ../shared/vectors/README.md): ``FR00.pem`` (CA,
CN = CA id), ``FR00_0001.pem`` … (leaf, subject CN = cert id, issuer CN = CA id) and a CRL
signed by the CA. Nothing is written unless :func:`build_pki` is called with a folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

UTC = dt.UTC


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "independent test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _when(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class CA:
    """A CA key and self-signed certificate, and the leaves it issued (by cert id)."""

    ca_id: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    leaves: dict[str, tuple[ec.EllipticCurvePrivateKey, x509.Certificate]] = field(
        default_factory=dict)

    @classmethod
    def create(cls, ca_id: str, serial: int) -> CA:
        """A CA valid 2020-01-01 to 2040-01-01."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(ca_id)).issuer_name(_name(ca_id))
                .public_key(key.public_key()).serial_number(serial)
                .not_valid_before(_when(dt.date(2020, 1, 1)))
                .not_valid_after(_when(dt.date(2040, 1, 1)))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                             False, False), critical=True)
                .sign(key, hashes.SHA256()))
        return cls(ca_id, key, cert)

    def issue(self, cert_id: str, serial: int, start: dt.date, end: dt.date,
              curve: ec.EllipticCurve | None = None) -> ec.EllipticCurvePrivateKey:
        """A signing certificate CN = ``cert_id`` valid ``start``–``end``; returns its key."""
        key = ec.generate_private_key(curve or ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(cert_id))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(serial).not_valid_before(_when(start))
                .not_valid_after(_when(end))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, False, False, False, False, False, False,
                                             False, False), critical=True)
                .sign(self.key, hashes.SHA256()))
        self.leaves[cert_id] = (key, cert)
        return key

    def crl(self, revoked: list[str], on: dt.date) -> x509.CertificateRevocationList:
        """A CRL signed by the CA listing the leaves ``revoked``, valid to 2040."""
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
                   .last_update(_when(on)).next_update(_when(dt.date(2040, 1, 1))))
        for cert_id in revoked:
            entry = (x509.RevokedCertificateBuilder()
                     .serial_number(self.leaves[cert_id][1].serial_number)
                     .revocation_date(_when(on)).build())
            builder = builder.add_revoked_certificate(entry)
        return builder.sign(self.key, hashes.SHA256())

    def export(self, folder: Path, cert_ids: list[str],
               crl: x509.CertificateRevocationList | None) -> None:
        """Write ``{CA}.pem``, ``{CA}_{id}.pem`` for ``cert_ids`` and ``{CA}.crl.pem``."""
        folder.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        (folder / f"{self.ca_id}.pem").write_bytes(self.cert.public_bytes(pem))
        for cert_id in cert_ids:
            path = folder / f"{self.ca_id}_{cert_id}.pem"
            path.write_bytes(self.leaves[cert_id][1].public_bytes(pem))
        if crl is not None:
            (folder / f"{self.ca_id}.crl.pem").write_bytes(crl.public_bytes(pem))
