"""The portal's e-mails: an outbox folder by default, SMTP when ``PERMIS2D_SMTP_URL`` is set.

Why an outbox folder: ``make run`` and the tests work on a fresh machine with no mail server; each
message is a complete RFC 5322 file (``<data dir>/outbox/*.eml``) that any mail client opens, and
the link it carries is also printed on the console so that a developer can click it.
``PERMIS2D_SMTP_URL`` (``smtp://[user:password@]host[:port]``, ``smtp+starttls://…`` or
``smtps://…``) sends through a real server instead.
"""

from __future__ import annotations

import os
import secrets
import smtplib
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

__all__ = ["Mailer", "OutboxMailer", "SMTPMailer", "build_message", "mailer_for"]

SMTP_TIMEOUT = 10.0


class Mailer(Protocol):
    """Something that delivers an :class:`EmailMessage`."""

    def send(self, message: EmailMessage, *, link: str | None = None) -> None:
        """Deliver ``message``; ``link`` is the action link it carries (for the console)."""


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 RFC 5322 message with Date and Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="permis2d.invalid")
    message.set_content(body, cte="8bit")  # links stay whole and greppable (no QP folding)
    return message


class OutboxMailer:
    """Writes each message as ``<outbox>/<UTC time>-<random>.eml`` (mode 0600), prints the link."""

    def __init__(self, folder: Path, *, echo: bool = True) -> None:
        self.folder = folder
        self.echo = echo

    def send(self, message: EmailMessage, *, link: str | None = None) -> None:
        """Write ``message`` atomically (a reader never sees half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(tmp, path)
        if self.echo and link:
            print(f"[permis2d portal] e-mail to {message['To']} ({path.name}): {link}",
                  file=sys.stderr, flush=True)


class SMTPMailer:
    """Sends through the SMTP server of a ``smtp://``, ``smtp+starttls://`` or ``smtps://`` URL."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError("PERMIS2D_SMTP_URL must look like smtp://[user:password@]host[:port]")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def __repr__(self) -> str:
        return f"SMTPMailer({self.scheme}://{self.host}:{self.port})"

    def send(self, message: EmailMessage, *, link: str | None = None) -> None:
        """Open one connection, authenticate when a user is given, send, close."""
        cls = smtplib.SMTP_SSL if self.scheme == "smtps" else smtplib.SMTP
        with cls(self.host, self.port, timeout=SMTP_TIMEOUT) as server:
            if self.scheme == "smtp+starttls":
                server.starttls()
            if self.user:
                server.login(self.user, self.password or "")
            server.send_message(message)


def mailer_for(smtp_url: str | None, outbox: Path) -> Mailer:
    """SMTP when a URL is configured, else the outbox folder."""
    return SMTPMailer(smtp_url) if smtp_url else OutboxMailer(outbox)
