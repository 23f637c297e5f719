"""Fuzz ``verifier.trust.TrustStore.load`` on a folder holding one arbitrary file.

Why: an operator points the verifier at certificate folders, CRLs and the ANTS trust service list
(TSL XML, ETSI TS 102 231) that they downloaded; a damaged or hostile file must end as a
``TrustStoreError`` naming the path, or as a store whose ``notes`` say what was skipped, never as
another exception (cryptography's parsers are lazy, so the store is also used: every leaf's chain
and revocation, and a signed code verified against it).

Input layout: byte 0 chooses the file suffix (``.pem``, ``.der``, ``.crl``, ``.xml``, ``.cer``,
``.crt``), the rest is the file content. Seeds: what ``keys export-trust`` writes (PEM and DER)
and, read in place at run time, the shared TSL and certificates of ../shared/vectors.
Run: ``.venv/bin/python fuzz/fuzz_trust_load.py [CORPUS] -max_total_time=120``.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from fuzz._common import SHARED, run, test_pki
from fuzz.fuzz_verify_text import check_result, signed_codes
from verifier.policy import verify_text
from verifier.trust import TrustStore, TrustStoreError

NAME = "trust_load"
SUFFIXES = (".pem", ".der", ".crl", ".xml", ".cer", ".crt")


@functools.cache
def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="permis2d-fuzz-trust-"))


def _der(pem: bytes) -> bytes:
    """The DER form of a PEM certificate or CRL."""
    if b"X509 CRL" in pem:
        return x509.load_pem_x509_crl(pem).public_bytes(Encoding.DER)
    return x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)


def seeds() -> list[bytes]:
    """The exported trust folder's files (PEM and DER), then the shared TSL and certificates."""
    out = []
    for path in sorted(test_pki().trust_dir.glob("*.pem")):
        pem = path.read_bytes()
        out += [bytes([0]) + pem, bytes([1]) + _der(pem)]
    shared = SHARED / "vectors"
    if shared.is_dir():  # read in place, never copied into the repository
        out += [bytes([3]) + path.read_bytes() for path in sorted(shared.rglob("*.xml"))]
        out += [bytes([1]) + path.read_bytes()
                for path in sorted((shared / "2ddoc" / "certs").glob("*.der"))]
    return out


def use_store(store: TrustStore) -> None:
    """Touch what the verifier reads: notes, CA ids, each leaf's chain, revocation, validity."""
    assert all(isinstance(note, str) for note in store.notes)
    store.ca_ids()
    for leaf in list(store.leaves()):
        store.chain(leaf)
        store.revocation(leaf)
        assert leaf in store.candidates(leaf.ca_id, leaf.cert_id)
    pki = test_pki()
    result = verify_text(signed_codes()[0], store, at=pki.today)
    check_result(result)
    json.dumps(result.to_json())


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: write it as the only file of a folder, load the folder, then the file."""
    if not data:
        return
    folder = _workdir() / "trust"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / f"input{SUFFIXES[data[0] % len(SUFFIXES)]}"
    path.write_bytes(data[1:])
    for source in (folder, path):
        try:
            store = TrustStore.load([source])
        except TrustStoreError as exc:
            assert str(source) in str(exc) or str(path) in str(exc), exc
            continue
        use_store(store)


if __name__ == "__main__":
    seeds()  # build the PKI and sign before instrumentation
    signed_codes()
    run(NAME, TestOneInput, seeds)
