"""Trust material: the certificates and CRLs one ``--trust`` source contributes, read safely.

Why apart from the store (:mod:`verifier.trust`): reading is where hostile bytes arrive. A
source is a folder (searched recursively, so the layout of ``permis2d keys export-trust`` does
not matter) of PEM or DER certificates and X.509 CRLs plus any TSL ``*.xml`` in it, or a single
certificate, CRL or TSL file. Every malformed certificate, CRL or PEM block becomes a note, never
an exception out of the load; a private key is skipped unread. What is an anchor is decided
here per certificate (basic constraints ``cA``, or self-signed without constraints; a TSL
service whose status is granted, :func:`verifier.tsl.read_tsl`) and per source (a TSL names the
CAs it does not accept); the store combines the sources and applies the trust model of spec §4.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from verifier.trust_errors import TrustStoreError, TSLRefusedError
from verifier.tsl import read_tsl

__all__ = [
    "CACertificate",
    "TSLSource",
    "TrustMaterial",
    "common_name",
    "fingerprint",
    "load_material",
]

#: Files a trust folder may hold beside its certificates, skipped without a note.
_NOT_CERTIFICATES = frozenset({".json", ".md", ".txt", ".html", ".sig", ".sha256"})
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)

def common_name(name: x509.Name) -> str | None:
    """The first CN of an X.509 name as text, or None."""
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attrs:
        return None
    value = attrs[0].value
    return value if isinstance(value, str) else value.decode("latin-1")


# What cryptography raises for a malformed certificate or CRL: not only ValueError but also its
# own InvalidVersion (a version field of 58), DuplicateExtension, UnsupportedGeneralNameType and
# UnsupportedAlgorithm (an unknown curve), none of them a ValueError (found by
# fuzz/fuzz_trust_load.py). Every loader turns these into a note.
_X509_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
    UnsupportedAlgorithm,
)


def _parsed(cert: x509.Certificate) -> x509.Certificate:
    """Parse now what cryptography reads lazily: names, serial, validity; ValueError if broken.

    Why: cryptography parses a certificate's names only when first asked, so a malformed issuer
    (a CN that is not UTF-8) loaded without error and raised ``ValueError`` later, inside
    ``TrustStore()`` (found by fuzz/fuzz_trust_load.py). Every loader calls this where it already
    turns a ``ValueError`` into a note, so a broken certificate is skipped with a note.
    """
    cert.subject.rfc4514_string()
    cert.issuer.rfc4514_string()
    _ = (cert.serial_number, cert.not_valid_before_utc, cert.not_valid_after_utc)
    return cert


def _parsed_crl(crl: x509.CertificateRevocationList) -> x509.CertificateRevocationList:
    """Parse now what cryptography reads lazily in a CRL: its issuer and every revoked entry."""
    crl.issuer.rfc4514_string()
    for revoked in crl:
        _ = revoked.serial_number
    return crl


def fingerprint(cert: x509.Certificate) -> bytes:
    """The SHA-256 fingerprint: how a TSL's distrust and duplicate sources are matched."""
    return cert.fingerprint(hashes.SHA256())


def _basic_constraints_ca(cert: x509.Certificate) -> bool | None:
    """The ``cA`` flag of the basic constraints, None when the extension is absent."""
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return None
    # A malformed extension is never something to anchor trust on; a repeated one raises
    # DuplicateExtension, which is no ValueError (found by fuzz/fuzz_trust_load.py).
    except (ValueError, x509.DuplicateExtension):
        return False


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


@dataclass(frozen=True)
class CACertificate:
    """A CA certificate with its CA id and whether it is a trust anchor."""

    ca_id: str
    certificate: x509.Certificate
    anchor: bool
    source: str


@dataclass
class TrustMaterial:
    """What one source contributes: certificates, CRLs, anchors and TSL verdicts."""

    cas: list[CACertificate] = field(default_factory=list)
    leaves: list[tuple[x509.Certificate, str]] = field(default_factory=list)
    crls: list[tuple[x509.CertificateRevocationList, str]] = field(default_factory=list)
    distrusted: set[bytes] = field(default_factory=set)  # CA fingerprints a TSL does not accept
    notes: list[str] = field(default_factory=list)
    from_tsl: bool = False  # a trust service list names the trusted CAs

    def extend(self, other: TrustMaterial) -> None:
        """Add everything of ``other`` to this material."""
        self.from_tsl |= other.from_tsl
        self.cas.extend(other.cas)
        self.leaves.extend(other.leaves)
        self.crls.extend(other.crls)
        self.distrusted |= other.distrusted
        self.notes.extend(other.notes)


