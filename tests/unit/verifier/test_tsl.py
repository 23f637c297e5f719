"""Trust service lists: exact statuses, unsafe XML refused, XML signature and pinned signers.

Test lists are built here from the test PKI (``tests/vectors/build_test_pki.py``: ``tsl_xml``,
``sign_tsl``); the real ANTS list is read from ``../shared/vectors/tsl/`` and changed by one byte.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from permis2d.cli import cli
from permis2d.settings import Settings
from verifier.trust import ChainStatus, TrustStore, TrustStoreError, TSLRefusedError
from verifier.tsl import GRANTED_STATUSES
from verifier.tsl_signature import load_tsl_signers

SVC = "http://uri.etsi.org/TrstSvc/Svcstatus/"
UNTRUSTED_STATUSES = [
    *(SVC + s for s in (
        "notinaccord", "withdrawn", "expired", "suspended", "revoked", "accredited",
        "undersupervision", "supervisionincessation", "supervisionceased", "supervisionrevoked",
        "setbynationallaw", "deprecatedbynationallaw", "recognisedatnationallevel",
        "deprecatedatnationallevel", "granted", "inaccord/", "INACCORD", "inaccord#",
    )),
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn",
    "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/notgranted",
    "https://uri.etsi.org/TrstSvc/Svcstatus/inaccord",
    "inaccord",
    "",
]
AT = "2025-02-01"


def _status_tsl(pki_builder: Any, pki: Path, status: str) -> bytes:
    ca = x509.load_pem_x509_certificate((pki / "trust" / "FR0T.pem").read_bytes())
    xml = pki_builder.tsl_xml("FR0T", ca, "inaccord")
    return xml.replace(f"{SVC}inaccord", status).encode()


def _signed(pki_builder: Any, xml: bytes, signer: str = "FR0T", **kw: Any) -> bytes:
    """``xml`` signed by the test CA ``signer`` (FR0T: key 0x1000; FR0V: key 0x3000)."""
    scalar = {"FR0T": 0x1000, "FR0V": 0x3000}[signer]
    key = pki_builder._key(scalar)
    return pki_builder.sign_tsl(xml, key, pki_builder._ca(signer, key, scalar), **kw)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- statuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(GRANTED_STATUSES))
def test_granted_statuses_anchor(pki_builder: Any, pki: Path, tmp_path: Path, status: str) -> None:
    tsl = _write(tmp_path / "tsl.xml", _status_tsl(pki_builder, pki, f"\n   {status} \n"))
    store = TrustStore.load([tsl, pki / "trust" / "FR0T_T001.pem"])
    assert store.ca_ids() == ("FR0T",)
    assert store.chain(store.candidates("FR0T", "T001")[0]) is ChainStatus.TRUSTED


@pytest.mark.parametrize("status", UNTRUSTED_STATUSES)
def test_every_other_status_is_untrusted_and_named(
    pki_builder: Any, pki: Path, tmp_path: Path, status: str
) -> None:
    tsl = _write(tmp_path / "tsl.xml", _status_tsl(pki_builder, pki, status))
    # The trust folder holds FR0T.pem too: the list's verdict wins over the folder's CA.
    store = TrustStore.load([tsl, pki / "trust"])
    assert "FR0T" not in store.ca_ids()
    assert store.chain(store.candidates("FR0T", "T001")[0]) is ChainStatus.CA_NOT_TRUSTED
    assert any(f"FR0T has status {status!r}: not trusted" in note for note in store.notes)


def test_notinaccord_text_is_untrusted_by_the_verifier(
    pki_builder: Any, pki: Path, tmp_path: Path, sign: Any
) -> None:
    """The reported bug: a ``…/notinaccord`` CA chained as TRUSTED; now the document is invalid."""
    from verifier import verify_text

    tsl = _write(tmp_path / "tsl.xml", _status_tsl(pki_builder, pki, f"{SVC}notinaccord"))
    store = TrustStore.load([tsl, pki / "trust" / "FR0T_T001.pem"])
    result = verify_text(sign("T001"), store, at=dt.date(2025, 2, 1))
    assert not result.valid
    assert result.to_json()["checks"]["chain_trusted"] is False


# -- unsafe XML --------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#">
 <tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPInformation>
  <tsl:TSPTradeName><tsl:Name>&lol9;</tsl:Name></tsl:TSPTradeName>
 </tsl:TSPInformation></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
"""


