"""Fuzz ``verifier.policy.verify_text``: any text, any date, with and without repair.

Why: the verifier's whole answer is this report, and its contract (docs/CONTRACTS.md) is that it
never raises for a bad text: every failure is a reason in the report. So no exception at all may
escape here, and every report must be coherent (valid exactly when every check passed, JSON-able).
The trust store is a real throw-away PKI (tests.support.pki.make_test_pki), built once per process.

Input layout: byte 0 bit 0 asks for repair, bits 1-2 choose the date ``at`` (today plus the signed
offset of bytes 1-2, or 0001-01-01, or 9999-12-31); the rest is the text, read as Latin-1.
Run: ``.venv/bin/python fuzz/fuzz_verify_text.py [CORPUS] -max_total_time=120``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz._common import TWODDOC_VECTORS, run, test_pki, vector_texts
from twoddoc import Header, encode
from verifier.policy import Check, VerificationResult, verify_text

NAME = "verify_text"


@functools.cache
def signed_codes() -> tuple[str, ...]:
    """Codes signed by the test PKI's active key today: the AB reference fields, and a type 00."""
    pki = test_pki()
    spec = json.loads((TWODDOC_VECTORS / "reference_ab_fields.json").read_text(encoding="utf-8"))
    fields = [(di, value) for di, value in spec["fields"]]
    codes = []
    for version, doc_type, items in ((4, "AB", fields), (3, "AB", fields),
                                     (4, "00", [("10", "M JEAN DUPONT"), ("24", "75001")])):
        header = Header(version=version, ca_id=pki.ca_id, cert_id=pki.cert_id,
                        emission_date=pki.today, signature_date=pki.today, doc_type=doc_type,
                        perimeter="01", country="FR" if version == 4 else None)
        codes.append(encode(header, items, pki.signer))
    return tuple(codes)


def seeds() -> list[bytes]:
    """Signed codes (also without separators, as a keyboard wedge sends them) and our vectors."""
    texts = [code.encode("latin-1") for code in signed_codes()]
    wedged = [bytes(b for b in text if b not in (0x1D, 0x1E, 0x1F)) for text in texts]
    prefix = [b"\x00\x80\x00", b"\x01\x80\x00", b"\x01\x81\x6d", b"\x02\x00\x00", b"\x04\x00\x00"]
    return [p + text for text in texts + wedged for p in prefix] + [
        b"\x01\x80\x00" + text for text in vector_texts()]


def _at(mode: int, offset: int) -> dt.date:
    if mode == 1:
        return dt.date.max
    if mode == 2:
        return dt.date.min
    return test_pki().today + dt.timedelta(days=offset - 0x8000)


def check_result(result: VerificationResult) -> None:
    """A report is coherent: valid iff every check passed and nothing failed; JSON-able."""
    assert result.valid is all(result.checks[check] is True for check in Check), result
    assert result.valid is (not result.failures), result
    report = result.to_json()
    assert set(report["checks"]) == {check.value for check in Check}
    json.dumps(report)


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: verify and check the report."""
    if len(data) < 3:
        return
    repair, mode = bool(data[0] & 1), (data[0] >> 1) & 3
    at = _at(mode, int.from_bytes(data[1:3], "big"))
    result = verify_text(data[3:], test_pki().trust, at=at, repair=repair)
    check_result(result)


if __name__ == "__main__":
    test_pki()  # before instrumentation: key generation is not what we fuzz
    run(NAME, TestOneInput, seeds)
