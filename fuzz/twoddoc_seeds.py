"""Valid 2D-Doc codes signed at harness start, from our own reference-field vectors.

Why signed here and not stored: a corpus of valid codes must carry real signatures, and keys are
never committed; the inputs are the issuer-style fields of ``tests/vectors/twoddoc/reference_*``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from fuzz._common import TWODDOC_VECTORS
from twoddoc import EcdsaSigner, Field, Header, encode
from twoddoc.dates import date_to_hex

__all__ = ["KEYS", "reference_codes", "signer"]

# One key per curve of the §3.5.2 table; generated once per process (never stored).
KEYS = {name: ec.generate_private_key(curve) for name, curve in
        (("P-256", ec.SECP256R1()), ("P-384", ec.SECP384R1()), ("P-521", ec.SECP521R1()))}


def signer(curve: str = "P-256") -> EcdsaSigner:
    """A signer on the process key of ``curve``."""
    return EcdsaSigner(KEYS[curve])


def _header(spec: dict[str, Any], doc_type: str, version: int) -> Header:
    return Header(
        version=version, ca_id=spec["ca_id"], cert_id=spec["cert_id"],
        emission_date=dt.date.fromisoformat(spec["emission_date"]),
        signature_date=dt.date.fromisoformat(spec["signature_date"]), doc_type=doc_type,
        perimeter=spec.get("perimeter", "01"),
        country=spec.get("country") if version == 4 else None,
    )


def _fields(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields of a reference file; a ``None`` value is a hex-day DI given in ``date_fields``."""
    dates = spec.get("date_fields", {})
    return [(di, value if value is not None else date_to_hex(dt.date.fromisoformat(dates[di])))
            for di, value in spec["fields"]]


@functools.cache
def reference_codes() -> tuple[str, ...]:
    """The AB and AA reference fields signed as v04 and v03 (P-256), AB also with an annex."""
    codes = []
    for name in ("reference_ab_fields.json", "reference_aa_fields.json"):
        spec = json.loads((TWODDOC_VECTORS / name).read_text(encoding="utf-8"))
        fields = _fields(spec)
        for version in (4, 3):
            header = _header(spec["header"], spec["doc_type"], version)
            codes.append(encode(header, fields, signer()))
        header = _header(spec["header"], spec["doc_type"], 4)
        codes.append(encode(header, fields, signer("P-384"),
                            annex=[Field("6G", "DUPONT"), ("60", "JEAN")]))
    return tuple(codes)
