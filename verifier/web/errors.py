"""Every error of the verifier service as a JSON body: ``{"valid": false, "error": {...}}``.

Why one handler for everything: an upload service facing the internet must never answer with an
HTML traceback or a bare 500 (issue 6, part 5). Our own errors carry a stable ``code``, a message,
and the field or page concerned; werkzeug's HTTP errors (413 body too large, 404, 405) keep their
status with a JSON body (and their headers: a 405 names the allowed methods in ``Allow``); a
413 is sent after the refused body was read (up to a bound), so that every client reads it; a
body that stops arriving is a 408; anything unforeseen is logged with its traceback and
answered as a JSON 500 ``internal_error`` that says nothing about the internals. ``valid:
false`` is on every error body so a client that only reads ``valid`` fails closed.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from verifier.scan_errors import ScanError

__all__ = ["ApiError", "error_body", "register_error_handlers"]

log = logging.getLogger("verifier.web")


class ApiError(Exception):
    """A request the API refuses: a stable ``code``, a message, the field at fault, a status."""

    def __init__(self, code: str, message: str, *, status: int = 400,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field

    def to_json(self) -> dict[str, Any]:
        """The ``error`` object: code, message and the field when one is at fault."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


def error_body(error: dict[str, Any]) -> dict[str, Any]:
    """Wrap an ``error`` object into the body every error answer has."""
    return {"valid": False, "error": error}


def _http_code(exc: HTTPException) -> str:
    """``RequestEntityTooLarge`` → ``request_entity_too_large``: a stable code from werkzeug."""
    name = type(exc).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


#: Bytes of a refused body read and thrown away before the 413 is sent (issue 9): a client that
#: sends its whole body without waiting for ``100 Continue`` (Python's urllib) reads our answer
#: only if we read its body first; closing on unread data resets the connection instead.
DRAIN_LIMIT = 32 * 1024 * 1024


def _drain_request_body() -> None:
    """Read and discard what is left of the request body, up to :data:`DRAIN_LIMIT` bytes."""
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    remaining = DRAIN_LIMIT
    try:
        while remaining > 0:
            chunk = stream.read(min(64 * 1024, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
    except (OSError, ValueError):
        # The client stopped sending or hung up: nothing more to drain, answer anyway.
        return


def register_error_handlers(app: Flask) -> None:
    """Answer every exception with a JSON error body (see the module docstring)."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> ResponseReturnValue:
        if exc.status == 413:
            _drain_request_body()
        return jsonify(error_body(exc.to_json())), exc.status

    @app.errorhandler(ScanError)
    def _scan_error(exc: ScanError) -> ResponseReturnValue:
        return jsonify(error_body(exc.to_json())), exc.http_status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = "the request body is larger than the 10 MB limit"
            _drain_request_body()
        elif _http_code(exc) == "client_disconnected":
            message = ("the request body ended before its announced length, or stopped "
                       "arriving for 10 s")
        # Keep what the status needs (RFC 9110: a 405 lists the allowed methods in ``Allow``),
        # drop werkzeug's HTML content type.
        headers = [(name, value) for name, value in exc.get_headers()
                   if name.lower() != "content-type"]
        body = jsonify(error_body({"code": _http_code(exc), "message": message}))
        return body, status, headers

    @app.errorhandler(TimeoutError)
    @app.errorhandler(BlockingIOError)
    def _slow_client(exc: OSError) -> ResponseReturnValue:
        # The socket's read timeout (verifier.serve) ran out while the body was being read.
        body = error_body({"code": "request_timeout",
                           "message": "the request body stopped arriving: send it at once"})
        return jsonify(body), 408

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unexpected error while serving a request")
        body = error_body({"code": "internal_error",
                           "message": "the verifier failed on this request; it is not valid"})
        return jsonify(body), 500
