"""Two verdicts, API and CLI: every licence state the registry can hold, issued by the issuer.

Issue 9: an authentic ADCS of a suspended licence must not read "valid" alone. The documents are
made by the real issuer (``issue_from_facts``) in each state of :class:`registry.LicenceState`,
through the issuer's own mapping to annex 13, so a state added to the registry without a verdict
here fails this test.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from verifier_documents import adcs_text, issuer_pdf, make_pki

from issuer.records import STATE_LABELS
from permis2d.cli import cli
from permis2d.settings import Settings
from registry.records import LicenceState
from twoddoc.catalog import LICENCE_STATES
from verifier.trust import TrustStore
from verifier.web import create_app

TODAY = dt.date.today()
#: The registry's states and what a checker must read (annex 13 code, French label).
EXPECTED = {
    LicenceState.VALID: ("50", "VALIDE", True),
    LicenceState.SUSPENDED: ("47", "SUSPENDU", False),
    LicenceState.MEDICALLY_SUSPENDED: ("48", "SUSPENDU MÉDICAL", False),
    LicenceState.INVALIDATED: ("13", "INVALIDE", False),
    LicenceState.CANCELLED: ("03", "ANNULÉ JUDICIAIRE", False),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One ADCS and one RIR per registry state (texts and PDFs), and the trust folder."""
    base = tmp_path_factory.mktemp("driving")
    store = make_pki(base / "keys", "FR97")
    docs = {}
    for state in LicenceState:
        for kind in ("adcs", "rir"):
            text, pdf = issuer_pdf(store, kind=kind, issued=TODAY - dt.timedelta(days=1),
                                   document_id=f"{kind.upper()}{state.name[:8]:0<8}",
                                   state=STATE_LABELS[state])
            (base / f"{state.value}-{kind}.txt").write_bytes(text.encode("latin-1"))
            (base / f"{state.value}-{kind}.pdf").write_bytes(pdf)
            docs[state, kind] = text
    annex = {code: adcs_text(store, issued=TODAY, state=code) for code in LICENCE_STATES}
    for code, text in annex.items():
        (base / f"annex-{code}.txt").write_bytes(text.encode("latin-1"))
    return {"base": base, "docs": docs, "annex": annex,
            "trust": store.export_trust(base / "trust")}


