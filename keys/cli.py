"""``permis2d keys``: create, rotate, revoke and publish the 2D-Doc PKI.

Every command reads the key directory and passphrase from the :class:`Settings`; errors end as
one line on stderr (exit 1), never a traceback, and never show key material.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from keys.errors import KeyStoreError
from keys.pki import CURVES
from keys.store import REVOCATION_REASONS, CertificateInfo, KeyStore
from permis2d.settings import SettingsError

__all__ = ["keys_group"]


class CertIdType(click.ParamType):
    """A 4-character 2D-Doc id (``[A-Z0-9]{4}``)."""

    name = "CERT_ID"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        if len(text) != 4 or not all(c.isdigit() or "A" <= c <= "Z" for c in text):
            self.fail(f"{text!r} is not 4 characters of A-Z or 0-9", param, ctx)
        return text


CERT_ID = CertIdType()
CURVE = click.Choice(sorted(CURVES))


def _store(settings: Any) -> KeyStore:
    try:
        settings.ensure_data_dir()
        return KeyStore.open(settings)
    except (KeyStoreError, SettingsError) as exc:
        raise click.ClickException(str(exc)) from exc


def _inside(directory: Path, parent: Path) -> bool:
    return directory.resolve().is_relative_to(parent.resolve())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _describe(info: CertificateInfo) -> str:
    return (
        f"{info.cert_id}  {info.status:<8} {info.curve}  "
        f"{info.not_before:%Y-%m-%d} → {info.not_after:%Y-%m-%d}"
        + (f"  revoked {info.revoked_at:%Y-%m-%d} ({info.reason})" if info.revoked_at else "")
    )


@click.group()
def keys_group() -> None:
    """Manage the PKI: CA, signing certificates, revocation, trust list."""


@keys_group.command("init")
@click.option("--ca-id", type=CERT_ID, default=None, help="CA id (default PERMIS2D_CA_ID, FR00).")
@click.option("--cert-id", type=CERT_ID, default=None, help="First certificate id (default P2D1).")
@click.option("--curve", type=CURVE, default="P-256", show_default=True)
@click.option("--if-missing", is_flag=True, help="Do nothing (exit 0) when a PKI already exists.")
@click.pass_obj
def init_command(settings: Any, ca_id: str | None, cert_id: str | None, curve: str,
                 if_missing: bool) -> None:
    """Create the CA and a first, active signing certificate."""
    store = _store(settings)
    if if_missing and store.exists():
        click.echo(f"PKI already present in {store.directory} (CA {store.ca_id})")
        return
    try:
        info = store.init(now=_now(), ca_id=ca_id, cert_id=cert_id, curve=curve)
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created CA {store.ca_id} in {store.directory}")
    click.echo(f"Active signing certificate: {_describe(info)}")
    click.echo(f"Private keys are encrypted with the passphrase from {settings.passphrase_source()}"
               " (keep it apart from the keys' backups)")


@keys_group.command("issue-cert")
@click.option("--cert-id", type=CERT_ID, default=None)
@click.option("--curve", type=CURVE, default="P-256", show_default=True)
@click.option("--days", type=click.IntRange(1, 3650), default=3 * 365, show_default=True)
@click.option("--activate", is_flag=True, help="Make it the active signing certificate.")
@click.pass_obj
def issue_cert_command(settings: object, cert_id: str | None, curve: str, days: int,
                       activate: bool) -> None:
    """Issue a new signing certificate under the CA."""
    store = _store(settings)
    try:
        info = store.issue_cert(now=_now(), cert_id=cert_id, curve=curve,
                                validity=dt.timedelta(days=days), activate=activate)
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Issued {_describe(info)}")


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def list_command(settings: object, as_json: bool) -> None:
    """List the signing certificates and their status."""
    store = _store(settings)
    try:
        infos = store.list()
        ca_id = store.ca_id
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"ca_id": ca_id, "certificates": [i.to_json() for i in infos]}))
        return
    click.echo(f"CA {ca_id} ({store.directory})")
    for info in infos:
        click.echo("  " + _describe(info))


@keys_group.command("rotate")
@click.option("--cert-id", type=CERT_ID, default=None)
@click.option("--curve", type=CURVE, default="P-256", show_default=True)
@click.pass_obj
def rotate_command(settings: object, cert_id: str | None, curve: str) -> None:
    """Issue a new certificate and make it active; older ones stay trusted."""
    store = _store(settings)
    try:
        info = store.rotate(now=_now(), cert_id=cert_id, curve=curve)
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Active signing certificate is now {_describe(info)}")


@keys_group.command("revoke")
@click.argument("cert_id", type=CERT_ID)
@click.option("--reason", type=click.Choice(sorted(REVOCATION_REASONS)), default="unspecified",
              show_default=True)
@click.pass_obj
def revoke_command(settings: object, cert_id: str, reason: str) -> None:
    """Revoke a signing certificate and publish a new CRL signed by the CA."""
    store = _store(settings)
    try:
        revoked, replacement = store.revoke(cert_id, now=_now(), reason=reason)
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Revoked {_describe(revoked)}; CRL published")
    if replacement is not None:
        click.echo(f"It was active: rotated to {_describe(replacement)}")
    click.echo("Run `permis2d keys export-trust DIR` to publish the new CRL to verifiers.")


@keys_group.command("export-trust")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def export_trust_command(settings: Any, directory: Path) -> None:
    """Write the CA certificate, signing certificates and CRL into DIRECTORY for verifiers.

    The files are world-readable (they are public), except inside the data dir, where every
    file is private (0600).
    """
    store = _store(settings)
    mode = 0o600 if _inside(directory, settings.data_dir) else 0o644
    try:
        out = store.export_trust(directory, mode=mode)
    except (KeyStoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Trust folder written to {out}")


@keys_group.command("rewrap")
@click.pass_obj
def rewrap_command(settings: object) -> None:
    """Re-encrypt private keys of an earlier release (PKCS#8, 2,048 iterations) more strongly."""
    store = _store(settings)
    try:
        done = store.rewrap()
    except KeyStoreError as exc:
        raise click.ClickException(str(exc)) from exc
    for name in done:
        click.echo(f"re-encrypted {name}")
    click.echo(f"{len(done)} key(s) re-encrypted" if done else "every key is already current")
