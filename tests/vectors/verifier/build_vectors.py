"""Write the verifier's vectors: one ``<flaw>.txt`` 2D-Doc text beside a ``<flaw>.json`` verdict.

Why: verification cases are data, each with the expected result of every check it concerns
(STYLE §8, dgc-testdata): an absent check is not tested, ``true`` must pass, ``false`` must fail.
Texts are signed with the keys of the test PKI (``tests/vectors/build_test_pki.py``), whose
private keys come from fixed scalars, so the committed texts verify against any rebuild of it.

Usage: ``python tests/vectors/verifier/build_vectors.py [--force]``; existing files are kept
unless ``--force``. The JSON fields: ``description``, ``at`` (verification date), ``trust``
(sources relative to the test PKI folder), ``repair``, ``exit`` (CLI exit code), ``valid``,
``checks`` (subset) and ``reasons`` (codes, in report order).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives import serialization  # noqa: E402

from twoddoc import EcdsaSigner, Header, encode  # noqa: E402
from twoddoc.base32 import b32encode  # noqa: E402
from twoddoc.dates import date_to_hex  # noqa: E402
from twoddoc.header import format_header  # noqa: E402

D = dt.date
SIGNED = D(2025, 2, 1)
AB = [
    ("09", "0001"), ("60", "JEAN/PIERRE"), ("69", "29021980"), ("6A", "SAINT DENIS"),
    ("6G", "DUPONT"), ("6H", "M"), ("AC", "123456789012"), ("E4", "RIR"), ("E5", "50"),
    ("E8", "010220251030"), ("E6", "A B AM"),
]
ADCS = [*AB[:7], ("E4", "APC"), *AB[8:], ("01", "ADCS00000042"), ("08", date_to_hex(D(2025, 6, 1)))]


def _pki_module() -> Any:
    path = HERE.parent / "build_test_pki.py"
    spec = importlib.util.spec_from_file_location("build_test_pki", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class _Keys:
    def __init__(self, pki: Path) -> None:
        self.pki = pki

    def signer(self, ca_id: str, cert_id: str) -> EcdsaSigner:
        pem = (self.pki / "keys" / f"{ca_id}_{cert_id}.key.pem").read_bytes()
        return EcdsaSigner(serialization.load_pem_private_key(pem, password=None))  # type: ignore[arg-type]

    def sign(self, cert_id: str, fields: list[tuple[str, str]], *, ca_id: str = "FR0T",
             day: dt.date = SIGNED, doc_type: str = "AB", key: str | None = None,
             raw: str | None = None) -> str:
        header = Header(4, ca_id, cert_id, day, day, doc_type, "01", "FR")
        signer = self.signer(ca_id if key is None else "FR0T", key or cert_id)
        if raw is None:
            return encode(header, fields, signer)
        data = format_header(header) + raw
        return f"{data}\x1f{b32encode(signer.sign(data.encode('ascii')))}"


def _all(valid: bool) -> dict[str, bool]:
    names = ["parsed", "certificate_known", "signature", "chain_trusted",
             "certificate_valid_at_signature", "certificate_not_revoked", "document_not_expired",
             "dates_not_in_future", "document_type_known", "mandatory_fields_present"]
    return dict.fromkeys(names, valid)


def cases(keys: _Keys) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every vector: name → (text, verdict)."""
    good = keys.sign("T001", AB)
    adcs = keys.sign("T001", ADCS)
    wedged = "".join(c for c in adcs if c not in "\x1d\x1e\x1f")
    trust = ["trust"]
    out: dict[str, tuple[str, dict[str, Any]]] = {
        "rir_valid": (good, {"description": "RIR signed by FR0T/T001, all checks pass",
                             "at": "2025-03-01", "exit": 0, "valid": True,
                             "checks": _all(True), "reasons": []}),
        "adcs_valid_on_expiry_day": (adcs, {
            "description": "ADCS whose DI 08 expiry is the verification day: still valid",
            "at": "2025-06-01", "exit": 0, "valid": True,
            "checks": {"document_not_expired": True}, "reasons": []}),
        "adcs_expired": (adcs, {
            "description": "ADCS checked the day after its DI 08 expiry (2025-06-01)",
            "at": "2025-06-02", "exit": 1, "valid": False,
            "checks": {"signature": True, "document_not_expired": False},
            "reasons": ["DOCUMENT_EXPIRED"]}),
        "certificate_revoked": (keys.sign("T002", AB), {
            "description": "signed by T002, listed on FR0T's CRL (revoked 2025-06-01, after the"
                           " signature date): revoked whatever the date",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"signature": True, "certificate_not_revoked": False},
            "reasons": ["CERTIFICATE_REVOKED"]}),
        "certificate_expired_at_signature": (keys.sign("T003", AB, day=D(2022, 2, 1)), {
            "description": "signed 2022-02-01 by T003, valid 2020-01-01 to 2021-01-01",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"signature": True, "certificate_valid_at_signature": False},
            "reasons": ["CERTIFICATE_EXPIRED"]}),
        "leaf_cn_mismatch": (keys.sign("T004", AB), {
            "description": "claims certificate T004; the only certificate with that key has CN"
                           " T005 (file leaf_cn_mismatch.pem): not used",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"certificate_known": False, "signature": None},
            "reasons": ["CERTIFICATE_UNKNOWN"]}),
        "unknown_ca": (keys.sign("T001", AB, ca_id="FR0Z", key="T001"), {
            "description": "names CA FR0Z, absent from the trust store",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"parsed": True, "certificate_known": False, "signature": None,
                       "chain_trusted": None}, "reasons": ["CERTIFICATE_UNKNOWN"]}),
        "ca_not_given": (keys.sign("U001", AB, ca_id="FR0U"), {
            "description": "signed by FR0U/U001 whose CA certificate is not in the trust folder:"
                           " the leaf is pinned (issue 3)",
            "at": "2025-03-01", "exit": 0, "valid": True,
            "checks": {"certificate_known": True, "signature": True, "chain_trusted": True},
            "reasons": []}),
        "value_tampered": (good.replace("DUPONT", "DUPOND"), {
            "description": "DI 6G changed from DUPONT to DUPOND after signing",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"parsed": True, "signature": False}, "reasons": ["SIGNATURE_INVALID"]}),
        "signature_cut": (good[:-10], {
            "description": "the last 10 characters of the signature are missing",
            "at": "2025-03-01", "exit": 2, "valid": False,
            "checks": {"parsed": False, "signature": None}, "reasons": ["SIGNATURE_MALFORMED"]}),
        "not_2ddoc": ("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N", {
            "description": "a COVID certificate QR text, not a 2D-Doc",
            "at": "2025-03-01", "exit": 2, "valid": False, "checks": {"parsed": False},
            "reasons": ["NOT_2DDOC"]}),
        "header_malformed": ("DC04FR0TT001ZZZZ24000001FR6GDUPONT", {
            "description": "emission date ZZZZ is not hexadecimal",
            "at": "2025-03-01", "exit": 2, "valid": False, "checks": {"parsed": False},
            "reasons": ["HEADER_INVALID"]}),
        "dates_in_future": (good, {
            "description": "verified the day before its emission and signature date",
            "at": "2025-01-31", "exit": 1, "valid": False,
            "checks": {"signature": True, "dates_not_in_future": False},
            "reasons": ["DATE_IN_FUTURE"]}),
        "mandatory_field_missing": (keys.sign("T001", [], raw="6GDUPONT\x1d60JEAN"), {
            "description": "type AB without its mandatory DIs (09, 69, 6A, 6H, AC, E4, E5, E8)",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"signature": True, "document_type_known": True,
                       "mandatory_fields_present": False},
            "reasons": ["MANDATORY_FIELD_MISSING"]}),
        "document_type_unknown": (keys.sign("T001", [], doc_type="Z9", raw="6GDUPONT"), {
            "description": "document type Z9 is in no catalogue",
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"signature": True, "document_type_known": False,
                       "mandatory_fields_present": None},
            "reasons": ["DOCUMENT_TYPE_UNKNOWN"]}),
        "wedge_repaired": (wedged, {
            "description": "the ADCS as a keyboard-wedge scanner types it (no GS/RS/US),"
                           " verified with --repair", "repair": True,
            "at": "2025-03-01", "exit": 0, "valid": True, "checks": _all(True), "reasons": []}),
        "wedge_without_repair": (wedged, {
            "description": "the same wedged text without --repair: no <US>, not verifiable",
            "at": "2025-03-01", "exit": 2, "valid": False, "checks": {"parsed": False},
            "reasons": ["SIGNATURE_MALFORMED"]}),
        "tsl_withdrawn_ca": (keys.sign("V001", AB, ca_id="FR0V"), {
            "description": "FR0V is given in a folder but a TSL lists it as withdrawn",
            "trust": ["tsl/tsl_fr0v_withdrawn.xml", "extra"],
            "at": "2025-03-01", "exit": 1, "valid": False,
            "checks": {"signature": True, "chain_trusted": False},
            "reasons": ["CA_NOT_TRUSTED"]}),
    }
    for _, verdict in out.values():
        verdict.setdefault("trust", trust)
        verdict.setdefault("repair", False)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the vectors beside this script, keeping existing ones unless --force."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        keys = _Keys(_pki_module().build(Path(tmp) / "pki"))
        written = 0
        for name, (text, verdict) in cases(keys).items():
            txt, js = HERE / f"{name}.txt", HERE / f"{name}.json"
            if txt.exists() and not args.force:
                continue
            txt.write_bytes(text.encode("latin-1"))
            js.write_text(json.dumps(verdict, indent=2, ensure_ascii=False) + "\n")
            written += 1
    print(f"{written} vector(s) written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
