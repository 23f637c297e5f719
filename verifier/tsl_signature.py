"""Check the XML signature of a trust service list, and that the operator pinned its signer.

ETSI TS 102 231 §5.7 (and TS 119 612 §5.7) has the scheme operator sign its list with an
enveloped XML-DSig signature. The ANTS list is signed that way in XAdES form: RSA-SHA256, one
reference ``URI=""`` to the whole document with an XPath Filter 2.0 transform (``subtract``
``/descendant::ds:Signature``) and exclusive C14N, a second reference to the XAdES signed
properties, and the signer's certificate (``CN=ANTS CACHET 2DDOC``) in ``KeyInfo``. The
cryptography is done by libxmlsec1 (PyPI ``xmlsec``); this module decides what a good signature
must look like and whose it must be.

Policy, chosen here once:

* Whoever signs a list can put any CA in it, so a signature proves something only about a signer
  the operator chose: ``--tsl-signer CERT_FILE`` (repeatable) or ``PERMIS2D_TSL_SIGNERS``. With
  pins, the list must verify with the key of one pinned certificate: an unsigned list, a list
  signed by anyone else, or a list changed after signing is refused.
* Without pins a list is used, with a note naming its signer (or saying it is unsigned) and how
  to pin it; a signature that is there but fails is still refused: a list changed after signing
  is never used.
* The signature must cover the whole list: one ``ds:Signature``, a child of the root, with a
  reference ``URI=""`` whose transforms remove only that signature. The XPath filter removes every
  ``ds:Signature`` of the document, so a second one (say, inside a provider) would be unsigned
  content that the digest skips; it is refused instead of trusted.
* Only the transforms and algorithms a TSL needs are enabled in libxmlsec1 (no XSLT, no
  XPointer, no SHA-1 or MD5), so a list cannot make the verifier run arbitrary transforms.

The pinned certificates' own validity periods are not checked: pinning names a key the operator
trusts, and the ANTS list is republished long before its signing certificate expires.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from pathlib import Path

import xmlsec
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from lxml import etree

from verifier.trust_errors import TrustStoreError, TSLRefusedError

__all__ = ["check_tsl_signature", "describe_signer", "load_tsl_signers"]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_DS = f"{{{DS_NS}}}"
_XPATH2_NS = "http://www.w3.org/2002/06/xmldsig-filter2"
_PIN_HINT = "pin it with --tsl-signer CERT_FILE or PERMIS2D_TSL_SIGNERS"

_C14N = (
    xmlsec.constants.TransformExclC14N,
    xmlsec.constants.TransformExclC14NWithComments,
    xmlsec.constants.TransformInclC14N,
    xmlsec.constants.TransformInclC14NWithComments,
    xmlsec.constants.TransformInclC14N11,
    xmlsec.constants.TransformInclC14N11WithComments,
)
#: What a reference may use: canonicalisation, removing the signature, a SHA-2 digest.
_REFERENCE_TRANSFORMS = (
    *_C14N,
    xmlsec.constants.TransformEnveloped,
    xmlsec.constants.TransformXPath2,
    xmlsec.constants.TransformSha256,
    xmlsec.constants.TransformSha384,
    xmlsec.constants.TransformSha512,
)
#: What ``SignedInfo`` may use: canonicalisation and an RSA or ECDSA signature over SHA-2.
_SIGNATURE_TRANSFORMS = (
    *_C14N,
    xmlsec.constants.TransformRsaSha256,
    xmlsec.constants.TransformRsaSha384,
    xmlsec.constants.TransformRsaSha512,
    xmlsec.constants.TransformEcdsaSha256,
    xmlsec.constants.TransformEcdsaSha384,
    xmlsec.constants.TransformEcdsaSha512,
)
#: The transforms a whole-document reference may list: each removes only the signature itself
#: or canonicalises. (The XPath filter's expression is checked separately.)
_WHOLE_DOCUMENT_TRANSFORMS = frozenset(
    t.href for t in (*_C14N, xmlsec.constants.TransformEnveloped, xmlsec.constants.TransformXPath2)
)


def describe_signer(certificate: x509.Certificate) -> str:
    """Subject and SHA-256 fingerprint: what an operator compares with the published ones."""
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex(":").upper()
    return f"{certificate.subject.rfc4514_string()} (SHA-256 {fingerprint})"


def load_tsl_signers(paths: Iterable[Path | str]) -> tuple[x509.Certificate, ...]:
    """Read the pinned TSL signer certificates (PEM or DER, one or more per file).

    Raises :class:`TrustStoreError` naming the file when one holds no readable certificate: a
    pin the operator meant to give must never be silently dropped.
    """
    found: list[x509.Certificate] = []
    for path in map(Path, paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TrustStoreError(f"TSL signer unreadable ({exc.strerror})", path=path) from exc
        try:
            certs = (x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data
                     else [x509.load_der_x509_certificate(data)])
        # cryptography raises InvalidVersion and UnsupportedAlgorithm besides ValueError
        # (fuzz/fuzz_trust_load.py found them in trust folders).
        except (ValueError, x509.InvalidVersion, UnsupportedAlgorithm) as exc:
            raise TrustStoreError(f"TSL signer is not a certificate ({exc})", path=path) from exc
        found.extend(certs)
    return tuple(found)


def _signature_element(root: etree._Element, path: Path) -> etree._Element | None:
    """The list's one enveloped signature, None when unsigned; refuse any other layout."""
    signatures = list(root.iter(f"{_DS}Signature"))
    if not signatures:
        return None
    if len(signatures) > 1 or signatures[0].getparent() is not root:
        raise TSLRefusedError(
            f"a TSL carries exactly one XML signature, a child of its root; this one has "
            f"{len(signatures)}, and the signature removes them all from what it signs", path=path)
    return signatures[0]