@pytest.fixture(scope="module")
def client(world: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    settings = Settings.from_env({"PERMIS2D_DATA_DIR": str(tmp_path_factory.mktemp("d"))})
    yield create_app(settings, TrustStore.load([world["trust"]])).test_client()


def test_every_registry_state_is_covered() -> None:
    assert set(EXPECTED) == set(LicenceState) == set(STATE_LABELS)


@pytest.mark.parametrize("state", list(LicenceState), ids=lambda s: s.value)
@pytest.mark.parametrize("purpose", ["employer", "rental", "police"])
def test_api_gives_both_verdicts(client: FlaskClient, world: dict, state: LicenceState,
                                 purpose: str) -> None:
    code, label, allowed = EXPECTED[state]
    for kind in ("adcs", "rir"):
        body = client.post("/api/v1/verify", json={"text": world["docs"][state, kind],
                                                   "purpose": purpose}).json
        assert body["valid"] is True, body["reasons"]  # the paper is genuine and in force
        driving = body["driving"]
        assert driving["allowed"] is allowed
        assert driving["state"] == {"code": code, "label_fr": label,
                                    "label_en": driving["state"]["label_en"]}
        assert driving["state"]["label_en"]
        assert driving["categories"] == ["B", "AM"]  # as the issuer lists them
        if not allowed:
            assert driving["message_fr"] == f"Ce permis n'autorise pas la conduite — {label}"
            assert driving["message_en"].startswith("This licence does not allow driving — ")
        assert body["documents"][0]["driving"] == driving


def test_no_purpose_stays_minimal_and_forgery_has_no_driving(client: FlaskClient,
                                                             world: dict) -> None:
    text = world["docs"][LicenceState.SUSPENDED, "adcs"]
    for purpose in (None, "none"):
        payload = {"text": text} if purpose is None else {"text": text, "purpose": purpose}
        body = client.post("/api/v1/verify", json=payload).json
        assert "driving" not in body and "document" not in body and body["valid"] is True
    forged = text.replace("DUPONT", "DURAND")
    body = client.post("/api/v1/verify", json={"text": forged, "purpose": "police"}).json
    assert body["valid"] is False and "driving" not in body


def test_police_fields_are_labelled_with_the_raw_code(client: FlaskClient, world: dict) -> None:
    body = client.post("/api/v1/verify", json={
        "text": world["docs"][LicenceState.SUSPENDED, "rir"], "purpose": "police"}).json
    fields = {f["di"]: f for f in body["fields"]}
    assert fields["E5"]["value"] == "47" and fields["E5"]["display_fr"] == "SUSPENDU"
    assert fields["E5"]["label_en"] == "Licence state"
    assert fields["69"]["display_fr"] == "29/02/1984"
    assert body["document"]["freshness"] == {"issued": (TODAY - dt.timedelta(days=1)).isoformat(),
                                             "age_days": 1, "older_than_four_months": False}
    assert body["specimen"] is False


def _cli(settings: Settings, world: dict, *names: str) -> tuple[int, list[dict], str]:
    args = ["verify", "--trust", str(world["trust"]), "--json",
            *(str(world["base"] / name) for name in names)]
    result = CliRunner().invoke(cli, args, obj=settings)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stdout


@pytest.mark.parametrize("state", list(LicenceState), ids=lambda s: s.value)
def test_cli_exit_3_when_the_licence_does_not_allow_driving(settings: Settings, world: dict,
                                                            state: LicenceState) -> None:
    code, _, allowed = EXPECTED[state]
    status, lines, _ = _cli(settings, world, f"{state.value}-adcs.txt", f"{state.value}-rir.txt")
    assert status == (0 if allowed else 3)
    assert [line["valid"] for line in lines] == [True, True]
    assert [line["driving"]["allowed"] for line in lines] == [allowed, allowed]
    assert lines[0]["driving"]["state"]["code"] == code
    human = CliRunner().invoke(cli, ["verify", "--trust", str(world["trust"]),
                                     str(world["base"] / f"{state.value}-adcs.txt")],
                               obj=settings)
    assert human.exit_code == status
    assert ": VALID" in human.stdout
    assert ("driving: ALLOWED" if allowed else "driving: NOT ALLOWED") in human.stdout
    assert "Date of birth" in human.stdout and "29 Feb 1984" in human.stdout


def test_cli_reads_the_issued_pdf_and_keeps_gravity_order(settings: Settings,
                                                          world: dict) -> None:
    status, lines, _ = _cli(settings, world, "suspended-adcs.pdf")
    assert status == 3 and lines[0]["driving"]["state"]["label_fr"] == "SUSPENDU"
    status, lines, _ = _cli(settings, world, "valid-adcs.pdf", "valid-rir.pdf")
    assert status == 0 and [line["valid"] for line in lines] == [True, True]
    forged = world["base"] / "forged.txt"
    forged.write_text(world["docs"][LicenceState.VALID, "adcs"].replace("DUPONT", "DURAND"),
                      encoding="latin-1")
    assert _cli(settings, world, "suspended-adcs.txt", "forged.txt")[0] == 1
    assert _cli(settings, world, "suspended-adcs.txt", "forged.txt", "missing.txt")[0] == 2


def test_every_annex_13_code_through_the_api_and_the_cli(client: FlaskClient, settings: Settings,
                                                         world: dict) -> None:
    """Only VALIDE (50) and its exchanged / EU forms (25, 36, 41) allow driving (annex 13)."""
    allowed = {code for code, text in world["annex"].items()
               if client.post("/api/v1/verify", json={"text": text, "purpose": "employer"}
                              ).json["driving"]["allowed"]}
    assert allowed == {"25", "36", "41", "50"}
    names = [f"annex-{code}.txt" for code in sorted(world["annex"])]
    status, lines, _ = _cli(settings, world, *names)
    assert status == 3
    assert [line["valid"] for line in lines] == [True] * len(names)
    assert {line["driving"]["state"]["code"] for line in lines
            if line["driving"]["allowed"]} == allowed
    assert _cli(settings, world, "annex-50.txt", "annex-25.txt")[0] == 0
    assert _cli(settings, world, "annex-49.txt")[0] == 3  # TITRE FALSIFIE: authentic, no right


def test_cli_says_how_old_an_rir_is(settings: Settings, world: dict) -> None:
    path = str(world["base"] / "valid-rir.txt")
    later = (TODAY + dt.timedelta(days=200)).isoformat()
    human = CliRunner().invoke(cli, ["verify", "--trust", str(world["trust"]), "--at", later,
                                     path], obj=settings)
    assert "OLDER THAN FOUR MONTHS" in human.stdout and "ask for a recent ADCS" in human.stdout
    status, lines, _ = _cli(settings, world, "valid-rir.txt")
    assert status == 0 and lines[0]["freshness"]["older_than_four_months"] is False


def test_cli_an_expired_adcs_claims_no_driving_right(settings: Settings, world: dict) -> None:
    """An expired ADCS of a valid licence: the report never reads "INVALID — driving allowed"."""
    after_expiry = (TODAY + dt.timedelta(days=200)).isoformat()
    human = CliRunner().invoke(cli, ["verify", "--trust", str(world["trust"]), "--at",
                                     after_expiry, str(world["base"] / "valid-adcs.txt")],
                               obj=settings)
    assert human.exit_code == 1
    first = human.stdout.splitlines()[0]
    assert first.endswith(": INVALID"), first
    assert "DOCUMENT_EXPIRED" in human.stdout
    assert "driving: ALLOWED" not in human.stdout
    assert "driving: NOT ESTABLISHED — the document is not valid" in human.stdout
