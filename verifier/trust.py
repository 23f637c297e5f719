"""The verifier's trust store: which certificates may sign a 2D-Doc, and which are revoked.

A 2D-Doc header names its signer by two 4-character ids (spec §3.3, p.17–20): the CA id
(*identifiant de l'autorité de certification*, e.g. ``FR03``) and the certificate id
(*identifiant du certificat*, e.g. ``EDF1``). The spec's trust model (§4, "chaîne de confiance")
maps them to X.509: the signing (leaf) certificate has subject CN = certificate id and issuer
CN = CA id; the CA's certificate is published by ANTS in a trust service list (ETSI TS 102 231
XML) whose ``TSPTradeName`` is the CA id and whose ``ServiceStatus`` is ``…/inaccord``
(:mod:`verifier.tsl` reads the list, :mod:`verifier.tsl_signature` checks its signature).

Sources, combined in one store (:meth:`TrustStore.load`, repeatable ``--trust``), are read by
:mod:`verifier.trust_material`:

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
* Revocation (:mod:`verifier.trust_crl`): a CRL counts only when its signature verifies with a
  CA certificate of its issuer CN. A serial listed there is revoked whatever the revocation
  date. A CRL that claims a known CA but does not verify makes that CA's revocation status
  unknown, which fails the check rather than ignoring a revocation list somebody meant us to
  honour.
* Private keys are never read: a PEM ``PRIVATE KEY`` block is skipped and noted.

Loading parses every certificate and public key once; a leaf's chain is checked on first use
and cached, and a revocation answer is one lookup by serial in the verified CRLs, so verifying
thousands of texts costs one ECDSA verify each plus a few dictionary reads.

CA certificates' own validity periods are not checked: the ANTS list still publishes CAs whose
certificate has expired (FR01 in 2022, FR04 in 2025) because codes they certified stay
verifiable; each leaf's validity at the signature date is judged by the policy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec

from verifier.trust_crl import CRLIndex, RevocationStatus
from verifier.trust_errors import TrustStoreError, TSLRefusedError
from verifier.trust_material import (
    CACertificate,
    TrustMaterial,
    TSLSource,
    common_name,
    fingerprint,
    load_material,
)

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


class ChainStatus(Enum):
    """Whether a leaf certificate chains to a trusted CA (spec §4, trust chain)."""

    TRUSTED = "trusted"
    NO_CA = "no_ca"  # no certificate of the CA named by the leaf's issuer CN
    BAD_SIGNATURE = "bad_signature"  # CA certificates present, none signed this leaf
    CA_NOT_TRUSTED = "ca_not_trusted"  # signed by a CA certificate that is not an anchor


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
            fp = fingerprint(ca.certificate)
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
            fp = fingerprint(cert)
            ca_id, cert_id = common_name(cert.issuer), common_name(cert.subject)
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
        self._revocations = CRLIndex()
        for crl, source in material.crls:
            note = self._revocations.add(crl, source, self._cas)
            if note is not None:
                self.notes += (note,)
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
        return self._revocations.status(leaf.ca_id, leaf.certificate.serial_number)

    def has_crl(self, ca_id: str) -> bool:
        """True when at least one verified CRL of ``ca_id`` is loaded."""
        return self._revocations.has_crl(ca_id)

    def verified_crls(self) -> dict[str, tuple[x509.CertificateRevocationList, ...]]:
        """The CRLs whose signature verified, by CA id (freshness: :mod:`verifier.trust_live`)."""
        return self._revocations.verified()
