"""The fuzz harnesses of fuzz/ stay runnable without atheris: seeds, mutations, random bytes.

Why: atheris runs them for minutes outside ``make test`` (fuzz/README.md); here each harness's
``TestOneInput`` runs on its whole seed corpus and on a few hundred hypothesis inputs (random
bytes and one-to-four-byte mutations of a seed), so a change that breaks the house rule (only our
own exception types escape) or the harness itself fails the suite. Each harness also shows that
its seeds reach past the first refusal: a valid document, a loaded store, a scanned symbol.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HARNESSES = ("twoddoc_decode", "twoddoc_encode", "verify_text", "trust_load", "scenario", "scan")
# Examples per harness: the scanner decodes images (milliseconds each); the others are cheaper.
EXAMPLES = {"scan": 60, "trust_load": 120}
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def harness(name: str) -> ModuleType:
    """Import ``fuzz/fuzz_<name>.py``."""
    return importlib.import_module(f"fuzz.fuzz_{name}")


@pytest.fixture(scope="module", params=HARNESSES)
def loaded(request: pytest.FixtureRequest) -> tuple[ModuleType, list[bytes]]:
    """A harness and its seeds (built once per module: signing, PKI, images)."""
    module = harness(request.param)
    return module, module.seeds()


def test_seeds_pass(loaded: tuple[ModuleType, list[bytes]]) -> None:
    """Every seed is a distinct input that passes the harness's checks."""
    module, seeds = loaded
    assert len(seeds) >= 4 and len(set(seeds)) == len(seeds)
    for seed in seeds:
        module.TestOneInput(seed)


def _mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, byte) edits: 0 replace, 1 delete, 2 insert."""
    data = bytearray(seed)
    for kind, position, value in edits:
        at = position % (len(data) + 1)
        if kind == 0 and at < len(data):
            data[at] = value
        elif kind == 1 and at < len(data):
            del data[at]
        else:
            data.insert(at, value)
    return bytes(data)


_EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1 << 20), st.integers(0, 255)),
                  min_size=1, max_size=4)


@pytest.mark.parametrize("name", HARNESSES)
def test_random_and_mutated_inputs(name: str) -> None:
    """Random bytes and small mutations of the seeds never break the house rule."""
    module = harness(name)
    seeds = module.seeds()

    @settings(FUZZ, max_examples=EXAMPLES.get(name, 250))
    @given(data=st.one_of(st.binary(max_size=400),
                          st.tuples(st.sampled_from(seeds), _EDITS).map(lambda t: _mutate(*t))))
    def run(data: bytes) -> None:
        module.TestOneInput(data)

    run()


def test_decode_seeds_hold_signed_documents() -> None:
    """Some decode seeds are whole signed codes, so mutations start past the first refusal."""
    from twoddoc import decode, verify_signature

    module = harness("twoddoc_decode")
    from fuzz.twoddoc_seeds import KEYS

    verified = 0
    for seed in module.seeds():
        try:
            doc = decode(seed[1:].decode("latin-1"), strict=True)
        except ValueError:
            continue
        for key in KEYS.values():
            try:
                verify_signature(doc, key.public_key())
                verified += 1
            except ValueError:
                pass
    assert verified >= 6


def test_encode_seeds_encode() -> None:
    """The hand-laid encode seeds are valid calls: the AB ones pass the §8 checks and sign."""
    from fuzz.twoddoc_seeds import signer
    from twoddoc import decode, encode

    module = harness("twoddoc_encode")
    texts = []
    for seed in module.seeds()[:4]:
        header, fields, curve, annex = module.build(seed)
        texts.append(encode(header, fields, signer(curve), annex=annex))
    assert [decode(text).header.doc_type for text in texts] == ["AB", "AB", "AB", "00"]
    assert decode(texts[2]).annex is not None


def test_verify_seeds_include_valid_and_repaired() -> None:
    """The verify harness starts from documents that are valid, and valid after a repair."""
    from fuzz._common import test_pki
    from verifier.policy import verify_text

    module = harness("verify_text")
    pki = test_pki()
    codes = module.signed_codes()
    assert all(verify_text(code, pki.trust, at=pki.today).valid for code in codes)
    wedged = codes[0].replace("\x1d", "").replace("\x1f", "")
    result = verify_text(wedged, pki.trust, at=pki.today, repair=True)
    assert result.valid and result.repaired


def test_trust_seeds_load_the_exported_pki() -> None:
    """The exported PEM and DER files each load into a store that knows the PKI's CA or leaf."""
    from fuzz._common import test_pki
    from verifier.trust import TrustStore

    module = harness("trust_load")
    pki = test_pki()
    loaded_any = 0
    for seed in module.seeds()[:6]:
        path = pki.trust_dir.parent / f"seed{module.SUFFIXES[seed[0]]}"
        path.write_bytes(seed[1:])
        store = TrustStore.load([path])
        assert pki.ca_id in store.ca_ids() or store.candidates(pki.ca_id, pki.cert_id) or (
            "crl" in store.notes[0].lower() if store.notes else False)
        loaded_any += 1
    assert loaded_any == 6