def _external_entity(target: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE tsl [ <!ENTITY xxe SYSTEM "file://{target}"> ]>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#">
 <tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPInformation>
  <tsl:TSPTradeName><tsl:Name>&xxe;</tsl:Name></tsl:TSPTradeName>
 </tsl:TSPInformation></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
""".encode()


EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE tsl:TrustServiceStatusList SYSTEM "http://127.0.0.1:9/tsl.dtd">
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#"/>
"""


@pytest.mark.parametrize("kind", ["billion_laughs", "external_entity", "external_dtd"])
def test_doctype_is_refused_fast(tmp_path: Path, kind: str) -> None:
    secret = _write(tmp_path / "secret.txt", b"FR9X")
    data = {"billion_laughs": BILLION_LAUGHS, "external_entity": _external_entity(secret),
            "external_dtd": EXTERNAL_DTD}[kind]
    (tmp_path / "lists").mkdir()
    tsl = _write(tmp_path / "lists" / "tsl.xml", data)
    started = time.perf_counter()
    with pytest.raises(TSLRefusedError, match="declares a DOCTYPE or entities") as caught:
        TrustStore.load([tsl])
    assert caught.value.path == tsl
    # In a folder too: a refused list stops the load instead of becoming a note.
    with pytest.raises(TSLRefusedError):
        TrustStore.load([tmp_path / "lists"])
    assert time.perf_counter() - started < 2.0


# -- the real ANTS list ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ants_tsl(shared_dir: Path) -> bytes:
    return (shared_dir / "vectors/tsl/ants_tsl_2026-05.xml").read_bytes()


@pytest.fixture
def ants_signer(ants_tsl: bytes, tmp_path: Path) -> Path:
    """The certificate in the ANTS list's ``KeyInfo`` (CN=ANTS CACHET 2DDOC), as a PEM file."""
    b64 = re.search(rb"<ds:KeyInfo>.*?<ds:X509Certificate>(.*?)</ds:X509Certificate>",
                    ants_tsl, re.DOTALL)
    assert b64 is not None
    cert = x509.load_der_x509_certificate(base64.b64decode(b64.group(1)))
    assert "ANTS CACHET 2DDOC" in cert.subject.rfc4514_string()
    return _write(tmp_path / "ants_signer.pem", cert.public_bytes(serialization.Encoding.PEM))


def test_ants_list_verifies_with_its_signer_pinned(ants_tsl: bytes, ants_signer: Path,
                                                   tmp_path: Path) -> None:
    tsl = _write(tmp_path / "ants.xml", ants_tsl)
    store = TrustStore.load([tsl], tsl_signers=load_tsl_signers([ants_signer]))
    assert {"FR01", "FR03", "FR04", "FR05", "FR06", "FR07", "FR09"} <= set(store.ca_ids())
    assert store.notes == ()


def test_ants_list_without_pin_is_used_with_a_note(ants_tsl: bytes, tmp_path: Path) -> None:
    store = TrustStore.load([_write(tmp_path / "ants.xml", ants_tsl)])
    assert "FR03" in store.ca_ids()
    (note,) = store.notes
    assert "CN=ANTS CACHET 2DDOC" in note and "not pinned" in note and "--tsl-signer" in note


def _one_byte_changed(data: bytes, pattern: bytes) -> bytes:
    """``data`` with the last byte of the first match of ``pattern`` replaced."""
    match = re.search(pattern, data, re.DOTALL)
    assert match is not None
    at = match.end() - 1
    return data[:at] + (b"B" if data[at:at + 1] != b"B" else b"C") + data[at + 1:]


@pytest.mark.parametrize("where", ["status", "certificate"])
@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "unpinned"])
def test_ants_list_with_a_byte_changed_is_refused(
    ants_tsl: bytes, ants_signer: Path, tmp_path: Path, where: str, pinned: bool
) -> None:
    pattern = {"status": rb"<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/Svcstatus/inacc",
               "certificate": rb"<tsl:DigitalId>\s*<tsl:X509Certificate>\s*MIIF"}[where]
    tsl = _write(tmp_path / "ants.xml", _one_byte_changed(ants_tsl, pattern))
    pins = load_tsl_signers([ants_signer]) if pinned else ()
    with pytest.raises(TSLRefusedError, match="does not verify"):
        TrustStore.load([tsl], tsl_signers=pins)


