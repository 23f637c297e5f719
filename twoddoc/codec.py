"""Decode and encode whole 2D-Doc C40 texts: header, message, signature, annex (§3, §10.7).

Why: this is the one place that knows the global layout (§3.2, p.15)::

    v01      <header><message><64 raw signature bytes>                    (§3.5.2, "Format 01")
    v02/v03  <header><message><US><Base32 signature>
    v04      <header><message><US><Base32 signature>[<GS><annex>]          (§3.6, p.27)

The signed data are the ASCII bytes of header + message, up to and not including <US> (a
trailing <GS> before <US> is signed). The v01 text follows the convention of the shared vectors
(README): the C40 data, then the 64 Base256 signature bytes as characters U+0000..U+00FF; v01
predates P-384/P-521, so its signature is always 64 bytes. The annex is not signed and must not
be trusted (§3.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple

from twoddoc.base32 import b32decode, b32encode
from twoddoc.c40 import GS, US
from twoddoc.catalog import DATA_IDS, LAYOUTS, check_document_fields
from twoddoc.errors import EncodeError, FieldError, HeaderError, SignatureFormatError
from twoddoc.header import HEADER_LENGTHS, Header, format_header, parse_header
from twoddoc.message import Field, format_message, parse_message
from twoddoc.signing import SIGNATURE_LENGTHS, Signer

V01_SIGNATURE_LENGTH = 64
_first = itemgetter(0)  # the DI of a field or (DI, value) pair
_new = tuple.__new__  # builds a Document without the Python-level NamedTuple constructor


class Document(NamedTuple):
    """A decoded 2D-Doc: header, fields in code order, signature and the exact signed bytes.

    Immutable; a named tuple because one is built per scan (see ``Header``). ``annex`` is the
    raw unsigned annex text of a v04 code (``None`` when absent) and ``annex_fields`` its
    fields; ``signature_position`` is where the signature starts in ``raw``.
    """

    header: Header
    fields: tuple[Field, ...]
    signature: bytes
    signed_data: bytes
    annex: str | None
    raw: str
    annex_fields: tuple[Field, ...] = ()
    signature_position: int = 0

    def get(self, di: str) -> str | None:
        """Return the value of the first field with this DI, or ``None``."""
        for f in self.fields:
            if f[0] == di:
                return f[1]
        return None

    def to_json(self) -> dict[str, object]:
        """Describe header and fields as JSON-ready data (dates in ISO format)."""
        h = self.header
        return {
            "header": {
                "version": h.version, "ca_id": h.ca_id, "cert_id": h.cert_id,
                "emission_date": h.emission_date.isoformat() if h.emission_date else None,
                "signature_date": h.signature_date.isoformat() if h.signature_date else None,
                "doc_type": h.doc_type, "perimeter": h.perimeter, "country": h.country,
            },
            "fields": [{"di": f.di, "value": f.value, "truncated": f.truncated,
                        "known": f.known} for f in self.fields],
            "annex": self.annex,
            "annex_fields": [{"di": f.di, "value": f.value, "truncated": f.truncated,
                              "known": f.known} for f in self.annex_fields],
        }


def _as_text(text: str | bytes) -> str:
    """Accept the scanner's bytes (Latin-1: one character per byte) or a ``str`` of bytes."""
    if type(text) is str:
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("latin-1")
    if not isinstance(text, str):
        raise TypeError(f"a 2D-Doc is str or bytes, not {type(text).__name__}")
    return text


