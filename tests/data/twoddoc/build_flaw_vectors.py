"""Write the codec's own flaw vectors into tests/vectors/twoddoc/ (one .txt + one .json each).

Why: STYLE §8 wants vectors as files named after their flaw, with the expected error class,
field and position beside them. Each text is a small edit of one base code (the DI layout of
the spec's type-AB reference code, with a dummy but well-formed signature: 103 × 'A' is the
Base32 of 64 zero bytes), so every flaw is the only thing wrong with its file.
Usage: ``python tests/data/twoddoc/build_flaw_vectors.py [--force]``; existing files are kept
unless ``--force`` is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "vectors" / "twoddoc"
GS, RS, US = "\x1d", "\x1e", "\x1f"
HEAD = "DC04FR0000011E471E47AB01FR"
BODY = (f"6HM{GS}6GDUMONT DURVILLE{GS}60JULES/SEBASTIEN/CESAR{GS}69080519426ACONDE SUR NOIREAU"
        f"{GS}AC121201200001{GS}E4APCE550E8020220211522090003AG8E6A B C{GS}E7123456789")
SIG = "A" * 103
SIG96 = "A" * 154
BASE = HEAD + BODY + US + SIG


def _flaw(text: str, error: str, field: str, position: int, why: str, *, stage: str = "decode",
          strict: bool = True, **extra: object) -> tuple[str, dict[str, object]]:
    return text, {"stage": stage, "strict": strict, "error": error, "field": field,
                  "position": position, "why": why, **extra}


def vectors() -> dict[str, tuple[str, dict[str, object]]]:
    """Name → (text, expectation)."""
    us = len(HEAD + BODY)
    return {
        "bad_marker": _flaw("DX" + BASE[2:], "HeaderError", "marker", 1,
                            "marker must be DC (§3.3.1)"),
        "bad_version": _flaw("DC07" + BASE[4:], "HeaderError", "version", 2,
                             "versions 01-04 only (§3.3)"),
        "bad_hex_date": _flaw(BASE[:12] + "1E4G" + BASE[16:], "HeaderError", "emission_date",
                              15, "emission date has a non-hex digit"),
        "lowercase_hex_date": _flaw(BASE[:16] + "1e47" + BASE[20:], "HeaderError",
                                    "signature_date", 17, "hex dates are upper case [A-Z0-9]"),
        "truncated_header": _flaw(BASE[:16], "HeaderError", "signature_date", 16,
                                  "header cut after the emission date"),
        "binary_header": _flaw("\xdc\x04\x7b\xaf" + BASE[4:], "HeaderError", "marker", 0,
                               "binary header (§3.3.4) is not supported"),
        "unknown_perimeter": _flaw(BASE[:22] + "02" + BASE[24:], "HeaderError", "perimeter", 22,
                                   "no catalogue for perimeter 02 in strict mode"),
        "fixed_field_too_short": _flaw(HEAD + "6GDUPONT" + GS + "E55" + US + SIG, "FieldError",
                                       "E5", 38, "E5 is 2 characters, the message has 1"),
        "separator_in_fixed_field": _flaw(HEAD + "E80202" + GS + "20211522" + US + SIG,
                                          "FieldError", "E8", 32,
                                          "a <GS> inside the 12 characters of E8"),
        "bad_data_identifier": _flaw(HEAD + "6gDUPONT" + US + SIG, "FieldError", "6g", 27,
                                     "a DI is two characters [A-Z0-9]"),
        "value_below_minimum": _flaw(HEAD + "6G" + GS + "6HM" + US + SIG, "FieldError", "6G",
                                     28, "6G 'Nom' has a minimum length of 1"),
        "unknown_di_strict": _flaw(HEAD + "ZZHELLO" + GS + "6GDUPONT" + US + SIG,
                                   "UnknownFieldError", "ZZ", 26,
                                   "ZZ is in no catalogue; lenient mode keeps it raw",
                                   lenient_fields=[["ZZ", "HELLO", False, False],
                                                   ["6G", "DUPONT", False, True]]),
        "non_ascii_message": _flaw(HEAD + "6GDUPONT\xc9" + US + SIG, "FieldError", "message",
                                   34, "signed data are bytes 0x00-0x7F (§3.5.2)"),
        "missing_us": _flaw(HEAD + BODY + SIG, "SignatureFormatError", "signature",
                            len(HEAD + BODY + SIG), "no <US> before the signature"),
        "bad_base32": _flaw(BASE[:us + 11] + "1" + BASE[us + 12:], "SignatureFormatError",
                            "signature", us + 11, "'1' is not in the Base32 alphabet"),
        "base32_padding": _flaw(BASE + "==", "SignatureFormatError", "signature", us + 104,
                                "103 characters take one '=' of padding, not two (§10.4)"),
        "base32_lowercase": _flaw(BASE[:us + 1] + "a" + BASE[us + 2:], "SignatureFormatError",
                                  "signature", us + 1, "Base32 is upper case; never repaired"),
        "base32_trailing_bits": _flaw(BASE[:-1] + "B", "SignatureFormatError", "signature",
                                      us + 103, "unused low bits of the last character set"),
        "signature_cut_102": _flaw(BASE[:-1], "SignatureFormatError", "signature", us + 103,
                                   "102 Base32 characters encode no whole byte string"),
        "signature_63_bytes": _flaw(BASE[:-2], "SignatureFormatError", "signature", us + 102,
                                    "101 characters = 63 bytes: not 64, 96 or 132"),
        "annex_in_v03": _flaw("DC03FR0000011E471E47AB01" + BODY + US + SIG + GS + "6GX",
                              "SignatureFormatError", "signature", 24 + len(BODY) + 104,
                              "only v04 has an annex after <GS> (§3.6)"),
        "v01_short_signature": _flaw("DC01FR000001125E125C00" + "24570001234567890",
                                     "SignatureFormatError", "signature", 39,
                                     "v01 ends with 64 raw signature bytes"),
        "wrong_signature_length_for_curve": _flaw(
            HEAD + BODY + US + SIG96, "SignatureLengthError", "signature", us + 1,
            "a 96-byte (P-384) signature verified with a P-256 key", stage="verify",
            curve="P-256"),
    }


def main(argv: list[str]) -> int:
    """Write every vector; keep existing files unless --force."""
    force = "--force" in argv
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (text, expectation) in vectors().items():
        txt, meta = OUT / f"{name}.txt", OUT / f"{name}.json"
        if txt.exists() and not force:
            continue
        txt.write_bytes(text.encode("latin-1"))
        meta.write_text(json.dumps(expectation, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
