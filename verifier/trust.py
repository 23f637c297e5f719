"""The verifier's trust store: which certificates may sign a 2D-Doc, and which are revoked.

A 2D-Doc header names its signer by two 4-character ids (spec §3.3, p.17–20): the CA id
(*identifiant de l'autorité de certification*, e.g. ``FR03``) and the certificate id
(*identifiant du certificat*, e.g. ``EDF1``). The spec's trust model (§4, "chaîne de confiance")
maps them to X.509: the signing (leaf) certificate has subject CN = certificate id and issuer
CN = CA id; the CA's certificate is published by ANTS in a trust service list (ETSI TS 102 231
XML) whose ``TSPTradeName`` is the CA id and whose ``ServiceStatus`` is ``…/inaccord``
(:mod:`verifier.tsl` reads the list, :mod:`verifier.tsl_signature` checks its signature).

Sources, combined in one store (:meth:`TrustStore.load`, repeatable ``--trust``):

* a folder (searched recursively, so the layout of ``permis2d keys export-trust`` does not
  matter) of PEM or DER certificates and X.509 CRLs, plus any TSL ``*.xml`` found in it;
* a single certificate, CRL or TSL XML file.

Policy choices, made here once (fail closed, as sigstore's verifier does):

* An empty store trusts nothing: every lookup misses.
* Trust anchors are the CA certificates the operator handed over: a TSL service whose status is
  exactly granted (:data:`verifier.tsl.GRANTED_STATUSES`), or a CA certificate (basic
  constraints ``cA``, or self-signed) found in a folder given with ``--trust``. An
  intermediate CA such as ``FR03`` (issued by "Certigna Root CA") is an anchor by itself: the
  2D-Doc trust list publishes the CA, not its root. The spec's test CA ``FR00`` is therefore
  trusted only when its certificate is given.
* A TSL whose XML signature fails is refused. When the operator pins its signers
  (``tsl_signers``: ``--tsl-signer``, ``PERMIS2D_TSL_SIGNERS``), it is used only when one of them
  signed it; without pins it is used with a note naming its signer. A refused list stops the
  load even inside a folder (:class:`TSLRefusedError`).
* A CA certificate that any loaded TSL lists with another status (withdrawn, suspended…) is not
  an anchor, whatever folder also holds it.
* A leaf is found by (issuer CN, subject CN), never by file name; its chain is trusted only when
  its signature verifies with an anchored CA certificate of that CN. A leaf whose CA certificate
  is absent (the spec's ``FR00_0001.pem``) is still *known*, so the document's signature can be
  checked with it, but its chain is reported as not verified (:attr:`ChainStatus.NO_CA`).
* A CRL counts only when its signature verifies with a CA certificate of its issuer CN. A serial
  listed there is revoked whatever the revocation date. A CRL that claims a known CA but does not
  verify makes that CA's revocation status unknown, which fails the check rather than ignoring
  a revocation list somebody meant us to honour.
* Private keys are never read: a PEM ``PRIVATE KEY`` block is skipped and noted.

Loading parses every certificate and public key once; a leaf's chain is checked on first use
and cached, and a revocation answer is one lookup by serial in the verified CRLs, so verifying
thousands of texts costs one ECDSA verify each plus a few dictionary reads.

CA certificates' own validity periods are not checked: the ANTS list still publishes CAs whose
certificate has expired (FR01 in 2022, FR04 in 2025) because codes they certified stay
verifiable; each leaf's validity at the signature date is judged by the policy.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from verifier.trust_errors import TrustStoreError, TSLRefusedError
from verifier.tsl import read_tsl

__all__ = [
    "CACertificate",
    "ChainStatus",
    "LeafCertificate",
    "RevocationStatus",
    "TSLRefusedError",
    "TSLSource",
    "TrustMaterial",
    "TrustStore",
    "TrustStoreError",
    "load_material",
]

#: Files a trust folder may hold beside its certificates, skipped without a note.
_NOT_CERTIFICATES = frozenset({".json", ".md", ".txt", ".html", ".sig", ".sha256"})
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)


class ChainStatus(Enum):
    """Whether a leaf certificate chains to a trusted CA (spec §4, trust chain)."""

    TRUSTED = "trusted"
    NO_CA = "no_ca"  # no certificate of the CA named by the leaf's issuer CN
    BAD_SIGNATURE = "bad_signature"  # CA certificates present, none signed this leaf
    CA_NOT_TRUSTED = "ca_not_trusted"  # signed by a CA certificate that is not an anchor


class RevocationStatus(Enum):
    """What the verified CRLs say about a leaf certificate."""

    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # a CRL of that CA failed its signature check


def _common_name(name: x509.Name) -> str | None:
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


def _fingerprint(cert: x509.Certificate) -> bytes:
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


@dataclass(frozen=True)
class LeafCertificate:
    """A signing certificate: (CA id, certificate id), its parsed public key and where it came from.

    ``public_key`` is parsed once at load. The curve of this key, never the barcode, fixes the
    signature length and hash (spec §3.5: P-256/SHA-256, P-384/SHA-384, P-521/SHA-512).
    """

    ca_id: str
    cert_id: str
    certificate: x509.Certificate
    public_key: Any
    source: str

    @cached_property
    def summary(self) -> dict[str, str]:
        """The certificate as the report shows it (computed once per certificate)."""
        cert = self.certificate
        return {
            "ca_id": self.ca_id,
            "cert_id": self.cert_id,
            "serial": format(cert.serial_number, "X"),
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "subject": cert.subject.rfc4514_string(),
            "source": self.source,
        }

    @property
    def signature_length(self) -> int | None:
        """Raw r||s length in bytes for an EC key (64 for P-256), None for other keys."""
        if isinstance(self.public_key, ec.EllipticCurvePublicKey):
            return 2 * ((self.public_key.curve.key_size + 7) // 8)
        return None


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
                    out.distrusted.add(_fingerprint(cert))
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
        ca_id = _common_name(cert.subject)
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


class TrustStore:
    """Trusted CAs, known signing certificates and verified CRLs, combined from sources.

    Build it once (:meth:`load`) and share it: lookups are dictionary reads, and the chain and
    revocation status of each leaf is computed once and cached.
    """

    def __init__(self, material: TrustMaterial | None = None) -> None:
        material = material or TrustMaterial()
        self.notes: tuple[str, ...] = tuple(material.notes)
        #: True when a TSL is among the sources: then it alone says which CAs are trusted, and
        #: every leaf must chain to one of them (issue 6). Without one, a leaf the operator put
        #: in a --trust folder is checked against its CA only when that CA is given (issue 3).
        self.has_tsl = material.from_tsl
        self._cas: dict[str, list[CACertificate]] = {}
        seen: set[tuple[str, bytes]] = set()
        for ca in material.cas:
            fp = _fingerprint(ca.certificate)
            if (ca.ca_id, fp) in seen:
                continue
            seen.add((ca.ca_id, fp))
            anchored = ca.anchor and fp not in material.distrusted
            self._cas.setdefault(ca.ca_id, []).append(
                CACertificate(ca.ca_id, ca.certificate, anchored, ca.source)
            )
        self._leaves: dict[tuple[str, str], list[LeafCertificate]] = {}
        seen_leaves: set[bytes] = set()
        for cert, source in material.leaves:
            fp = _fingerprint(cert)
            ca_id, cert_id = _common_name(cert.issuer), _common_name(cert.subject)
            if fp in seen_leaves or ca_id is None or cert_id is None:
                continue
            seen_leaves.add(fp)
            # An unknown curve raises UnsupportedAlgorithm, not ValueError (fuzz_trust_load.py).
            try:
                key = cert.public_key()
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                self.notes += (f"{source}: public key unusable ({exc})",)
                continue
            leaf = LeafCertificate(ca_id, cert_id, cert, key, source)
            self._leaves.setdefault((ca_id, cert_id), []).append(leaf)
        self._crls: dict[str, list[x509.CertificateRevocationList]] = {}
        self._bad_crl: set[str] = set()
        for crl, source in material.crls:
            self._add_crl(crl, source)
        self._chain_cache: dict[int, tuple[LeafCertificate, ChainStatus]] = {}

    @classmethod
    def load(
        cls, paths: Iterable[Path | str], *, tsl_signers: Sequence[x509.Certificate] = ()
    ) -> TrustStore:
        """Combine trust sources (folders, TSL XML files, certificate files) into one store.

        ``tsl_signers``: the pinned TSL signers (:func:`verifier.tsl_signature.load_tsl_signers`).
        """
        material = TrustMaterial()
        with warnings.catch_warnings():
            # Real CA certificates carry over-long name attributes (an organizationIdentifier of
            # 77 characters): cryptography warns about each; they are harmless for a verifier.
            warnings.filterwarnings("ignore", message="Attribute's length", category=UserWarning)
            for path in paths:
                material.extend(load_material(path, tsl_signers=tsl_signers))
            return cls(material)

    @classmethod
    def empty(cls) -> TrustStore:
        """A store that trusts nothing (fail closed)."""
        return cls()

    def _add_crl(self, crl: x509.CertificateRevocationList, source: str) -> None:
        ca_id = _common_name(crl.issuer)
        if ca_id is None:
            self.notes += (f"{source}: CRL without issuer CN ignored",)
            return
        cas = self._cas.get(ca_id, [])
        if any(self._crl_signed_by(crl, ca.certificate) for ca in cas):
            self._crls.setdefault(ca_id, []).append(crl)
        elif cas:
            self._bad_crl.add(ca_id)
            self.notes += (f"{source}: CRL of {ca_id} does not verify: revocation unknown",)
        else:
            self.notes += (f"{source}: CRL of {ca_id} ignored: no certificate of that CA",)

    @staticmethod
    def _crl_signed_by(crl: x509.CertificateRevocationList, ca: x509.Certificate) -> bool:
        if crl.issuer != ca.subject:
            return False
        try:
            return crl.is_signature_valid(ca.public_key())
        except (TypeError, ValueError, UnsupportedAlgorithm):
            return False

    # -- queries -----------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        """True when the store knows no certificate at all."""
        return not self._cas and not self._leaves

    def ca_ids(self) -> tuple[str, ...]:
        """The CA ids with at least one anchored certificate, sorted."""
        return tuple(sorted(k for k, v in self._cas.items() if any(ca.anchor for ca in v)))

    def leaves(self) -> Iterator[LeafCertificate]:
        """Every known signing certificate."""
        for candidates in self._leaves.values():
            yield from candidates

    def candidates(self, ca_id: str, cert_id: str) -> tuple[LeafCertificate, ...]:
        """Signing certificates with issuer CN ``ca_id`` and subject CN ``cert_id``.

        Chain-trusted certificates come first, so a caller trying each in turn prefers them.
        """
        found = self._leaves.get((ca_id, cert_id), [])
        if len(found) > 1:
            ranked = sorted(found, key=lambda leaf: self.chain(leaf) is not ChainStatus.TRUSTED)
            return tuple(ranked)
        return tuple(found)

    def chain(self, leaf: LeafCertificate) -> ChainStatus:
        """Whether ``leaf`` was signed by an anchored certificate of the CA it names (cached)."""
        # Keyed by identity: the store holds its leaves for its whole life, and a fingerprint
        # per lookup would cost a fifth of a signature check.
        cached = self._chain_cache.get(id(leaf))
        if cached is not None and cached[0] is leaf:
            return cached[1]
        status = self._compute_chain(leaf)
        self._chain_cache[id(leaf)] = (leaf, status)
        return status

    def _compute_chain(self, leaf: LeafCertificate) -> ChainStatus:
        cas = self._cas.get(leaf.ca_id, [])
        if not cas:
            return ChainStatus.NO_CA
        signed_by_distrusted = False
        for ca in cas:
            try:
                leaf.certificate.verify_directly_issued_by(ca.certificate)
            except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
                continue
            if ca.anchor:
                return ChainStatus.TRUSTED
            signed_by_distrusted = True
        return ChainStatus.CA_NOT_TRUSTED if signed_by_distrusted else ChainStatus.BAD_SIGNATURE

    def revocation(self, leaf: LeafCertificate) -> RevocationStatus:
        """Whether a verified CRL of the leaf's CA lists its serial number.

        A listed serial is revoked whatever its revocation date: a signature date in a barcode is
        claimed by the signer, so it cannot prove the signature predates the revocation.
        """
        serial = leaf.certificate.serial_number
        for crl in self._crls.get(leaf.ca_id, []):
            if crl.get_revoked_certificate_by_serial_number(serial) is not None:
                return RevocationStatus.REVOKED
        if leaf.ca_id in self._bad_crl:
            return RevocationStatus.UNKNOWN
        return RevocationStatus.GOOD

    def has_crl(self, ca_id: str) -> bool:
        """True when at least one verified CRL of ``ca_id`` is loaded."""
        return bool(self._crls.get(ca_id))


    def verified_crls(self) -> dict[str, tuple[x509.CertificateRevocationList, ...]]:
        """The CRLs whose signature verified, by CA id (freshness: :mod:`verifier.trust_live`)."""
        return {ca_id: tuple(crls) for ca_id, crls in sorted(self._crls.items())}
