"""The key store: the PKI's files under ``<data dir>/keys``, and what can be done with them.

Layout (all written atomically, folders 0700, files 0600; mutations hold an exclusive ``flock``
on ``.lock``)::

    keys/
      state.json             CA id, active certificate id, every certificate's serial, dates,
                             curve and revocation; the CRL number
      ca.pem                 the CA certificate
      ca.key.p12             the CA private key, encrypted with the passphrase
      certs/<ID>.pem         each signing certificate (subject CN = <ID>)
      certs/<ID>.key.p12     its private key, encrypted
      crl.pem                the current CRL, signed by the CA

Private keys are encrypted with the passphrase of :meth:`Settings.passphrase` (kept outside this
folder by default; PBKDF2 at 600,000 iterations, see ``keys/keyfile.py``) and never logged or
printed.

Rotation makes a new certificate active; older ones stay in the trust list, so what they
signed still verifies, until they are revoked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from keys.errors import (
    CertificateIdError,
    KeyStoreError,
    KeyStoreExistsError,
    KeyStoreMissingError,
    PassphraseError,
    UnknownCertificateError,
)
from keys.keyfile import (
    LEGACY_KEY_SUFFIX,
    key_path,
    private_dir,
    read_key,
    write_atomic,
    write_key,
)
from keys.pki import (
    CURVES,
    RevokedEntry,
    build_ca_certificate,
    build_crl,
    build_signing_certificate,
    check_cert_id,
    generate_key,
    next_cert_id,
)
from keys.signer import PrivateKeySigner

__all__ = ["REVOCATION_REASONS", "ActiveSigner", "CertificateInfo", "KeyStore"]

CA_VALIDITY = dt.timedelta(days=3652)
SIGNING_VALIDITY = dt.timedelta(days=3 * 365)
CRL_VALIDITY = dt.timedelta(days=30)

#: The CRL reasons a revocation may give (RFC 5280 §5.3.1), by their CLI name.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "ca-compromise": x509.ReasonFlags.ca_compromise,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
}


@dataclass(frozen=True)
class CertificateInfo:
    """What ``keys list`` shows of one signing certificate."""

    cert_id: str
    serial: int
    curve: str
    not_before: dt.datetime
    not_after: dt.datetime
    active: bool
    revoked_at: dt.datetime | None
    reason: str | None

    @property
    def status(self) -> str:
        """``active``, ``revoked`` or ``trusted`` (kept to verify what it signed)."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.active else "trusted"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO dates)."""
        return {
            "cert_id": self.cert_id,
            "serial": format(self.serial, "x"),
            "curve": self.curve,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "status": self.status,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ActiveSigner:
    """The active signing certificate and a :class:`twoddoc.Signer` for its key."""

    ca_id: str
    cert_id: str
    signer: PrivateKeySigner
    certificate: x509.Certificate


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


class KeyStore:
    """The PKI on disk. Open with :meth:`open`; every time is a parameter (``now``)."""

    def __init__(self, directory: Path, passphrase: bytes, *, ca_id: str = "FR00") -> None:
        if not passphrase:
            raise PassphraseError("an empty passphrase cannot protect private keys")
        self.directory = Path(directory)
        self._passphrase = passphrase
        self._default_ca_id = check_cert_id(ca_id, what="CA id")
        self._key_cache: dict[str, ec.EllipticCurvePrivateKey] = {}
        self._active: ActiveSigner | None = None
        self._active_stamp: float | None = None

    def __repr__(self) -> str:
        return f"KeyStore({str(self.directory)!r})"

    @classmethod
    def open(cls, settings: Any) -> KeyStore:
        """The key store of a :class:`permis2d.settings.Settings`."""
        return cls(settings.keys_dir, settings.passphrase(), ca_id=settings.ca_id)

    # -- state -----------------------------------------------------------------------------

    @property
    def _state_path(self) -> Path:
        return self.directory / "state.json"

    def exists(self) -> bool:
        """Whether ``keys init`` has run here."""
        return self._state_path.exists()

    def _state(self) -> dict[str, Any]:
        try:
            return json.loads(self._state_path.read_text())
        except FileNotFoundError as exc:
            raise KeyStoreMissingError(
                f"no PKI in {self.directory}: run `permis2d keys init` first"
            ) from exc

    def _save_state(self, state: dict[str, Any]) -> None:
        write_atomic(self._state_path, json.dumps(state, indent=2, sort_keys=True).encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        private_dir(self.directory)
        fd = os.open(self.directory / ".lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def ca_id(self) -> str:
        """The CA id of this PKI (the header's CA id, e.g. ``FR00``)."""
        return str(self._state()["ca_id"])

    # -- key files -------------------------------------------------------------------------

    def _write_key(self, stem: Path, key: ec.EllipticCurvePrivateKey) -> None:
        write_key(stem, key, self._passphrase)

    def _read_key(self, stem: Path) -> ec.EllipticCurvePrivateKey:
        path = key_path(stem)
        cached = self._key_cache.get(str(path))
        if cached is None:
            cached = self._key_cache[str(path)] = read_key(path, self._passphrase)
        return cached

    def rewrap(self) -> list[str]:
        """Re-encrypt every key of an earlier release in the current format; their names.

        The new file is written (atomically) before the old one is removed, under the lock, so
        a crash leaves either format readable.
        """
        done = []
        with self._locked():
            self._state()
            for old in sorted(self.directory.glob(f"**/*{LEGACY_KEY_SUFFIX}")):
                stem = old.with_name(old.name.removesuffix(LEGACY_KEY_SUFFIX))
                write_key(stem, read_key(old, self._passphrase), self._passphrase)
                old.unlink()
                done.append(str(old.relative_to(self.directory)))
        self._key_cache.clear()
        return done

    def ca_certificate(self) -> x509.Certificate:
        """The CA certificate."""
        self._state()
        return x509.load_pem_x509_certificate((self.directory / "ca.pem").read_bytes())

    def certificate(self, cert_id: str) -> x509.Certificate:
        """A signing certificate by id."""
        path = self.directory / "certs" / f"{check_cert_id(cert_id)}.pem"
        try:
            return x509.load_pem_x509_certificate(path.read_bytes())
        except FileNotFoundError as exc:
            raise UnknownCertificateError(f"no certificate {cert_id} in this key store") from exc

    def crl(self) -> x509.CertificateRevocationList:
        """The current CRL."""
        self._state()
        return x509.load_pem_x509_crl((self.directory / "crl.pem").read_bytes())

    # -- operations ------------------------------------------------------------------------

    def init(
        self,
        *,
        now: dt.datetime,
        ca_id: str | None = None,
        cert_id: str | None = None,
        curve: str = "P-256",
    ) -> CertificateInfo:
        """Create the CA and a first signing certificate, which becomes active.

        Refuses to run twice: a second CA would orphan every document already signed.
        """
        ca_id = check_cert_id(ca_id or self._default_ca_id, what="CA id")
        if curve not in CURVES:
            raise KeyStoreError(f"unknown curve {curve!r}; choose one of {', '.join(CURVES)}")
        with self._locked():
            if self.exists():
                raise KeyStoreExistsError(f"a PKI already exists in {self.directory}")
            ca_key = generate_key(curve)
            ca_cert = build_ca_certificate(
                ca_key,
                ca_id,
                not_before=now - dt.timedelta(minutes=5),
                not_after=now + CA_VALIDITY,
                serial=x509.random_serial_number(),
            )
            self._write_key(self.directory / "ca", ca_key)
            ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
            write_atomic(self.directory / "ca.pem", ca_pem)
            state: dict[str, Any] = {
                "version": 1,
                "ca_id": ca_id,
                "active": None,
                "crl_number": 0,
                "certificates": [],
            }
            info = self._issue(state, now=now, cert_id=cert_id, curve=curve, activate=True)
            self._publish_crl(state, now=now)
            self._save_state(state)
        return info

    def issue_cert(
        self,
        *,
        now: dt.datetime,
        cert_id: str | None = None,
        curve: str = "P-256",
        validity: dt.timedelta = SIGNING_VALIDITY,
        activate: bool = False,
    ) -> CertificateInfo:
        """Issue a new signing certificate (active only if ``activate``)."""
        with self._locked():
            state = self._state()
            info = self._issue(
                state, now=now, cert_id=cert_id, curve=curve, validity=validity, activate=activate
            )
            self._save_state(state)
        return info

    def rotate(
        self, *, now: dt.datetime, cert_id: str | None = None, curve: str = "P-256"
    ) -> CertificateInfo:
        """Issue a new certificate and make it active; the old one stays trusted."""
        return self.issue_cert(now=now, cert_id=cert_id, curve=curve, activate=True)

    def revoke(
        self, cert_id: str, *, now: dt.datetime, reason: str = "unspecified"
    ) -> tuple[CertificateInfo, CertificateInfo | None]:
        """Revoke a certificate and publish a new CRL.

        Revoking the active certificate rotates at once to a fresh one (returned second), so
        that issuance never continues with a key we no longer stand behind.
        """
        if reason not in REVOCATION_REASONS:
            choices = ", ".join(REVOCATION_REASONS)
            raise KeyStoreError(f"unknown revocation reason {reason!r}; choose one of {choices}")
        check_cert_id(cert_id)
        with self._locked():
            state = self._state()
            entry = self._entry(state, cert_id)
            if entry["revoked_at"] is not None:
                raise KeyStoreError(f"certificate {cert_id} is already revoked")
            entry["revoked_at"] = now.isoformat()
            entry["reason"] = reason
            replacement = None
            if state["active"] == cert_id:
                state["active"] = None
                replacement = self._issue(state, now=now, cert_id=None, curve=entry["curve"],
                                          activate=True)
            self._publish_crl(state, now=now)
            self._save_state(state)
            revoked = self._info(state, entry)
        self._active = None
        return revoked, replacement

    def refresh_crl(self, *, now: dt.datetime) -> bool:
        """Publish a fresh CRL when the current one is past half its validity; True if so.

        Why: verifiers refuse a CRL past its ``nextUpdate`` (``CRL_STALE``), so whoever runs
        the PKI must re-sign it before then; ``permis2d demo`` (``make run``) calls this.
        """
        with self._locked():
            state = self._state()
            next_update = self.crl().next_update_utc
            if next_update is not None and next_update - now > CRL_VALIDITY / 2:
                return False
            self._publish_crl(state, now=now)
            self._save_state(state)
        return True

    def list(self) -> list[CertificateInfo]:
        """Every signing certificate, oldest first."""
        state = self._state()
        return [self._info(state, entry) for entry in state["certificates"]]

    def active_signer(self) -> ActiveSigner:
        """The active certificate and a signer for its key (decrypted once, then cached)."""
        stamp = self._state_path.stat().st_mtime if self._state_path.exists() else None
        if self._active is not None and stamp == self._active_stamp:
            return self._active
        state = self._state()
        cert_id = state["active"]
        if cert_id is None:
            raise KeyStoreError("no active signing certificate: run `permis2d keys rotate`")
        key = self._read_key(self.directory / "certs" / cert_id)
        self._active = ActiveSigner(
            ca_id=state["ca_id"],
            cert_id=cert_id,
            signer=PrivateKeySigner(key),
            certificate=self.certificate(cert_id),
        )
        self._active_stamp = stamp
        return self._active

    def export_trust(self, directory: Path, *, mode: int = 0o644) -> Path:
        """Write what a verifier needs: CA certificate, every signing certificate, the CRL.

        Files are named like the ANTS certificate directory (``FR00.pem``, ``FR00_0001.pem``)
        plus ``FR00.crl.pem`` and a ``trust.json`` manifest. No private key is ever written.
        Revoked certificates are exported too: the CRL, not their absence, says they are revoked.
        The files are public (mode 0644) unless ``mode`` says otherwise: inside the data dir,
        where every file is private, the caller passes 0600.
        """
        state = self._state()
        ca_id = state["ca_id"]
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if not mode & 0o077:  # private files: a private folder too, even one made before
            directory.chmod(0o700)
        copies = {f"{ca_id}.pem": "ca.pem", f"{ca_id}.crl.pem": "crl.pem"}
        for entry in state["certificates"]:
            copies[f"{ca_id}_{entry['cert_id']}.pem"] = f"certs/{entry['cert_id']}.pem"
        for name, source in copies.items():
            write_atomic(directory / name, (self.directory / source).read_bytes(), mode=mode)
        manifest = {
            "format": "permis2d-trust/1",
            "ca_id": ca_id,
            "ca_certificate": f"{ca_id}.pem",
            "crl": f"{ca_id}.crl.pem",
            "certificates": [
                {**self._info(state, e).to_json(), "file": f"{ca_id}_{e['cert_id']}.pem"}
                for e in state["certificates"]
            ],
        }
        write_atomic(directory / "trust.json", json.dumps(manifest, indent=2).encode(), mode=mode)
        return directory

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _entry(state: dict[str, Any], cert_id: str) -> dict[str, Any]:
        for entry in state["certificates"]:
            if entry["cert_id"] == cert_id:
                return entry
        raise UnknownCertificateError(f"no certificate {cert_id} in this key store")

    @staticmethod
    def _info(state: dict[str, Any], entry: dict[str, Any]) -> CertificateInfo:
        return CertificateInfo(
            cert_id=entry["cert_id"],
            serial=int(entry["serial"], 16),
            curve=entry["curve"],
            not_before=_utc(entry["not_before"]),
            not_after=_utc(entry["not_after"]),
            active=state["active"] == entry["cert_id"],
            revoked_at=_utc(entry["revoked_at"]) if entry["revoked_at"] else None,
            reason=entry["reason"],
        )

    @staticmethod
    def _next_cert_id(state: dict[str, Any]) -> str:
        """The next free id from :data:`keys.pki.FIRST_CERT_ID` on, in base 36 order."""
        return next_cert_id({e["cert_id"] for e in state["certificates"]})

    def _issue(
        self,
        state: dict[str, Any],
        *,
        now: dt.datetime,
        cert_id: str | None,
        curve: str,
        validity: dt.timedelta = SIGNING_VALIDITY,
        activate: bool,
    ) -> CertificateInfo:
        if curve not in CURVES:
            raise KeyStoreError(f"unknown curve {curve!r}; choose one of {', '.join(CURVES)}")
        if cert_id is None:
            cert_id = self._next_cert_id(state)
        check_cert_id(cert_id)
        if any(e["cert_id"] == cert_id for e in state["certificates"]):
            raise CertificateIdError(f"certificate id {cert_id} is already used by this CA")
        ca_cert = x509.load_pem_x509_certificate((self.directory / "ca.pem").read_bytes())
        ca_key = self._read_key(self.directory / "ca")
        not_after = min(now + validity, ca_cert.not_valid_after_utc)
        key = generate_key(curve)
        cert = build_signing_certificate(
            key.public_key(),
            cert_id,
            ca_certificate=ca_cert,
            ca_key=ca_key,
            not_before=now - dt.timedelta(minutes=5),
            not_after=not_after,
            serial=x509.random_serial_number(),
        )
        self._write_key(self.directory / "certs" / cert_id, key)
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        write_atomic(self.directory / "certs" / f"{cert_id}.pem", cert_pem)
        entry = {
            "cert_id": cert_id,
            "serial": format(cert.serial_number, "x"),
            "curve": curve,
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "revoked_at": None,
            "reason": None,
        }
        state["certificates"].append(entry)
        if activate:
            state["active"] = cert_id
        self._active = None
        return self._info(state, entry)

    def _publish_crl(self, state: dict[str, Any], *, now: dt.datetime) -> None:
        ca_cert = x509.load_pem_x509_certificate((self.directory / "ca.pem").read_bytes())
        ca_key = self._read_key(self.directory / "ca")
        state["crl_number"] += 1
        entries = [
            RevokedEntry(
                serial=int(e["serial"], 16),
                revoked_at=_utc(e["revoked_at"]),
                reason=REVOCATION_REASONS[e["reason"]],
            )
            for e in state["certificates"]
            if e["revoked_at"] is not None
        ]
        crl = build_crl(
            entries,
            ca_certificate=ca_cert,
            ca_key=ca_key,
            number=state["crl_number"],
            this_update=now,
            next_update=now + CRL_VALIDITY,
        )
        write_atomic(self.directory / "crl.pem", crl.public_bytes(serialization.Encoding.PEM))
