"""Fuzz ``twoddoc.decode`` (strict and lenient) and ``verify_signature`` on arbitrary bytes.

Why: the decoder reads whatever a scanner or a person hands the verifier (§3, the whole text is
outside input). The house rule is that only ``TwoDDocError`` subclasses escape, each naming a
field and a position inside the text; anything else (IndexError, UnicodeError, a hang) is a bug.
When a text decodes, it must decode again to the same document, give a JSON-able report, be
accepted by the lenient mode too, and a signature check may only fail with ``SignatureError``.

Input layout: byte 0 chooses the mode (bit 0 strict, bit 1 pass ``bytes`` instead of ``str``),
the rest is the text, read as Latin-1 (the codec's text convention). Run:
``.venv/bin/python fuzz/fuzz_twoddoc_decode.py [CORPUS] -max_total_time=120``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz._common import run, vector_texts
from fuzz.twoddoc_seeds import KEYS, reference_codes
from twoddoc import Document, SignatureError, TwoDDocError, decode, verify_signature

NAME = "twoddoc_decode"


def seeds() -> list[bytes]:
    """Our vector texts and freshly signed reference codes, each in strict and lenient mode."""
    texts = vector_texts() + [code.encode("latin-1") for code in reference_codes()]
    return [bytes([mode]) + text for text in texts for mode in (0, 1, 3)]


def check_error(exc: TwoDDocError, text: str) -> None:
    """A codec error names a field and a position inside the text, and describes itself as JSON."""
    assert isinstance(exc.field, str) and exc.field, exc
    assert isinstance(exc.position, int) and 0 <= exc.position <= len(text), (exc, len(text))
    assert set(exc.to_json()) == {"code", "field", "position", "message"}


def check_document(doc: Document, text: str, strict: bool) -> None:
    """A decoded document is stable, reportable and at worst fails its signature check."""
    assert decode(doc.raw, strict=strict) == doc
    json.dumps(doc.to_json())
    assert doc.signed_data == text.encode("latin-1")[: len(doc.signed_data)]
    if strict:
        assert decode(text, strict=False).fields == doc.fields
    for key in KEYS.values():
        try:
            verify_signature(doc, key.public_key())
        except SignatureError as exc:
            check_error(exc, text)


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    """One input: decode it and check the house rule."""
    if not data:
        return
    strict, as_bytes = bool(data[0] & 1), bool(data[0] & 2)
    text = data[1:].decode("latin-1")
    try:
        doc = decode(data[1:] if as_bytes else text, strict=strict)
    except TwoDDocError as exc:
        check_error(exc, text)
        return
    check_document(doc, text, strict)


if __name__ == "__main__":
    run(NAME, TestOneInput, seeds)