def decode(text: str | bytes, *, strict: bool = True) -> Document:
    """Parse a 2D-Doc C40 text of version 01 to 04 into a ``Document``.

    ``strict`` refuses DIs that the perimeter's catalogue does not list (issuance); lenient mode
    (verifiers) keeps them as raw fields with ``known=False``, read up to the next separator.
    Every malformed input raises a ``TwoDDocError`` subclass naming the field and position.
    The body reads the header tuple by index and checks the signed data's ASCII inline: it
    runs once per scan, and each avoided call or attribute lookup is a few percent of a decode.
    """
    if type(text) is not str:
        text = _as_text(text)
    header = parse_header(text)
    version = header[0]
    perimeter = header[6]
    start = HEADER_LENGTHS[version]
    if strict and perimeter not in LAYOUTS:
        raise HeaderError(f"unknown perimeter {perimeter!r} (§6)", field="perimeter",
                          position=22)
    annex: str | None = None
    annex_fields: tuple[Field, ...] = ()
    if version == 1:
        end = len(text) - V01_SIGNATURE_LENGTH
        if end < start:
            raise SignatureFormatError("a v01 code ends with 64 signature bytes",
                                       field="signature", position=len(text))
        tail = text[end:]
        try:
            signature = tail.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise SignatureFormatError("a v01 signature is bytes (U+0000..U+00FF)",
                                       field="signature", position=end + exc.start) from exc
        sig_pos = end
    else:
        end = text.find(US, start)
        if end < 0:
            raise SignatureFormatError("no <US> before the signature (§3.5.2)",
                                       field="signature", position=len(text))
        sig_pos = end + 1
        sig_end = text.find(GS, sig_pos) if version >= 4 else -1
        if sig_end < 0:
            sig_end = len(text)
        else:
            annex = text[sig_end + 1:]
            annex_fields = parse_message(text, sig_end + 1, len(text), perimeter,
                                         strict=strict)
        signature = b32decode(text[sig_pos:sig_end], position=sig_pos)
        if len(signature) not in SIGNATURE_LENGTHS:
            raise SignatureFormatError(f"signature has {len(signature)} bytes, not 64, 96 or 132",
                                       field="signature", position=sig_end)
    try:
        signed_data = text[:end].encode("ascii")
    except UnicodeEncodeError as exc:
        raise FieldError(f"the signed data must be ASCII (§3.5.2), found {text[exc.start]!r}",
                         field="message", position=exc.start) from exc
    fields = parse_message(text, start, end, perimeter, strict=strict)
    return _new(Document, (header, fields, signature, signed_data, annex, text, annex_fields,
                           sig_pos))


def encode(header: Header, fields: Sequence[Field | tuple[str, str]], signer: Signer, *,
           annex: Sequence[Field | tuple[str, str]] | str | None = None) -> str:
    """Build, sign and return the C40 text of a 2D-Doc (strict; §3.3–§3.6).

    Values are folded (upper case, no accents) and checked against their DI; §8 requirements are
    checked for the tabulated types (``AB``, ``AA``, ``A1``). Only versions 02–04 are written:
    the v01 binary signature "ne doit plus être utilisé" (§3.5.2, p.25). ``annex`` (v04 only)
    is a field list or an already formatted annex text; it is appended after <GS>, unsigned.
    """
    if header.version < 2:
        raise EncodeError("version 01 must no longer be produced (§3.5.2)", field="version",
                          position=2)
    if header.perimeter not in DATA_IDS:
        raise EncodeError(f"no catalogue for perimeter {header.perimeter!r}", field="perimeter",
                          position=22)
    head = format_header(header)
    items = list(fields)
    message = format_message(items, header.perimeter)
    check_document_fields(header.doc_type, map(_first, items), header.perimeter)
    signed = head + message
    signature = signer.sign(signed.encode("ascii"))
    if len(signature) != signer.signature_length or len(signature) not in SIGNATURE_LENGTHS:
        raise EncodeError(f"signer returned {len(signature)} bytes, expected "
                          f"{signer.signature_length} (64, 96 or 132)", field="signature",
                          position=len(signed) + 1)
    text = f"{signed}{US}{b32encode(signature)}"
    if annex is not None:
        if header.version < 4:
            raise EncodeError("only version 04 carries an annex (§3.6)", field="annex",
                              position=len(text))
        if isinstance(annex, str):
            try:
                parse_message(annex, 0, len(annex), header.perimeter, strict=True)
            except (FieldError, SignatureFormatError) as exc:
                raise EncodeError(f"annex is not a valid message: {exc.message}",
                                  field=exc.field, position=exc.position) from exc
            annex_text = annex
        else:
            annex_text = format_message(list(annex), header.perimeter)
        text = f"{text}{GS}{annex_text}"
    return text
