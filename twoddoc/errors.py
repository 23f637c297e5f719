"""The error hierarchy of the 2D-Doc codec: every malformed input raises one of these.

Why: verifiers and the issuer's HTTP edge turn these into 4xx JSON (``code``, ``field``,
``position``, ``message``) without ever seeing a traceback; data goes on attributes, not only in
the text. ``position`` is the character index in the decoded text (for ``EncodeError``, the index
in the offending value, or in the field sequence when a whole field is at fault).
"""

from __future__ import annotations


class TwoDDocError(ValueError):
    """Base class: something about a 2D-Doc text, a field or a signature is wrong."""

    code = "twoddoc_error"

    def __init__(self, msg: str, *, field: str, position: int) -> None:
        super().__init__(f"{msg} ({field}, position {position})")
        self.message = msg
        self.field = field
        self.position = position

    def to_json(self) -> dict[str, object]:
        """Describe the error as the JSON body an HTTP edge returns (no HTTP here)."""
        return {"code": self.code, "field": self.field, "position": self.position,
                "message": self.message}


class HeaderError(TwoDDocError):
    """The fixed-size header is wrong: marker, version, ids, hex dates, type, perimeter (§3.3)."""

    code = "header_error"


class FieldError(TwoDDocError):
    """A message field is malformed: bad data identifier, too short, stray control char (§3.4)."""

    code = "field_error"


class UnknownFieldError(FieldError):
    """A data identifier absent from the perimeter's catalogue, refused in strict mode (§3.4.4)."""

    code = "unknown_field"


class SignatureFormatError(TwoDDocError):
    """The signature zone is malformed: no <US>, bad Base32, impossible length (§3.5.2)."""

    code = "signature_format_error"


class SignatureError(TwoDDocError):
    """The signature does not verify with the given public key (§3.5)."""

    code = "signature_error"


class SignatureLengthError(SignatureFormatError, SignatureError):
    """The raw signature length does not match the verifying key's curve (§3.5.2 table).

    It is both a format error and a verification failure, so callers catching either see it.
    """

    code = "signature_length_error"


class EncodeError(TwoDDocError):
    """A value or header given to the encoder cannot be carried as the spec requires."""

    code = "encode_error"
