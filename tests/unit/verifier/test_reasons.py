"""Reasons: every check can fail with a reason, every reason speaks French and English."""

from __future__ import annotations

from verifier.reasons import Check, Reason


def test_every_check_has_a_reason() -> None:
    assert {reason.check for reason in Reason} == set(Check)


def test_reasons_are_bilingual_and_distinct() -> None:
    for reason in Reason:
        assert reason.code == reason.name and reason.code.isupper()
        assert reason.message_fr.endswith(".") and reason.message_en.endswith(".")
        assert reason.message_fr != reason.message_en
    assert len({r.message_en for r in Reason}) == len(Reason)


def test_reason_json() -> None:
    out = Reason.CERTIFICATE_REVOKED.to_json("serial 1002")
    assert out == {
        "code": "CERTIFICATE_REVOKED",
        "check": "certificate_not_revoked",
        "message_fr": Reason.CERTIFICATE_REVOKED.message_fr,
        "message_en": Reason.CERTIFICATE_REVOKED.message_en,
        "detail": "serial 1002",
    }
    assert "detail" not in Reason.DATE_IN_FUTURE.to_json()