def test_scenario_seeds_parse() -> None:
    """Most scenario seeds are accepted; the rest (far dates) are refused naming a field."""
    from registry.scenario import ScenarioError, parse_scenario

    module = harness("scenario")
    accepted = refused = 0
    for seed in module.seeds():
        try:
            parse_scenario(json.loads(seed))
            accepted += 1
        except ScenarioError as exc:
            assert exc.field
            refused += 1
    assert accepted >= 50 and accepted + refused == len(module.seeds())


def test_scan_seeds_read_back() -> None:
    """Every image and PDF seed scans back to the code drawn in it."""
    from verifier.scan import scan

    module = harness("scan")
    texts = {tuple(scan(seed, limits=module.LIMITS)) for seed in module.seeds()}
    assert len(texts) == 1
    assert next(iter(texts))[0].startswith("DC04FR000001")


REGRESSIONS = sorted((Path(__file__).resolve().parents[1] / "data" / "fuzz").glob("*__*"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regression_inputs(path: Path) -> None:
    """Each input a fuzzer once crashed on (tests/data/fuzz/<harness>__<what>) now passes."""
    harness(path.name.split("__")[0]).TestOneInput(path.read_bytes())


def test_scenario_not_an_object_names_the_scenario() -> None:
    """A scenario that is not a JSON object is refused naming the field ``scenario``."""
    from registry.scenario import ScenarioError, parse_scenario

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "fuzz"
                       / "scenario__not_an_object.json").read_bytes())
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data[0], 3)
    assert caught.value.field == "scenario" and caught.value.scenario == "#3"
    assert str(caught.value) == "scenario #3: scenario: must be a JSON object"


def test_certificate_with_unparsable_issuer_is_skipped_with_a_note(tmp_path: Path) -> None:
    """A leaf whose issuer CN is not UTF-8 is skipped with a note, not a ValueError later.

    cryptography parses names lazily: before the fix the file loaded and ``TrustStore()`` raised
    on ``cert.issuer``. The vector is a test-PKI leaf with two bytes of its issuer CN replaced.
    """
    from verifier.trust import TrustStore

    data = (Path(__file__).resolve().parents[1] / "data" / "fuzz"
            / "trust_load__issuer_cn_not_utf8.bin").read_bytes()[1:]
    path = tmp_path / "leaf.der"
    path.write_bytes(data)
    store = TrustStore.load([tmp_path])
    assert store.is_empty and not list(store.leaves())
    assert any(str(path) in note for note in store.notes), store.notes


def test_scenario_empty_key_is_named() -> None:
    """An unknown empty key is named ``""``, never an empty field (scenario__empty_key.json)."""
    from registry.scenario import ScenarioError, parse_scenario

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "fuzz"
                       / "scenario__empty_key.json").read_bytes())
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert caught.value.field == '""'
    with pytest.raises(ScenarioError) as nested:
        parse_scenario({"licence": data})
    assert nested.value.field == 'licence.""'


