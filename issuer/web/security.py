"""Passwords, one-time tokens and HTTP security headers of the portal.

Passwords: argon2id through ``argon2-cffi``'s :class:`PasswordHasher` (its defaults are RFC 9106's
second recommended option); a hash made with older parameters is replaced at the next log-in
(``check_needs_rehash``). For an unknown e-mail the log-in still verifies the password against a
dummy hash made with the same parameters, so that the answer takes as long as for a real account
(no account enumeration by timing; Django's ``ModelBackend.authenticate`` does the same).

Tokens (Django's ``PasswordResetTokenGenerator`` idea, stored instead of derived): 32 random bytes
in the link, only their SHA-256 in the database, single use, with an expiry.

Headers: a strict Content-Security-Policy (no inline script or style, nothing from another origin,
no framing), no MIME sniffing, no referrer leaving the site (a token in a URL stays
here; Flask-WTF's HTTPS check still sees our own Referer).
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Response

__all__ = ["CSP", "Passwords", "csp_allowing_form_action", "hash_token", "new_token",
           "origin_of", "security_headers"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (a CSP source expression)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def csp_allowing_form_action(origin: str) -> str:
    """:data:`CSP` whose ``form-action`` also allows ``origin`` (and nothing else)."""
    return CSP.replace("form-action 'self'", f"form-action 'self' {origin}")


class Passwords:
    """Hash and check passwords with argon2id; one instance per app."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """An argon2id hash of ``password`` (PHC string with salt and parameters)."""
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``; an absent hash costs a dummy verify."""
        try:
            return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification (unknown e-mail, existing address at sign-up)."""
        self.verify(None, password)

    def needs_rehash(self, stored: str) -> bool:
        """True when ``stored`` was made with other parameters than the current ones."""
        return self.hasher.check_needs_rehash(stored)


def new_token() -> str:
    """A URL-safe token of 32 random bytes (256 bits: not guessable)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 (hex) kept in the database in place of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def security_headers(response: Response) -> Response:
    """Add the CSP and the other headers every answer of the portal carries."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
