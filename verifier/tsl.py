"""Read an ANTS trust service list (ETSI TS 102 231 XML): its CAs and the status of each.

The spec's trust model (§4, "chaîne de confiance") has ANTS publish the 2D-Doc CAs in a trust
service list. Each ``TrustServiceProvider`` gives the CA id in ``TSPInformation/TSPTradeName/
Name`` and, per ``TSPService``, a ``ServiceStatus`` URI and the CA certificate(s) in
``ServiceInformation/ServiceDigitalIdentity/DigitalId/X509Certificate`` (Base64 DER).

A service is trusted only when its status is exactly one of :data:`GRANTED_STATUSES`: the
TS 102 231 ``…/Svcstatus/inaccord`` the ANTS list uses, or the TS 119 612 ``…/Svcstatus/granted``.
Any other status (``…/notinaccord``, ``…/withdrawn``, ``…/expired``, an empty one) is not, and
its CA is named in a note. Matching the end of the URI was a bug: ``notinaccord`` ends in
``inaccord``. Surrounding white space is ignored (``xs:anyURI`` collapses it), nothing else.

A list with a ``DOCTYPE`` is refused outright by ``defusedxml`` (a TSL never needs one, and a
billion-laughs or external-entity payload needs it); lxml then reads it for the signature check
with entities unresolved, no DTD loaded and no network. So is a file above
:data:`MAX_TSL_BYTES` (the ANTS list is 41 KB). The list's XML signature is checked by
:mod:`verifier.tsl_signature`. Elements are found by their
exact path from the root, so content hidden elsewhere (inside an extension, or a second
signature) is never read as a provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from lxml import etree

from verifier.trust_errors import TrustStoreError, TSLRefusedError
from verifier.tsl_signature import check_tsl_signature

__all__ = ["GRANTED_STATUSES", "MAX_TSL_BYTES", "TSLService", "TrustServiceList", "read_tsl"]

TSL_NS = "http://uri.etsi.org/02231/v2#"
_T = f"{{{TSL_NS}}}"
#: The statuses under which a listed CA is trusted (TS 102 231 §5.5.4; TS 119 612 §5.5.4).
GRANTED_STATUSES = frozenset({
    "http://uri.etsi.org/TrstSvc/Svcstatus/inaccord",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
})
#: A bound on the work of loading one list; the real one is 41 KB.
MAX_TSL_BYTES = 16 * 1024 * 1024

_PROVIDERS = f"{_T}TrustServiceProviderList/{_T}TrustServiceProvider"
_TRADE_NAMES = f"{_T}TSPInformation/{_T}TSPTradeName/{_T}Name"
_SERVICES = f"{_T}TSPServices/{_T}TSPService/{_T}ServiceInformation"
_CERTIFICATES = f"{_T}ServiceDigitalIdentity/{_T}DigitalId/{_T}X509Certificate"


@dataclass(frozen=True)
class TSLService:
    """One service of a provider: the CA id, its status URI and its certificates (Base64 DER)."""

    ca_id: str
    status: str
    certificates: tuple[str, ...]

    @property
    def granted(self) -> bool:
        """True when the status is exactly a granted / in-accord URI."""
        return self.status in GRANTED_STATUSES


@dataclass(frozen=True)
class TrustServiceList:
    """What a list says, and what a reader should know about it (unpinned signer, skipped parts)."""

    services: tuple[TSLService, ...]
    notes: tuple[str, ...]


def _parse(path: Path) -> etree._Element:
    """Parse ``path`` safely; raise TrustStoreError if unreadable, TSLRefusedError if unsafe."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TSL_BYTES + 1)
    except OSError as exc:
        raise TrustStoreError(f"TSL unreadable ({exc.strerror})", path=path) from exc
    if len(data) > MAX_TSL_BYTES:
        raise TSLRefusedError(f"TSL larger than {MAX_TSL_BYTES} bytes", path=path)
    try:
        # defusedxml stops at the DOCTYPE itself, before any entity is declared; libxml2 would
        # read the whole internal subset first (and report a billion laughs as a syntax error).
        DefusedET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        root = etree.fromstring(data, etree.XMLParser(
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False))
    except DefusedXmlException as exc:
        raise TSLRefusedError(
            f"TSL refused: it declares a DOCTYPE or entities, which a TSL never needs ({exc})",
            path=path) from exc
    # An XML declaration naming an unknown encoding ("UTF-1") raises LookupError, and one
    # naming a codec the parser cannot use ValueError (found by fuzz/fuzz_trust_load.py).
    except (DefusedET.ParseError, etree.XMLSyntaxError, LookupError, ValueError) as exc:
        raise TrustStoreError(f"not a readable TSL XML file: {exc}", path=path) from exc
    if root.tag != f"{_T}TrustServiceStatusList":
        raise TrustStoreError("XML file is not a trust service list", path=path)
    return root


def read_tsl(path: Path, signers: Sequence[x509.Certificate] = ()) -> TrustServiceList:
    """Read the list at ``path``, check its signature against ``signers``, list its services."""
    root = _parse(path)
    notes: list[str] = []
    note = check_tsl_signature(root, path, signers)
    if note:
        notes.append(note)
    services: list[TSLService] = []
    for index, provider in enumerate(root.iterfind(_PROVIDERS)):
        names = [(n.text or "").strip() for n in provider.iterfind(_TRADE_NAMES)]
        ca_id = next((n for n in names if n), None)
        if ca_id is None:
            notes.append(f"{path}: provider #{index} has no TSPTradeName, skipped")
            continue
        for info in provider.iterfind(_SERVICES):
            status = (info.findtext(f"{_T}ServiceStatus") or "").strip()
            certificates = tuple((c.text or "") for c in info.iterfind(_CERTIFICATES))
            services.append(TSLService(ca_id, status, certificates))
    return TrustServiceList(tuple(services), tuple(notes))
