"""Any input gives a report, never an exception: random texts and mutations of a signed code."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.policy import Check, Reason, verify_text
from verifier.trust import TrustStore

AT = dt.date(2025, 3, 1)
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
ALPHABET = st.characters(min_codepoint=0, max_codepoint=0x2FF)


def _sound(result) -> None:
    assert Reason.INTERNAL_ERROR not in result.reasons
    assert result.valid is all(result.checks[c] is True for c in Check)
    assert result.valid is (not result.failures)
    assert set(result.to_json()["checks"]) == {c.value for c in Check}


@FUZZ
@given(text=st.text(alphabet=ALPHABET, max_size=300), repair=st.booleans())
def test_random_text(text: str, repair: bool, pki_store: TrustStore) -> None:
    result = verify_text(text, pki_store, at=AT, repair=repair)
    _sound(result)
    assert not result.valid


@FUZZ
@given(data=st.data(), repair=st.booleans())
def test_mutated_signed_code(
    data: st.DataObject, repair: bool, sign, pki_store: TrustStore
) -> None:
    text = sign("T001")
    position = data.draw(st.integers(0, len(text) - 1))
    kind = data.draw(st.sampled_from(["replace", "delete", "insert"]))
    char = data.draw(st.characters(min_codepoint=0, max_codepoint=0xFF))
    if kind == "replace":
        mutated = text[:position] + char + text[position + 1 :]
    elif kind == "delete":
        mutated = text[:position] + text[position + 1 :]
    else:
        mutated = text[:position] + char + text[position:]
    result = verify_text(mutated, pki_store, at=AT, repair=repair)
    _sound(result)
    if mutated != text and result.text != text:
        # Only a repair that gives back the signed text (a lost <US>, a typed CR) may be valid.
        assert not result.valid, (kind, position, char)
    if result.valid and mutated != text:
        assert result.repaired