def test_ants_list_with_another_certificate_pinned_is_refused(
    ants_tsl: bytes, pki: Path, tmp_path: Path
) -> None:
    tsl = _write(tmp_path / "ants.xml", ants_tsl)
    with pytest.raises(TSLRefusedError, match=r"ANTS CACHET 2DDOC.*not a pinned signer"):
        TrustStore.load([tsl], tsl_signers=load_tsl_signers([pki / "trust" / "FR0T.pem"]))


def test_content_hidden_in_a_second_signature_is_refused(ants_tsl: bytes, ants_signer: Path,
                                                         tmp_path: Path) -> None:
    """The XPath filter drops every ds:Signature from the digest: a provider hidden in one would
    be unsigned; the list is refused rather than read."""
    hidden = (b'<ds:Signature><tsl:TrustServiceProvider><tsl:TSPInformation><tsl:TSPTradeName>'
              b'<tsl:Name>FR9X</tsl:Name></tsl:TSPTradeName></tsl:TSPInformation>'
              b'</tsl:TrustServiceProvider></ds:Signature>')
    data = ants_tsl.replace(b"<tsl:TrustServiceProviderList>",
                            b"<tsl:TrustServiceProviderList>" + hidden, 1)
    tsl = _write(tmp_path / "ants.xml", data)
    with pytest.raises(TSLRefusedError, match="exactly one XML signature"):
        TrustStore.load([tsl], tsl_signers=load_tsl_signers([ants_signer]))


# -- test-PKI lists, signed here ---------------------------------------------------------------


def test_signed_test_list_pinned_and_not(pki_builder: Any, pki: Path, tmp_path: Path) -> None:
    xml = _status_tsl(pki_builder, pki, f"{SVC}inaccord")
    tsl = _write(tmp_path / "tsl.xml", _signed(pki_builder, xml))
    fr0t = load_tsl_signers([pki / "trust" / "FR0T.pem"])
    assert TrustStore.load([tsl], tsl_signers=fr0t).ca_ids() == ("FR0T",)
    with pytest.raises(TSLRefusedError, match=r"CN=FR0T.*not a pinned signer"):
        TrustStore.load([tsl], tsl_signers=load_tsl_signers([pki / "extra" / "FR0V.pem"]))
    # Two pins: either signer is accepted.
    both = load_tsl_signers([pki / "extra" / "FR0V.pem", pki / "trust" / "FR0T.pem"])
    assert TrustStore.load([tsl], tsl_signers=both).ca_ids() == ("FR0T",)


def test_signed_test_list_changed_after_signing(pki_builder: Any, pki: Path,
                                                tmp_path: Path) -> None:
    signed = _signed(pki_builder, _status_tsl(pki_builder, pki, f"{SVC}notinaccord"))
    forged = signed.replace(b"Svcstatus/notinaccord", b"Svcstatus/inaccord")
    tsl = _write(tmp_path / "tsl.xml", forged)
    with pytest.raises(TSLRefusedError, match="changed after signing"):
        TrustStore.load([tsl])


def test_unsigned_list(pki_builder: Any, pki: Path, tmp_path: Path) -> None:
    tsl = _write(tmp_path / "tsl.xml", _status_tsl(pki_builder, pki, f"{SVC}inaccord"))
    store = TrustStore.load([tsl])
    assert store.ca_ids() == ("FR0T",)
    assert any("not signed" in note for note in store.notes)
    with pytest.raises(TSLRefusedError, match="not signed"):
        TrustStore.load([tsl], tsl_signers=load_tsl_signers([pki / "trust" / "FR0T.pem"]))


def test_signature_over_part_of_the_list_is_refused(pki_builder: Any, pki: Path,
                                                    tmp_path: Path) -> None:
    xml = _status_tsl(pki_builder, pki, f"{SVC}inaccord").replace(
        b"<tsl:SchemeInformation>", b'<tsl:SchemeInformation Id="scheme">')
    tsl = _write(tmp_path / "tsl.xml", _signed(pki_builder, xml, reference_uri="#scheme"))
    with pytest.raises(TSLRefusedError, match="does not cover the whole list"):
        TrustStore.load([tsl], tsl_signers=load_tsl_signers([pki / "trust" / "FR0T.pem"]))