def _removes_only_the_signature(transform: etree._Element) -> bool:
    """True for an XPath Filter 2.0 transform that subtracts ``/descendant::ds:Signature``."""
    filters = [child for child in transform if isinstance(child.tag, str)]
    return bool(filters) and all(
        f.tag == f"{{{_XPATH2_NS}}}XPath" and f.get("Filter") == "subtract"
        and (f.text or "").strip() == "/descendant::ds:Signature" and f.nsmap.get("ds") == DS_NS
        for f in filters
    )


def _covers_whole_list(signature: etree._Element) -> bool:
    """True when a reference ``URI=""`` signs the whole list less this signature."""
    for reference in signature.iterfind(f"{_DS}SignedInfo/{_DS}Reference"):
        if reference.get("URI") != "":
            continue
        transforms = reference.findall(f"{_DS}Transforms/{_DS}Transform")
        if all(
            t.get("Algorithm") in _WHOLE_DOCUMENT_TRANSFORMS
            and (t.get("Algorithm") != xmlsec.constants.TransformXPath2.href
                 or _removes_only_the_signature(t))
            for t in transforms
        ):
            return True
    return False


def _embedded_certificates(signature: etree._Element) -> list[x509.Certificate]:
    """The certificates in ``KeyInfo/X509Data``, unreadable ones left out."""
    found = []
    for element in signature.iterfind(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate"):
        try:
            der = base64.b64decode("".join((element.text or "").split()), validate=True)
            found.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            continue
    return found


def _verifies_with(signature: etree._Element, certificate: x509.Certificate) -> bool:
    """True when libxmlsec1 verifies ``signature`` with the key of ``certificate``."""
    ctx = xmlsec.SignatureContext()
    for transform in _REFERENCE_TRANSFORMS:
        ctx.enable_reference_transform(transform)
    for transform in _SIGNATURE_TRANSFORMS:
        ctx.enable_signature_transform(transform)
    try:
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatCertPem, None)
        ctx.verify(signature)
    except xmlsec.Error:
        return False
    return True


def _first_verifying(
    signature: etree._Element, certificates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    return next((c for c in certificates if _verifies_with(signature, c)), None)


def check_tsl_signature(
    root: etree._Element, path: Path, pinned: Sequence[x509.Certificate] = ()
) -> str | None:
    """Check the list's signature against the pins; return a note when its signer is not pinned.

    Raises :class:`TSLRefusedError` with the reason when the list must not be used.
    """
    signature = _signature_element(root, path)
    if signature is None:
        if pinned:
            raise TSLRefusedError("TSL is not signed, but its signer is pinned", path=path)
        return f"{path}: TSL is not signed, nothing vouches for its content ({_PIN_HINT})"
    if not _covers_whole_list(signature):
        raise TSLRefusedError(
            "the TSL's signature does not cover the whole list (no reference URI=\"\" whose "
            "transforms remove only the signature)", path=path)
    # References to the XAdES signed properties name their target by its Id attribute.
    xmlsec.tree.add_ids(root, ["Id"])
    embedded = _embedded_certificates(signature)
    if pinned:
        pin = _first_verifying(signature, pinned)
        if pin is not None:
            return None
        other = _first_verifying(signature, embedded)
        if other is not None:
            raise TSLRefusedError(
                f"TSL signed by {describe_signer(other)}, which is not a pinned "
                f"signer (--tsl-signer / PERMIS2D_TSL_SIGNERS)", path=path)
        raise TSLRefusedError(
            "the TSL's signature does not verify with any pinned signer: the list was changed "
            "after signing, or signed by another key", path=path)
    signer = _first_verifying(signature, embedded)
    if signer is None:
        raise TSLRefusedError(
            "the TSL's signature does not verify with the certificate it carries: the list was "
            "changed after signing", path=path)
    return f"{path}: TSL signed by {describe_signer(signer)}, a signer not pinned " \
           f"({_PIN_HINT})"
