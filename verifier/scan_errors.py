"""The scanner's errors: one base class, one subclass per way an upload can fail to yield a 2D-Doc.

Why a hierarchy of our own: the scanner reads untrusted files with Pillow and pdfium, whose own
exceptions (``OSError``, ``UnidentifiedImageError``, ``PdfiumError``, ``DecompressionBombError``)
say nothing an HTTP client can act on. Each subclass carries a stable ``code`` and an
``http_status`` hint (the core knows no HTTP, as h11's ``error_status_hint``), plus the page or
frame where it happened when there is one, so the web layer can answer a 4xx JSON error without
guessing.
"""

from __future__ import annotations

__all__ = [
    "CorruptFileError",
    "DecodeBudgetError",
    "DecodeTimeoutError",
    "DecodeTooLargeError",
    "DecoderBusyError",
    "EmptyFileError",
    "FileTooLargeError",
    "NoTwoDDocError",
    "NotATwoDDocError",
    "RemoteScanError",
    "ScanError",
    "TooManyPagesError",
    "TooManyPixelsError",
    "UnsupportedFormatError",
]


class ScanError(Exception):
    """An upload could not be turned into 2D-Doc texts; ``code`` is stable, the text is human."""

    code = "scan_error"
    http_status = 422

    def __init__(self, message: str, *, page: int | None = None) -> None:
        where = f" (page {page})" if page is not None else ""
        super().__init__(f"{message}{where}")
        self.message = message
        self.page = page

    def to_json(self) -> dict[str, object]:
        """The ``error`` object of an HTTP answer: code, message and page when known."""
        body: dict[str, object] = {"code": self.code, "message": str(self)}
        if self.page is not None:
            body["page"] = self.page
        return body


class EmptyFileError(ScanError):
    """The upload has no bytes at all."""

    code = "empty_file"
    http_status = 400


class FileTooLargeError(ScanError):
    """The file is larger than the byte limit (the HTTP layer's 10 MB body limit, or ours)."""

    code = "file_too_large"
    http_status = 413


class UnsupportedFormatError(ScanError):
    """The bytes are not PNG, JPEG, WebP, TIFF or PDF (sniffed from the magic number)."""

    code = "unsupported_format"
    http_status = 415


class CorruptFileError(ScanError):
    """The file claims a supported format but cannot be decoded (truncated, damaged)."""

    code = "corrupt_file"
    http_status = 422


class TooManyPixelsError(ScanError):
    """An image or rendered page exceeds the pixel limit (the decompression-bomb guard)."""

    code = "too_many_pixels"
    http_status = 413

    def __init__(self, message: str, *, pixels: int, limit: int, page: int | None = None) -> None:
        super().__init__(f"{message}: {pixels} pixels, limit {limit}", page=page)
        self.pixels, self.limit = pixels, limit


class TooManyPagesError(ScanError):
    """A PDF (or multi-frame TIFF) has more pages than the limit."""

    code = "too_many_pages"
    http_status = 413

    def __init__(self, pages: int, limit: int) -> None:
        super().__init__(f"the document has {pages} pages, limit {limit}")
        self.pages, self.limit = pages, limit


class DecodeBudgetError(ScanError):
    """The decode time budget ran out before any 2D-Doc was found."""

    code = "decode_budget_exceeded"
    http_status = 422


class NoTwoDDocError(ScanError):
    """The file was read, but no DataMatrix symbol holding a 2D-Doc was found."""

    code = "no_2ddoc_found"
    http_status = 422


class NotATwoDDocError(NoTwoDDocError):
    """Barcodes were found, but none is a 2D-Doc: a 2D-Doc text starts with ``DC`` (spec §3.3).

    The typical case is a COVID certificate's ``HC1:`` QR code. ``found`` holds the first
    characters of each text read, so the message can say what it was instead.
    """

    code = "not_a_2ddoc"

    def __init__(self, found: list[str]) -> None:
        shown = ", ".join(repr(text[:8]) for text in found)
        super().__init__(f"barcodes found ({shown}) but none is a 2D-Doc (text starting with DC)")
        self.found = found

    def to_json(self) -> dict[str, object]:
        """As :meth:`ScanError.to_json`, plus the first characters of each text found."""
        body = super().to_json()
        body["found"] = [text[:8] for text in self.found]
        return body


class DecodeTimeoutError(ScanError):
    """The decoding child process overran its hard wall-clock limit and was killed.

    The cooperative budget (:class:`DecodeBudgetError`) is checked between steps; this one is
    the hard stop for C code that never returns to Python (issue 10: a PDF whose form XObject
    draws itself hangs pdfium).
    """

    code = "decode_timeout"
    http_status = 422


class DecodeTooLargeError(ScanError):
    """Decoding needed more memory than the child's address-space limit (``RLIMIT_AS``)."""

    code = "decode_too_large"
    http_status = 413


class DecoderBusyError(ScanError):
    """Every decoding child stayed busy for the whole wait: the service is overloaded."""

    code = "decoder_busy"
    http_status = 503


class RemoteScanError(ScanError):
    """A :class:`ScanError` raised in a decoding child, carried back as its JSON body and status.

    Why not pickle the original: our errors take keyword-only arguments that an exception's
    pickle (its ``args``) does not keep; the body and status are all the web layer needs.
    """

    def __init__(self, body: dict[str, object], http_status: int) -> None:
        page = body.get("page")
        super().__init__(str(body.get("message", "")), page=page if isinstance(page, int) else None)
        self.code = str(body.get("code", ScanError.code))
        self.http_status = http_status
        self.body = dict(body)

    def to_json(self) -> dict[str, object]:
        """The child's error body, unchanged."""
        return dict(self.body)
