"""Document kinds → E4, licence states → E5 (annex 13, p.148)."""

import pytest

from issuer.errors import PayloadError
from issuer.kinds import E4_BY_KIND, E5_BY_STATE, KIND_BY_E4, DocumentKind, e5_code, state_label


def test_e4_mapping_is_one_to_one() -> None:
    assert dict(E4_BY_KIND) == {DocumentKind.RIR: "RIR", DocumentKind.ADCS: "APC",
                                DocumentKind.RII: "RII"}
    assert {KIND_BY_E4[e4] for e4 in E4_BY_KIND.values()} == set(DocumentKind)


def test_annex_13_has_fifty_codes() -> None:
    assert sorted(E5_BY_STATE.values()) == [f"{n:02d}" for n in range(1, 51)]


@pytest.mark.parametrize(
    ("state", "code"),
    [("VALIDE", "50"), ("SUSPENDU", "47"), ("SUSPENDU MEDICAL", "48"), ("INVALIDE", "13"),
     ("ANNULE JUDICIAIRE", "03"), (" suspendu ", "47")],
)
def test_e5_codes(state: str, code: str) -> None:
    assert e5_code(state) == code
    assert state_label(code) == " ".join(state.upper().split())


def test_unknown_state_is_refused_naming_e5() -> None:
    with pytest.raises(PayloadError) as info:
        e5_code("PERDU")
    assert info.value.field == "E5"