class TSLSource:
    """An ANTS trust service list as trust material: its granted CAs anchor, the others distrust.

    ``signers`` are the pinned signer certificates (:func:`verifier.tsl_signature.
    load_tsl_signers`); reading and signature rules are in :func:`verifier.tsl.read_tsl`.
    """

    def __init__(self, path: Path, signers: Sequence[x509.Certificate] = ()) -> None:
        self.path = path
        self.signers = tuple(signers)

    def material(self) -> TrustMaterial:
        """Read the list into trust material; raise :class:`TrustStoreError` if it is unusable."""
        tsl = read_tsl(self.path, self.signers)
        out = TrustMaterial(from_tsl=True, notes=list(tsl.notes))
        for service in tsl.services:
            for text in service.certificates:
                try:
                    der = base64.b64decode("".join(text.split()), validate=True)
                    cert = _parsed(x509.load_der_x509_certificate(der))
                except (binascii.Error, *_X509_ERRORS) as exc:
                    out.notes.append(f"{self.path}: {service.ca_id}: unreadable X509Certificate "
                                     f"({exc})")
                    continue
                if service.granted:
                    source = f"{self.path} ({service.ca_id})"
                    out.cas.append(CACertificate(service.ca_id, cert, True, source))
                else:
                    out.distrusted.add(fingerprint(cert))
                    out.notes.append(f"{self.path}: {service.ca_id} has status "
                                     f"{service.status!r}: not trusted")
        return out


def _parse_file(path: Path, out: TrustMaterial) -> None:
    """Add the certificates and CRLs of one PEM or DER file to ``out``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.notes.append(f"{path}: unreadable ({exc.strerror})")
        return
    if b"-----BEGIN" in data:
        blocks = [(m.group(1).decode(), m.group(0)) for m in _PEM_BLOCK.finditer(data)]
        for kind, block in blocks:
            _parse_pem_block(path, kind, block, out)
        if not blocks:
            out.notes.append(f"{path}: no complete PEM block")
        return
    try:
        _add_certificate(_parsed(x509.load_der_x509_certificate(data)), str(path), out)
        return
    except _X509_ERRORS:
        pass
    try:
        out.crls.append((_parsed_crl(x509.load_der_x509_crl(data)), str(path)))
    except _X509_ERRORS:
        out.notes.append(f"{path}: neither a certificate nor a CRL, skipped")


def _parse_pem_block(path: Path, kind: str, block: bytes, out: TrustMaterial) -> None:
    try:
        if kind in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"):
            _add_certificate(_parsed(x509.load_pem_x509_certificate(block)), str(path), out)
        elif kind == "X509 CRL":
            out.crls.append((_parsed_crl(x509.load_pem_x509_crl(block)), str(path)))
        elif "PRIVATE KEY" in kind:
            # The verifier is deployed apart from the keys: it never loads a private key.
            out.notes.append(f"{path}: private key ignored (the verifier never reads them)")
        else:
            out.notes.append(f"{path}: PEM block {kind!r} ignored")
    except _X509_ERRORS as exc:
        out.notes.append(f"{path}: unreadable PEM {kind.lower()} ({exc})")


def _add_certificate(cert: x509.Certificate, source: str, out: TrustMaterial) -> None:
    """File a certificate as a CA (``cA`` set, or self-signed without constraints) or a leaf.

    A self-signed certificate without basic constraints is both: the spec's old test
    certificates carry no extensions at all.
    """
    flag = _basic_constraints_ca(cert)
    if flag or (flag is None and _self_signed(cert)):
        ca_id = common_name(cert.subject)
        if ca_id is None:
            out.notes.append(f"{source}: CA certificate without a CN, skipped")
        else:
            out.cas.append(CACertificate(ca_id, cert, True, source))
    if not flag:
        out.leaves.append((cert, source))


def load_material(
    path: Path | str, *, tsl_signers: Sequence[x509.Certificate] = ()
) -> TrustMaterial:
    """Read one trust source: a folder (recursively), a TSL XML file, or a PEM/DER file.

    ``tsl_signers`` pin the signers of every TSL found (:class:`TSLSource`).
    """
    path = Path(path)
    if path.is_dir():
        out = TrustMaterial()
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in _NOT_CERTIFICATES or child.name.startswith("."):
                continue  # manifests and notes, e.g. the trust.json of keys export-trust
            if child.suffix.lower() == ".xml":
                try:
                    out.extend(TSLSource(child, tsl_signers).material())
                except TSLRefusedError:
                    raise  # never fall back to the folder's own CAs (fail closed)
                except TrustStoreError as exc:
                    out.notes.append(str(exc))
            else:
                _parse_file(child, out)
        return out
    if path.is_file():
        if path.suffix.lower() == ".xml":
            return TSLSource(path, tsl_signers).material()
        out = TrustMaterial()
        _parse_file(path, out)
        if not (out.cas or out.leaves or out.crls):
            raise TrustStoreError("no certificate or CRL in file", path=path)
        return out
    raise TrustStoreError("trust source not found", path=path)
