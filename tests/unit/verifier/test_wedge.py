"""Keyboard-wedge repair: separators restored when the signature confirms it, refused otherwise."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from twoddoc import decode
from verifier.policy import Check, Reason, verify_text
from verifier.trust import TrustStore
from verifier.wedge import RepairBudget, base32_length, repair_text

SEPARATORS = "\x1d\x1e\x1f"
AT = dt.date(2025, 2, 1)
AB_FIELDS = [
    ("09", "0001"), ("60", "JEAN/PIERRE"), ("69", "29021980"), ("6A", "SAINT DENIS"),
    ("6G", "DUPONT"), ("6H", "M"), ("AC", "123456789012"), ("E4", "APC"), ("E5", "50"),
    ("E8", "010220251030"), ("E6", "A B AM"), ("08", "2600"),
]


def _wedge(text: str) -> str:
    return "".join(ch for ch in text if ch not in SEPARATORS)


def test_signature_length_follows_the_curve() -> None:
    assert [base32_length(n) for n in (64, 96, 132)] == [103, 154, 212]


def test_repairs_a_driving_licence_document(sign, pki_store: TrustStore) -> None:
    text = sign("T001", AB_FIELDS, doc_type="AB")
    wedged = _wedge(text)
    plain = verify_text(wedged, pki_store, at=AT)
    assert not plain.valid and not plain.repaired
    assert any("--repair" in note for note in plain.notes)
    result = verify_text(wedged, pki_store, at=AT, repair=True)
    assert result.valid, result.to_json()["reasons"]
    assert result.repaired and result.to_json()["repaired"] is True
    assert any("separators restored" in note for note in result.notes)
    assert result.document is not None and result.document.get("6G") == "DUPONT"
    assert result.text == text


def test_repairs_real_codes(vectors: list[dict[str, Any]], certs_store: TrustStore) -> None:
    real = [e["raw"] for e in vectors if e["raw"][8:12] in ("EDF1", "AV01", "AHP1")]
    for raw in real:
        signed = decode(raw, strict=False).header.signature_date
        result = verify_text(_wedge(raw), certs_store, at=signed, repair=True)
        assert result.valid, result.to_json()["reasons"]
        assert result.text == raw


def test_repairs_the_spec_driving_licence_vectors(
    vectors: list[dict[str, Any]], certs_store: TrustStore
) -> None:
    ab = [e["raw"] for e in vectors
          if e["signature_should_verify"] and e["raw"][20:22] in ("AB", "AA", "A1")
          and not e["raw"].startswith("DC01")]
    assert ab
    for raw in ab:
        result = verify_text(_wedge(raw), certs_store, at=AT, repair=True)
        assert result.checks[Check.SIGNATURE] is True, raw[:30]
        assert result.text == raw


def test_only_us_lost(sign, pki_store: TrustStore) -> None:
    text = sign("T001")
    result = verify_text(text.replace("\x1f", ""), pki_store, at=AT, repair=True)
    assert result.valid and result.repaired


def test_visible_markers_and_enter(sign, pki_store: TrustStore) -> None:
    text = sign("T001")
    shown = text.replace("\x1d", "<GS>").replace("\x1f", "<US>") + "\r\n"
    result = verify_text(shown, pki_store, at=AT, repair=True)
    assert result.valid and result.repaired
    assert any("<GS>" in note for note in result.notes)


def test_intact_text_is_not_touched(sign, pki_store: TrustStore) -> None:
    result = verify_text(sign("T001"), pki_store, at=AT, repair=True)
    assert result.valid and not result.repaired


def test_tampered_wedged_text_is_unrepairable(sign, pki_store: TrustStore) -> None:
    wedged = _wedge(sign("T001", AB_FIELDS, doc_type="AB"))
    tampered = wedged.replace("DUPONT", "DUPOND")
    result = verify_text(tampered, pki_store, at=AT, repair=True)
    assert not result.valid
    assert result.reasons == (Reason.WEDGE_UNREPAIRABLE,)
    assert result.readable  # a 2D-Doc we could not repair: invalid, not unreadable


def test_unknown_certificate_cannot_choose(sign, pki_store: TrustStore) -> None:
    wedged = _wedge(sign("T001"))
    outcome = repair_text(wedged, TrustStore.empty())
    assert outcome.failure is not None
    assert outcome.failure.reason is Reason.WEDGE_UNREPAIRABLE
    assert "not in the trust store" in (outcome.failure.detail or "")


def test_hopeless_text_is_bounded_in_time(pki_store: TrustStore) -> None:
    # A long all-digit message offers a combinatorial number of splits: the limits cut it short.
    text = "DC04FR0TT001240024000001FR" + "10" + "1234567890" * 30 + "A" * 103
    start = time.perf_counter()
    result = verify_text(text, pki_store, at=AT, repair=True)
    assert time.perf_counter() - start < 5
    assert result.reasons == (Reason.WEDGE_UNREPAIRABLE,)


def test_only_gs_lost(sign, pki_store: TrustStore) -> None:
    text = sign("T001", AB_FIELDS, doc_type="AB")
    kept_us = "".join(c for c in text if c not in "\x1d\x1e")
    result = verify_text(kept_us, pki_store, at=AT, repair=True)
    assert result.valid and result.repaired
    assert result.text == text


def test_annex_after_the_signature(pki, pki_store: TrustStore) -> None:
    """v04 annex (§3.6): unsigned fields after <GS> behind the signature, also when wedged."""
    from cryptography.hazmat.primitives import serialization

    from twoddoc import EcdsaSigner, Header, encode

    key = serialization.load_pem_private_key(
        (pki / "keys" / "FR0T_T001.key.pem").read_bytes(), password=None)
    day = dt.date(2025, 1, 10)
    text = encode(Header(4, "FR0T", "T001", day, day, "00", "01", "FR"),
                  [("10", "M JEAN"), ("24", "75001")], EcdsaSigner(key),  # type: ignore[arg-type]
                  annex=[("10", "SERIE 42")])
    assert verify_text(text, pki_store, at=AT).valid
    result = verify_text(_wedge(text), pki_store, at=AT, repair=True)
    assert result.valid and result.repaired
    assert result.text == text


#: Issue 10's hostile text: a header naming a trusted certificate, then digits and Base32 that
#: offer a v04 annex position at almost every character.
HOSTILE = "DC04FR0TT00126682668AB01FR" + "42" * 100 + "A" * 300


def test_hostile_text_costs_a_bounded_time(pki_store: TrustStore) -> None:
    for text in (HOSTILE[:216], HOSTILE, HOSTILE + "A" * (4096 - len(HOSTILE))):
        start = time.process_time()
        result = verify_text(text, pki_store, at=AT, repair=True)
        spent = time.process_time() - start
        assert result.reasons == (Reason.WEDGE_UNREPAIRABLE,), len(text)
        # The default budget is 2 s of wall clock and far fewer steps; CPU time stays below it.
        assert spent < 2.5, (len(text), spent)


def test_repair_budget_in_steps_and_seconds(sign, pki_store: TrustStore) -> None:
    wedged = _wedge(sign("T001", AB_FIELDS, doc_type="AB"))
    assert repair_text(wedged, pki_store).failure is None
    starved = repair_text(wedged, pki_store, budget=RepairBudget(steps=50))
    assert starved.failure is not None and starved.failure.reason is Reason.WEDGE_UNREPAIRABLE
    assert "50 search steps" in (starved.failure.detail or "")
    ticks = iter(range(0, 10**6, 10))  # a clock that jumps 10 s at every reading
    late = repair_text(HOSTILE, pki_store, budget=RepairBudget(seconds=5),
                       clock=lambda: float(next(ticks)))
    assert late.failure is not None and "5 s spent" in (late.failure.detail or "")


def test_wedge_does_not_import_the_policy() -> None:
    """Issue 11: ``verifier.policy`` imports ``verifier.wedge``, never the other way round."""
    import ast
    from pathlib import Path

    import verifier.wedge
    import verifier.wedge_split

    for module in (verifier.wedge, verifier.wedge_split):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert "verifier.policy" not in imported, module.__name__
