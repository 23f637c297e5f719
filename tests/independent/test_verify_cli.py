"""``permis2d verify --json`` judged on codes we build ourselves from the spec.

Why: the verifier's verdicts must hold on texts it did not produce. Each case below is a text
encoded by :func:`tests.independent.reader.encode_text` (not ``twoddoc``) and signed with a PKI
made here with ``cryptography`` (:mod:`tests.independent.pki`): a CA ``FR00`` whose folder is
given to the verifier, and an unknown CA ``FR0U`` whose folder is not. Each case lists the
checks it expects, dgc-testdata style: an absent check is not asserted.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.independent import reader
from tests.independent.helpers import clean_env, require_tools, run
from tests.independent.pki import CA
from tests.independent.reader import GS, RS, US, Header, date_to_hex

AT = dt.date(2026, 6, 1)
SIGNED = dt.date(2026, 5, 1)
#: The keys of one JSON line of ``verify --json`` (CONTRACTS.md "verifier", issue 3).
LINE_KEYS = {"input", "valid", "checks", "reasons", "header", "fields"}
CHECKS = ("parsed", "certificate_known", "signature", "chain_trusted",
          "certificate_valid_at_signature", "certificate_not_revoked", "document_not_expired",
          "dates_not_in_future", "document_type_known", "mandatory_fields_present",
          "fields_conform")
ALL_TRUE = dict.fromkeys(CHECKS, True)

#: A RIR for a suspended-free driver: every DI §8.15 (p.115) makes mandatory, plus E6.
RIR = [("6H", "M"), ("6G", "DURAND"), ("60", "LUCAS/THEO"), ("69", "28051977"),
       ("6A", "AJACCIO"), ("AC", "970654000005"), ("E4", "RIR"), ("E5", "50"),
       ("E8", "010520260900"), ("09", "0001"), ("E6", "B")]


def header(cert_id: str = "0001", *, ca_id: str = "FR00", version: int = 4,
           signed: dt.date = SIGNED, emitted: dt.date | bool | None = True) -> Header:
    """A type AB, perimeter 01 header (§3.3.2–§3.3.3, pp.18–19); emitted on the signing day."""
    emission = signed if emitted is True else None if emitted is False else emitted
    return Header(version, ca_id, cert_id, emission, signed, "AB",
                  "01" if version >= 3 else None, "FR" if version >= 4 else None)


def replace(fields: list[tuple[str, str]], di: str, value: str | None
            ) -> list[tuple[str, str]]:
    """``fields`` with DI ``di`` set to ``value`` (appended if new, removed if None)."""
    out = [(d, v) for d, v in fields if d != di]
    return out if value is None else [*out, (di, value)]


@dataclass(frozen=True)
class Keys:
    """The private keys the cases sign with."""

    valid: ec.EllipticCurvePrivateKey  # FR00/0001, 2024–2030
    expired: ec.EllipticCurvePrivateKey  # FR00/0002, 2020–2021
    revoked: ec.EllipticCurvePrivateKey  # FR00/0003, on the CRL
    p384: ec.EllipticCurvePrivateKey  # FR00/0004, P-384
    unexported: ec.EllipticCurvePrivateKey  # FR00/0099, not in the folder
    unknown_ca: ec.EllipticCurvePrivateKey  # FR0U/0001, CA not in the folder
    impostor: ec.EllipticCurvePrivateKey  # FR00/0005 in the folder, issued by another "FR00"


def _flip(text: str, index: int) -> str:
    """``text`` with the character at ``index`` replaced by another of the same class."""
    index %= len(text)
    c = text[index]
    # A digit stays a digit 2-7 (hex and Base32 alike), a letter a letter A-B (hex and Base32).
    swap = ("2" if c != "2" else "3") if c.isdigit() else ("A" if c != "A" else "B")
    return text[:index] + swap + text[index + 1:]


def _lowercase_signature(k: Keys) -> str:
    """The Base32 signature in lower case (§10.4 p.139 table: upper-case symbols)."""
    data, signature = reader.encode_text(header(), RIR, k.valid).split(US)
    return data + US + signature.lower()


def _short_signature(k: Keys) -> str:
    text = reader.encode_text(header(), RIR, k.valid)
    data, sig = text.split(US)
    raw = base64.b32decode(sig + "=" * (-len(sig) % 8))[:62]
    return data + US + base64.b32encode(raw).decode().rstrip("=")


def _truncated_last(k: Keys) -> str:
    """6G cut to its 38 characters, last in the message, ends with <RS> (§3.4.1 p.21)."""
    fields = [*replace(RIR, "6G", None), ("6G", "DE LA ROCHEFOUCAULD MONTMORENCY D EPER", True)]
    text = reader.encode_text(header(), fields, k.valid)
    assert RS + US in text
    return text


def _max_length_no_gs(k: Keys) -> str:
    """6G of exactly 38 characters first, the next DI right after it without <GS>."""
    fields = [("6G", "ABCDEFGHIJ KLMNOPQRSTUVWXYZ ABCDEFGHIJ"), *replace(RIR, "6G", None)]
    text = reader.encode_text(header(), fields, k.valid)
    assert "ABCDEFGHIJ6H" in text
    return text


def _unknown_di(k: Keys) -> str:
    data = header().text() + reader.encode_fields(RIR[:-1]) + "ZZ1234" + GS + "E6B"
    return reader.sign_text(data, k.valid)


#: Where our verifier disagrees with the spec: each case stays xfail(strict) until fixed.
#: Empty since the fields_conform check and padded Base32 signatures landed.
BUGS: dict[str, str] = {}

#: name → (text builder, expected "valid", expected checks, xfail reason or None)
CASES: dict[str, tuple[Callable[[Keys], str], bool, dict[str, bool], str | None]] = {
    # §3.3.3 p.19 header v04, §3.4.1 p.21 message, §3.5.2 p.25 signature: all checks pass.
    "rir_valid": (lambda k: reader.encode_text(header(), RIR, k.valid), True, ALL_TRUE, None),
    # DI 08 (§7.0 p.35) three months after AT.
    "adcs_valid": (lambda k: reader.encode_text(header(), [
        *replace(RIR, "E4", "APC"), ("01", "0000000042"),
        ("08", date_to_hex(dt.date(2026, 9, 1)))], k.valid), True, ALL_TRUE, None),
    # Header v03 (§3.3.2 p.18) is still verifiable (§3.5.2 p.25); AG = 12 in base 36 (p.68).
    "rii_v03_valid": (lambda k: reader.encode_text(
        header(version=3), [*replace(RIR, "E4", "RII"), ("AG", "C")], k.valid),
        True, ALL_TRUE, None),
    # A P-384 certificate: 96-byte signature, SHA-384 (§3.5.2 table, p.26).
    "rir_p384_valid": (lambda k: reader.encode_text(header("0004"), RIR, k.p384),
                       True, ALL_TRUE, None),
    # A v04 annex after <GS> (§3.6 p.27) is allowed and not signed.
    "rir_annex_valid": (lambda k: reader.encode_text(header(), RIR, k.valid,
                                                     annex=[("01", "A12345")]),
                        True, ALL_TRUE, None),
    # Changing the annex leaves the signature intact (§3.6 p.27: not covered by it).
    "rir_annex_changed": (lambda k: reader.encode_text(header(), RIR, k.valid,
                                                       annex=[("01", "A12345")])[:-1] + "6",
                          True, {"parsed": True, "signature": True}, None),
    # The last field truncated still ends with <RS> (§3.4.1 p.21).
    "rir_truncated_last": (_truncated_last, True, ALL_TRUE, None),
    # A variable field at its maximum (6G: 38, p.54) needs no <GS> (§3.4.1 p.21).
    "rir_max_length_no_gs": (_max_length_no_gs, True, ALL_TRUE, None),
    # Base32 padding is unnecessary (p.26 note) but RFC 4648 Base32 (§10.4 p.139) allows it.
    "rir_padded_signature": (lambda k: reader.encode_text(header(), RIR, k.valid, pad=True),
                             True, ALL_TRUE, None),
    # One character changed in a value, in the header, in the signature: §3.5.1 p.25.
    "rir_tampered_value": (lambda k: reader.encode_text(header(), RIR, k.valid).replace(
        "DURAND", "DURANT", 1), False, {"parsed": True, "signature": False}, None),
    "rir_tampered_header": (lambda k: _flip(reader.encode_text(header(), RIR, k.valid), 15),
                            False, {"parsed": True, "signature": False}, None),
    "rir_tampered_signature": (lambda k: _flip(reader.encode_text(header(), RIR, k.valid), -20),
                               False, {"signature": False}, None),
    # Certificates: unknown leaf, unknown CA, expired at signature date, revoked (§3.3 p.15).
    "rir_unknown_cert": (lambda k: reader.encode_text(header("0099"), RIR, k.unexported),
                         False, {"parsed": True, "certificate_known": False}, None),
    "rir_unknown_ca": (lambda k: reader.encode_text(header(ca_id="FR0U"), RIR, k.unknown_ca),
                       False, {"parsed": True, "certificate_known": False}, None),
    "rir_expired_cert": (lambda k: reader.encode_text(
        header("0002", signed=dt.date(2022, 3, 1)), RIR, k.expired), False,
        {"certificate_known": True, "signature": True,
         "certificate_valid_at_signature": False}, None),
    "rir_revoked_cert": (lambda k: reader.encode_text(header("0003"), RIR, k.revoked), False,
                         {"certificate_known": True, "signature": True,
                          "certificate_not_revoked": False}, None),
    # DI 08 the day before AT: the ADCS has expired.
    "adcs_expired": (lambda k: reader.encode_text(header(), [
        *replace(RIR, "E4", "APC"), ("08", date_to_hex(dt.date(2026, 5, 31)))], k.valid),
        False, {"signature": True, "document_not_expired": False}, None),
    # §3.4 p.21: a code must hold every mandatory DI of its type (E5, §8.15 p.115).
    "rir_missing_e5": (lambda k: reader.encode_text(header(), replace(RIR, "E5", None),
                                                    k.valid),
                       False, {"signature": True, "mandatory_fields_present": False}, None),
    # Signed after the verification date.
    "rir_signed_in_future": (lambda k: reader.encode_text(
        header(signed=dt.date(2026, 7, 1)), RIR, k.valid), False,
        {"signature": True, "dates_not_in_future": False}, None),
    # §3.5.1 p.25: at least 64 bytes; P-256 needs exactly 64 (p.26).
    "rir_short_signature": (_short_signature, False, {}, None),
    # §10.4 p.139: the Base32 alphabet is upper case.
    "rir_lowercase_signature": (_lowercase_signature, False, {}, None),
    # §3.4.4 p.24: DIs not in the spec are forbidden.
    "rir_unknown_di": (_unknown_di, False, {}, None),
    # A certificate valid when it signed stays good after it expires (ARCHITECTURE.md traps).
    "rir_signed_while_cert_valid": (lambda k: reader.encode_text(
        header("0002", signed=dt.date(2020, 6, 1)), RIR, k.expired), True, ALL_TRUE, None),
    # A leaf named FR00/0005 but signed by another key than FR00's CA: chain not trusted.
    "rir_impostor_chain": (lambda k: reader.encode_text(header("0005"), RIR, k.impostor), False,
                           {"signature": True, "chain_trusted": False}, None),
    # §8 p.99: DIs not listed for the type are forbidden; AF (points removed) is type A1's.
    "rir_forbidden_di": (lambda k: reader.encode_text(header(), [*RIR, ("AF", "4")], k.valid),
                         False, {}, None),
    # §6.1 p.32: type AB has an emission date ("O"), never FFFF.
    "rir_undated": (lambda k: reader.encode_text(header(emitted=False), RIR, k.valid),
                    False, {}, None),
    # 6G: at least 1 character, [A-Z] and spaces (§7.5 p.54).
    "rir_empty_name": (lambda k: reader.encode_text(header(), replace(RIR, "6G", ""), k.valid),
                       False, {}, None),
    "rir_lowercase_name": (
        lambda k: reader.encode_text(header(), replace(RIR, "6G", "Durand"), k.valid),
        False, {}, None),
    # E4 takes only RII, RIR, RRP, APC (§7.16 p.98); E5 only the annex 13 codes (p.148).
    "rir_bad_e4": (lambda k: reader.encode_text(header(), replace(RIR, "E4", "ABC"), k.valid),
                   False, {}, None),
    "rir_bad_e5": (lambda k: reader.encode_text(header(), replace(RIR, "E5", "99"), k.valid),
                   False, {}, None),
    # Type AB is defined in perimeter 01 only (§6.1 p.32, §8.15 p.115).
    "rir_wrong_perimeter": (lambda k: reader.encode_text(
        Header(4, "FR00", "0001", SIGNED, SIGNED, "AB", "02", "FR"), RIR, k.valid),
        False, {"document_type_known": False}, None),
    # A 64-byte P-256 signature under the P-384 certificate 0004: the curve decides (p.26).
    "rir_wrong_curve": (lambda k: reader.encode_text(header("0004"), RIR, k.valid),
                        False, {"signature": False}, None),
    # §3.4.1 p.22: "Le séparateur <GS> peut apparaître sur les derniers champs".
    "rir_gs_before_us": (lambda k: reader.sign_text(
        header().text() + reader.encode_fields(RIR) + GS, k.valid), True, ALL_TRUE, None),
    # §3.6 p.27: an annex exists from version 04 only.
    "rii_v03_with_annex": (lambda k: reader.encode_text(
        header(version=3), [*replace(RIR, "E4", "RII"), ("AG", "C")], k.valid,
        annex=[("01", "A1")]), False, {}, None),
    # §3.3 p.15-19: header characters are [A-Z0-9]; versions are 01-04.
    "rir_lowercase_ca": (lambda k: reader.encode_text(header(ca_id="fr00"), RIR, k.valid),
                         False, {}, None),
    "rir_version_05": (lambda k: "DC05" + reader.encode_text(header(), RIR, k.valid)[4:],
                       False, {}, None),
    # §3.5.2 p.25: the signed data are bytes 0x00-0x7F; "É" is not.
    "rir_latin1_value": (lambda k: reader.encode_text(header(), replace(RIR, "6G", "DURANDÉ"),
                                                      k.valid), False, {}, None),
    # DI 08 is 4 hex digits (§7.0 p.35).
    "adcs_bad_expiry": (lambda k: reader.encode_text(header(), [
        *replace(RIR, "E4", "APC"), ("08", "ZZZZ")], k.valid), False, {}, None),
    # §3.3.1 p.17: only the emission date may be FFFF; the signature date is always a date.
    "rir_signature_date_ffff": (lambda k: reader.encode_text(
        Header(4, "FR00", "0001", SIGNED, None, "AB", "01", "FR"), RIR, k.valid),
        False, {}, None),
    # Not 2D-Docs at all: exit 2, parsed false.
    "garbage": (lambda k: "hello, world", False, {"parsed": False}, None),
    "empty": (lambda k: "", False, {"parsed": False}, None),
    "hc1": (lambda k: "HC1:NCFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQG",
            False, {"parsed": False}, None),
    "rir_no_signature": (lambda k: header().text() + reader.encode_fields(RIR), False,
                         {"parsed": False}, None),
}


@pytest.fixture(scope="module")
def keys_and_trust(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keys, Path]:
    """Build the test PKI and export FR00's folder (0001–0004 and the CRL; not 0099)."""
    root = tmp_path_factory.mktemp("independent-pki")
    fr00 = CA.create("FR00", 1)
    impostor = CA.create("FR00", 3)
    keys = Keys(
        valid=fr00.issue("0001", 11, dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
        expired=fr00.issue("0002", 12, dt.date(2020, 1, 1), dt.date(2021, 1, 1)),
        revoked=fr00.issue("0003", 13, dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
        p384=fr00.issue("0004", 14, dt.date(2024, 1, 1), dt.date(2030, 1, 1), ec.SECP384R1()),
        unexported=fr00.issue("0099", 15, dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
        unknown_ca=CA.create("FR0U", 2).issue("0001", 21, dt.date(2024, 1, 1),
                                              dt.date(2030, 1, 1)),
        impostor=impostor.issue("0005", 31, dt.date(2024, 1, 1), dt.date(2030, 1, 1)),
    )
    trust = root / "trust"
    fr00.export(trust, ["0001", "0002", "0003", "0004"],
                fr00.crl(["0003"], dt.date(2025, 1, 1)))
    # Only the impostor's leaf goes in the folder: CN FR00 as issuer, but not FR00's key.
    impostor.export(root / "impostor", ["0005"], None)
    (trust / "FR00_0005.pem").write_bytes((root / "impostor" / "FR00_0005.pem").read_bytes())
    return keys, trust


@pytest.fixture(scope="module")
def cases(keys_and_trust: tuple[Keys, Path], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Path]:
    """Write every case's text to ``<name>.txt`` (latin-1, no trailing newline)."""
    keys, _ = keys_and_trust
    folder = tmp_path_factory.mktemp("independent-cases")
    out = {}
    for name, (build, _, _, _) in CASES.items():
        path = folder / f"{name}.txt"
        path.write_bytes(build(keys).encode("latin-1"))
        out[name] = path
    return out


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A clean environment on an empty data dir (the verifier needs no registry nor keys)."""
    require_tools()
    return clean_env({"PERMIS2D_DATA_DIR": str(tmp_path_factory.mktemp("independent-data"))})


@pytest.fixture(scope="module")
def batch(cases: dict[str, Path], keys_and_trust: tuple[Keys, Path], env: dict[str, str]
          ) -> tuple[subprocess.CompletedProcess[str], dict[str, dict]]:
    """One ``verify --json`` over every case; lines keyed by case name."""
    _, trust = keys_and_trust
    done = run(["verify", "--json", "--trust", str(trust), "--at", AT.isoformat(),
                *map(str, cases.values())], env, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == len(cases), done.stdout + done.stderr
    return done, {name: line for name, line in zip(cases, lines, strict=True)}


def _params() -> list[object]:
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=why) if why else ())
            for name, (_, _, _, why) in CASES.items()]


@pytest.mark.parametrize("name", _params())
def test_verdict_and_checks(name: str, batch: tuple[object, dict[str, dict]]) -> None:
    """Each case's ``valid`` and listed checks are what the spec implies."""
    _, expected_valid, expected_checks, _ = CASES[name]
    line = batch[1][name]
    assert line["valid"] is expected_valid, line
    for check, value in expected_checks.items():
        assert line["checks"][check] is value, (check, line)
    if not expected_valid:
        assert line["reasons"], "an invalid result names its reasons"


@pytest.mark.parametrize("name", list(CASES))
def test_our_reader_agrees_with_the_case(name: str, cases: dict[str, Path],
                                         keys_and_trust: tuple[Keys, Path]) -> None:
    """Sanity of the cases themselves: our reader parses/verifies them as the case says."""
    _, expected_valid, expected_checks, _ = CASES[name]
    text = cases[name].read_bytes()
    if expected_checks.get("parsed") is False:
        with pytest.raises(reader.ReaderError):
            reader.parse(text)
        return
    try:
        reading = reader.parse(text)
        reader.check_type_ab(reading)
    except reader.ReaderError:
        assert not expected_valid
        return
    try:
        reader.verify(reading, reader.TrustFolder.load([keys_and_trust[1]]))
        signature_ok = True
    except reader.BadSignatureError:
        signature_ok = False
    except reader.SignatureCheckError:
        signature_ok = True  # the signature verified; a later check failed
    if "signature" in expected_checks:
        assert signature_ok is expected_checks["signature"]


def test_one_line_per_input_in_order_with_the_documented_shape(
        batch: tuple[subprocess.CompletedProcess[str], dict[str, dict]],
        cases: dict[str, Path]) -> None:
    """CONTRACTS.md: one JSON object per input, in order, with input/valid/checks/reasons/..."""
    done, lines = batch
    for name, line in lines.items():
        assert set(line) >= LINE_KEYS, line
        assert line["input"] == str(cases[name])
        assert set(line["checks"]) == set(CHECKS)
        assert all(v in (True, False, None) for v in line["checks"].values())
        for reason in line["reasons"]:
            assert {"code", "check"} <= set(reason)
    assert lines["rir_valid"]["header"]["cert_id"] == "0001"
    assert [f["di"] for f in lines["rir_valid"]["fields"]] == [di for di, _ in RIR]
    assert done.returncode == 2, "a batch with an unreadable input exits 2"


@pytest.mark.parametrize(("names", "code"), [
    (["rir_valid", "adcs_valid", "rir_p384_valid"], 0),
    (["rir_valid", "rir_tampered_value"], 1),
    (["garbage", "empty", "hc1"], 2),
])
def test_exit_status(names: list[str], code: int, cases: dict[str, Path],
                     keys_and_trust: tuple[Keys, Path], env: dict[str, str]) -> None:
    """Exit 0 all valid, 1 some invalid, 2 some unreadable (CONTRACTS.md, verifier CLI)."""
    done = run(["verify", "--json", "--trust", str(keys_and_trust[1]), "--at", AT.isoformat(),
                *(str(cases[n]) for n in names)], env, check=False)
    assert done.returncode == code, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(names)
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def service(keys_and_trust: tuple[Keys, Path], env: dict[str, str],
            tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The verifier HTTP service on 127.0.0.1, a free port, trusting our test folder."""
    log = tmp_path_factory.mktemp("independent-serve") / "verifier.log"
    root = Path(__file__).resolve().parents[2]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "verifier.serve", "--host", "127.0.0.1", "--port", "0",
             "--workers", "1", "--trust", str(keys_and_trust[1])],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        url = None
        while time.monotonic() < deadline and process.poll() is None:
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            if match:
                url = match.group(1)
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                        break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            pytest.fail(f"the verifier did not start:\n{log.read_text()}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}/api/v1/verify", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(("name", "valid"), [
    ("rir_valid", True),
    ("rir_tampered_value", False),
    ("rir_revoked_cert", False),
    ("adcs_expired", False),
])
def test_http_service_agrees(name: str, valid: bool, service: str,
                             cases: dict[str, Path]) -> None:
    """``POST /api/v1/verify`` with ``{"text", "at"}`` gives the CLI's verdict."""
    status, body = _post(service, {"text": cases[name].read_bytes().decode("latin-1"),
                                   "at": AT.isoformat()})
    assert status == 200, body
    assert body["valid"] is valid, body
    assert body["count"] == 1
    if not valid:
        assert body["reasons"], body


def test_http_service_refuses_an_empty_text_with_4xx_json(service: str) -> None:
    """Bad input is a 4xx JSON naming the field, never a 500."""
    status, body = _post(service, {"text": "  "})
    assert 400 <= status < 500
    assert "text" in json.dumps(body)


@pytest.mark.parametrize(("name", "code"), [("rir_valid", 0), ("rir_tampered_value", 1),
                                            ("empty", 2)])
def test_stdin(name: str, code: int, cases: dict[str, Path],
               keys_and_trust: tuple[Keys, Path], env: dict[str, str]) -> None:
    """``-`` reads one text from standard input, with the same verdict as a file."""
    done = run(["verify", "--json", "--trust", str(keys_and_trust[1]), "--at", AT.isoformat(),
                "-"], env, check=False, stdin=cases[name].read_bytes())
    assert done.returncode == code, done.stdout + done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["valid"] is (code == 0)


def test_every_single_character_change_is_refused(
        keys_and_trust: tuple[Keys, Path], env: dict[str, str],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Seeded one-character changes anywhere in header, message or signature: never valid.

    §3.5.1 p.25: signed data are "inaltérables". The signature's last Base32 character is left
    out: its low bits are padding (103 characters carry 515 bits for 512, p.26), so some changes
    there leave the signature bytes unchanged.
    """
    keys, trust = keys_and_trust
    text = reader.encode_text(header(), RIR, keys.valid)
    rng = random.Random(2026)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /" + GS
    folder = tmp_path_factory.mktemp("independent-mutants")
    paths = []
    for n, index in enumerate(rng.sample(range(len(text) - 1), 30)):
        if text[index] == US:
            continue
        new = rng.choice([c for c in alphabet if c != text[index]])
        mutant = text[:index] + new + text[index + 1:]
        path = folder / f"mutant-{n:02d}-at-{index}.txt"
        path.write_bytes(mutant.encode("latin-1"))
        paths.append(path)
        with pytest.raises((reader.ReaderError, reader.SignatureCheckError)):
            reader.verify(reader.parse(mutant), reader.TrustFolder.load([trust]))
    done = run(["verify", "--json", "--trust", str(trust), "--at", AT.isoformat(),
                *map(str, paths)], env, check=False)
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(lines) == len(paths)
    accepted = [line["input"] for line in lines if line["valid"] is not False]
    assert not accepted, accepted
    assert done.returncode in (1, 2)
