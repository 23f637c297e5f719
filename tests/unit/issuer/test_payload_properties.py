"""Property: any name either encodes and decodes to its spec form, or is refused with a DI."""

from __future__ import annotations

from datetime import date, datetime

from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from issuer.errors import PayloadError
from issuer.facts import CategoryLine, DriverFacts
from issuer.kinds import DocumentKind
from issuer.payload import TRUNCATABLE, build_payload, spec_text
from twoddoc import EcdsaSigner, decode, encode

KEY = ec.generate_private_key(ec.SECP256R1())
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçÉÈÀÇŒœÆæßŁØ -'’"
NAME_CHARS = st.sampled_from([*LETTERS, "@", "1", "ж", "_"])
NAMES = st.text(NAME_CHARS, min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(surname=NAMES, first=st.lists(NAMES, min_size=0, max_size=7), place=NAMES)
def test_names_round_trip_or_are_refused(surname: str, first: list[str], place: str) -> None:
    facts = DriverFacts(
        neph="120375100001", civility="M", surname=surname, given_names=tuple(first),
        birth_date="01011990", birth_place=place, state="VALIDE",
        categories=(CategoryLine("B", date(2010, 1, 1)),),
        data_as_of=datetime(2026, 10, 31, 9, 0),
    )
    try:
        payload = build_payload(facts, DocumentKind.RIR, issued_on=date(2026, 10, 31),
                                document_id="1", ca_id="FR00", cert_id="0001")
        text = encode(payload.header(), payload.fields, EcdsaSigner(KEY))
    except PayloadError as exc:
        assert exc.field in {"6G", "60", "6A"} and exc.position >= 0
        return
    except Exception as exc:  # the codec's own refusal must also name the DI
        assert getattr(exc, "field", None) in {"6G", "60", "6A"}, exc
        return
    doc = decode(text)
    for di, raw in (("6G", surname), ("6A", place)):
        expected = spec_text(raw, field=di)
        field = next(f for f in doc.fields if f.di == di)
        assert field.value == expected[: TRUNCATABLE[di]]
        assert field.truncated == (len(expected) > TRUNCATABLE[di])
    names = next(f for f in doc.fields if f.di == "60")
    joined = "/".join(spec_text(n, field="60") for n in first)
    assert names.value == joined[:60] and names.truncated == (len(joined) > 60)