def test_refused_list_in_a_folder_stops_the_load(pki_builder: Any, pki: Path,
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    _write(folder / "FR0T.pem", (pki / "trust" / "FR0T.pem").read_bytes())
    _write(folder / "tsl.xml", _signed(pki_builder, _status_tsl(pki_builder, pki, f"{SVC}inaccord"),
                                       signer="FR0V"))
    with pytest.raises(TSLRefusedError, match="not a pinned signer"):
        TrustStore.load([folder], tsl_signers=load_tsl_signers([pki / "trust" / "FR0T.pem"]))


def test_pin_file_must_hold_a_certificate(pki: Path, tmp_path: Path) -> None:
    junk = _write(tmp_path / "pin.pem", b"not a certificate")
    with pytest.raises(TrustStoreError) as caught:
        load_tsl_signers([junk])
    assert caught.value.path == junk
    with pytest.raises(TrustStoreError, match="unreadable"):
        load_tsl_signers([tmp_path / "missing.pem"])
    # A certificate whose version field is 58: cryptography raises InvalidVersion, no ValueError.
    v58 = Path(__file__).resolve().parents[2] / "data" / "fuzz" / "trust_load__version_58.bin"
    with pytest.raises(TrustStoreError, match="not a certificate"):
        load_tsl_signers([_write(tmp_path / "v58.der", v58.read_bytes()[1:])])
    bundle = _write(tmp_path / "bundle.pem", (pki / "trust" / "FR0T.pem").read_bytes()
                    + (pki / "extra" / "FR0V.pem").read_bytes())
    assert len(load_tsl_signers([bundle])) == 2


# -- the commands ------------------------------------------------------------------------------


def test_verify_command_pins(pki_builder: Any, pki: Path, tmp_path: Path, sign: Any,
                             settings: Settings) -> None:
    tsl = _write(tmp_path / "tsl.xml", _signed(pki_builder, _status_tsl(pki_builder, pki,
                                                                       f"{SVC}inaccord")))
    text = _write(tmp_path / "doc.txt", sign("T001").encode("latin-1") + b"\n")
    leaf = pki / "trust" / "FR0T_T001.pem"
    base = ["verify", "--at", AT, "--trust", str(tsl), "--trust", str(leaf)]
    good = CliRunner().invoke(cli, [*base, "--tsl-signer", str(pki / "trust" / "FR0T.pem"),
                                    str(text)], obj=settings)
    assert good.exit_code == 0, good.output
    assert "not pinned" not in good.stderr
    unpinned = CliRunner().invoke(cli, [*base, str(text)], obj=settings)
    assert unpinned.exit_code == 0 and "not pinned" in unpinned.stderr
    bad = CliRunner().invoke(cli, [*base, "--tsl-signer", str(pki / "extra" / "FR0V.pem"),
                                   str(text)], obj=settings)
    assert bad.exit_code == 2
    assert "not a pinned signer" in bad.stderr and "Traceback" not in bad.output
    from_env = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path / "d"),
                                  "PERMIS2D_TSL_SIGNERS": str(pki / "extra" / "FR0V.pem")})
    assert CliRunner().invoke(cli, [*base, str(text)], obj=from_env).exit_code == 2


def test_serve_verifier_refuses_an_unpinned_list(pki_builder: Any, pki: Path, tmp_path: Path,
                                                 settings: Settings) -> None:
    tsl = _write(tmp_path / "tsl.xml", _signed(pki_builder, _status_tsl(pki_builder, pki,
                                                                       f"{SVC}inaccord")))
    result = CliRunner().invoke(cli, ["serve", "verifier", "--port", "0", "--trust", str(tsl),
                                      "--tsl-signer", str(pki / "extra" / "FR0V.pem")],
                                obj=settings)
    assert result.exit_code == 1
    assert "not a pinned signer" in result.output and "Traceback" not in result.output


def test_running_service_logs_an_unpinned_signer(pki_builder: Any, pki: Path,
                                                 tmp_path: Path) -> None:
    from verifier.serve import spawn_verifier, stop_verifier

    tsl = _write(tmp_path / "tsl.xml", _signed(pki_builder, _status_tsl(pki_builder, pki,
                                                                       f"{SVC}inaccord")))
    log = tmp_path / "serve.log"
    process, _url = spawn_verifier([tsl], tmp_path / "data", log, workers=1)
    try:
        assert "a signer not pinned" in log.read_text()
    finally:
        stop_verifier(process)
