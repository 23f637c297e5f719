"""The issuer's errors: one base class, one subclass per kind of refusal (STYLE §3).

Each error carries its data on attributes (``field``, ``position``, ``neph``...) and a stable
``code`` so that the CLI and the agent API turn it into one stderr line or a 4xx JSON body
without parsing the message. ``status_hint`` is a hint only: the core knows no HTTP.
"""

from __future__ import annotations

__all__ = [
    "BarcodeReadbackError",
    "CertificateNotValidError",
    "DocumentTooLargeError",
    "FontNotFoundError",
    "IssuerError",
    "NoLicenceHeldError",
    "PayloadError",
    "UnknownDriverError",
]


class IssuerError(Exception):
    """Base class of every refusal to issue a document."""

    code = "issuer_error"
    status_hint = 400


class UnknownDriverError(IssuerError):
    """No driver in the registry has this NEPH: nothing can be certified about them."""

    code = "unknown_neph"
    status_hint = 404

    def __init__(self, neph: str) -> None:
        super().__init__(f"unknown NEPH {neph!r}: no driver record in the registry (field neph)")
        self.neph = neph
        self.field = "neph"
        self.position = 0


class PayloadError(IssuerError):
    """A registry value cannot be carried by the 2D-Doc field it belongs to.

    ``field`` is the data identifier (DI, e.g. ``E6``) and ``position`` the 0-based index of the
    offending character or item inside the value, so that an agent can fix the record.
    """

    code = "payload_error"

    def __init__(self, msg: str, *, field: str, position: int) -> None:
        super().__init__(f"{msg} (DI {field}, position {position})")
        self.field = field
        self.position = position


class DocumentTooLargeError(IssuerError):
    """The 2D-Doc text does not fit in the largest square DataMatrix (144×144, ISO 16022)."""

    code = "barcode_too_large"
    status_hint = 422

    def __init__(self, length: int) -> None:
        super().__init__(f"2D-Doc text of {length} characters does not fit in a DataMatrix")
        self.length = length
        self.field = "barcode"
        self.position = length


class BarcodeReadbackError(IssuerError):
    """The symbol just drawn does not decode back to the exact text: never publish it."""

    code = "barcode_readback"
    status_hint = 500

    def __init__(self, position: int, detail: str) -> None:
        super().__init__(f"DataMatrix read-back mismatch at byte {position}: {detail}")
        self.field = "barcode"
        self.position = position


class CertificateNotValidError(IssuerError):
    """The active signing certificate is not valid on the issue date (a verifier would refuse)."""

    code = "certificate_not_valid"
    status_hint = 409

    def __init__(self, cert_id: str, on: object) -> None:
        super().__init__(f"signing certificate {cert_id} is not valid on {on}: rotate the key "
                         "(permis2d keys rotate) or issue on a date inside its validity")
        self.cert_id = cert_id
        self.field = "on"
        self.position = 0


class NoLicenceHeldError(IssuerError):
    """The driver exists but holds no licence: there is no right to drive to certify."""

    code = "no_licence"
    status_hint = 404

    def __init__(self, neph: str) -> None:
        super().__init__(f"driver {neph!r} holds no licence: nothing to certify (field neph)")
        self.neph = neph
        self.field = "neph"
        self.position = 0


class FontNotFoundError(IssuerError):
    """No TrueType face drawing French text was found: a PDF would print empty boxes.

    A configuration fault of the issuing machine (fonts, ``PERMIS2D_FONT_DIR``), not of a request.
    """

    code = "font_not_found"
    status_hint = 500