def test_unknown_curve_is_a_note_not_an_exception(tmp_path: Path) -> None:
    """A certificate naming an unknown curve (1.2.844.10045.3.1.7) never raises out of the store.

    cryptography raises ``UnsupportedAlgorithm``, which is no ``ValueError``: the leaf is skipped
    with a note; a CA with that curve verifies neither the leaf nor the CRL, so the chain is not
    trusted and the revocation is unknown. Vectors: test-PKI certificates, one OID byte changed.
    """
    import shutil

    from fuzz._common import test_pki
    from verifier.trust import ChainStatus, RevocationStatus, TrustStore

    pki = test_pki()
    data = Path(__file__).resolve().parents[1] / "data" / "fuzz"
    leaf_dir = tmp_path / "leaf"
    leaf_dir.mkdir()
    leaf_der = (data / "trust_load__leaf_unknown_curve.bin").read_bytes()[1:]
    (leaf_dir / "leaf.der").write_bytes(leaf_der)
    store = TrustStore.load([leaf_dir])
    assert not list(store.leaves())
    assert any("public key unusable" in note for note in store.notes), store.notes

    ca_dir = tmp_path / "ca"
    ca_dir.mkdir()
    (ca_dir / "ca.der").write_bytes((data / "trust_load__ca_unknown_curve.bin").read_bytes()[1:])
    shutil.copy(pki.trust_dir / f"{pki.ca_id}_{pki.cert_id}.pem", ca_dir)
    shutil.copy(pki.trust_dir / f"{pki.ca_id}.crl.pem", ca_dir)
    store = TrustStore.load([ca_dir])
    (leaf,) = store.candidates(pki.ca_id, pki.cert_id)
    assert store.chain(leaf) is ChainStatus.BAD_SIGNATURE
    assert store.revocation(leaf) is RevocationStatus.UNKNOWN


def test_duplicate_extension_never_anchors(tmp_path: Path) -> None:
    """A certificate with a repeated extension loads as a leaf only, never as a CA.

    cryptography raises ``DuplicateExtension`` (no ``ValueError``) on ``cert.extensions``; the
    vector is the test-PKI leaf whose authority key identifier OID became a second subject key
    identifier (2.5.29.35 → 2.5.29.14), so its CA signature no longer holds either.
    """
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from fuzz._common import test_pki
    from verifier.trust import ChainStatus, TrustStore

    pki = test_pki()
    data = Path(__file__).resolve().parents[1] / "data" / "fuzz"
    der = (data / "trust_load__duplicate_extension.bin").read_bytes()[1:]
    (tmp_path / "leaf.der").write_bytes(der)
    (tmp_path / "ca.pem").write_bytes((pki.trust_dir / f"{pki.ca_id}.pem").read_bytes())
    store = TrustStore.load([tmp_path])
    assert store.ca_ids() == (pki.ca_id,)
    # The recorded leaf keeps the certificate id it was cut with (0001, before the dev PKI's ids
    # started at P2D1): look it up by its own subject CN.
    cert_id = x509.load_der_x509_certificate(der).subject.get_attributes_for_oid(
        NameOID.COMMON_NAME)[0].value
    (leaf,) = store.candidates(pki.ca_id, cert_id)
    assert store.chain(leaf) is ChainStatus.BAD_SIGNATURE


@pytest.mark.parametrize("pem", [False, True], ids=["der", "pem"])
def test_invalid_version_is_a_note(tmp_path: Path, pem: bool) -> None:
    """A certificate with version field 58 is skipped with a note naming the file.

    cryptography raises ``InvalidVersion`` (no ``ValueError``) at load; the vector is the test-PKI
    leaf with its version byte changed.
    """
    import base64

    from verifier.trust import TrustStore

    der = (Path(__file__).resolve().parents[1] / "data" / "fuzz"
           / "trust_load__version_58.bin").read_bytes()[1:]
    path = tmp_path / ("leaf.pem" if pem else "leaf.der")
    body = base64.encodebytes(der)
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"
                     if pem else der)
    store = TrustStore.load([tmp_path])
    assert store.is_empty
    assert [note.split(":")[0] for note in store.notes] == [str(path)]


def test_tsl_with_unknown_xml_encoding_is_refused_by_name(tmp_path: Path) -> None:
    """A TSL whose XML declaration names encoding UTF-1 is a TrustStoreError, not LookupError."""
    from verifier.trust import TrustStore, TrustStoreError

    path = tmp_path / "tsl.xml"
    path.write_bytes((Path(__file__).resolve().parents[1] / "data" / "fuzz"
                      / "trust_load__xml_unknown_encoding.bin").read_bytes()[1:])
    with pytest.raises(TrustStoreError) as caught:
        TrustStore.load([path])
    assert caught.value.path == path
    store = TrustStore.load([tmp_path])  # in a folder: a note, the other sources still load
    assert store.is_empty and str(path) in store.notes[0]
