"""``permis2d demo`` (what ``make run`` starts): the whole product on embedded defaults.

Step by step, each idempotent so that a second ``make run`` reuses what the first made:
create the dev PKI (CA ``FR00``, the specification's test range) if missing, export its trust
folder, migrate and seed the registry, issue a demo ADCS for a seeded driver into the data dir,
check it with the verifier library exactly as a checker would (scan the PDF, verify the text),
create the demo login (a confirmed portal account linked to that driver, new password each run),
then serve the driver portal (127.0.0.1:8000, a child process), the local FranceConnect
(127.0.0.1:8002, the Node program of ``franceconnect-sim/``, a child process; skipped with a word
when Node or its packages are missing) and the verifier page (127.0.0.1:8001, with the dev trust
folder) until Ctrl-C, which stops them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys

import click

from permis2d.fcsim import (
    SIM_DIR,
    FranceConnectSimError,
    discovery_url,
    sim_command,
    sim_environment,
)
from permis2d.params import french_today
from permis2d.settings import Settings

__all__ = ["demo_command"]


def _prepare(settings: Settings, today: dt.date, now: dt.datetime) -> tuple[str, object]:
    """Keys, trust folder, registry, one demo ADCS; return (NEPH, issued document)."""
    from issuer.kinds import DocumentKind
    from issuer.service import Issuer
    from keys import KeyStore
    from registry.db import make_engine, session_factory, upgrade_schema
    from registry.listing import first_clean_driver
    from registry.seed import seed_registry

    settings.ensure_data_dir()
    store = KeyStore.open(settings)
    if not store.exists():
        store.init(now=now)
        click.echo(f"Created the dev PKI (CA {store.ca_id}) in {store.directory}")
    if store.refresh_crl(now=now):
        click.echo("Published a fresh CRL (verifiers refuse one past its nextUpdate)")
    # Where the passphrase is, never what it is: it lives apart from the keys it protects.
    click.echo(f"Private keys: {store.directory} (encrypted; passphrase from "
               f"{settings.passphrase_source()})")
    store.export_trust(settings.trust_dir, mode=0o600)  # inside the private data dir
    click.echo(f"Trust folder for verifiers: {settings.trust_dir}")

    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        report = seed_registry(session, count=40, seed=2024, asof=today)
    click.echo(f"Registry: {report.present + report.added} demo drivers"
               + (f" ({report.added} added)" if report.added else " (already seeded)"))
    with sessions() as session:  # one bounded query, not a listing of the whole registry
        neph = first_clean_driver(session, asof=today)
    if neph is None:
        raise click.ClickException("the registry holds no driver with a clean, valid licence")
    issuer = Issuer(settings, engine=engine, keystore=store)
    issued = issuer.issue(DocumentKind.ADCS, neph, on=today, now=now, requested_by="demo",
                          out_dir=settings.issued_dir)
    return neph, issued


def _with_demo_verifier_url(settings: Settings, host: str, port: int) -> Settings:
    """Print this demo's verifier page on the documents, unless a URL was configured.

    ``PERMIS2D_VERIFIER_URL`` is the address printed on documents; left at its default, a demo
    serving on another port would print a page that is not there.
    """
    default = next(f.default for f in dataclasses.fields(Settings) if f.name == "verifier_url")
    if settings.verifier_url != default or port == 0:  # configured, or a port not yet known
        return settings
    return dataclasses.replace(settings, verifier_url=f"http://{host}:{port}/")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Default PERMIS2D_VERIFIER_PORT (8001).")
@click.option("--portal-port", type=click.IntRange(0, 65535), default=None,
              help="Default PERMIS2D_ISSUER_PORT (8000).")
@click.option("--fc-port", type=click.IntRange(1, 65535), default=8002, show_default=True,
              help="Port of the local FranceConnect (simulation).")
@click.option("--no-serve", is_flag=True, help="Prepare and check the demo document, then exit.")
@click.pass_obj
def demo_command(settings: Settings, host: str, port: int | None, portal_port: int | None,
                 fc_port: int, no_serve: bool) -> None:
    """Start the product with demo data: PKI, registry, a demo ADCS, the portal and verifier."""
    from verifier.policy import verify_text
    from verifier.scan import scan
    from verifier.serve import serve_verifier
    from verifier.trust import TrustStore

    port = settings.verifier_port if port is None else port
    settings = _with_demo_verifier_url(settings, host, port)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = french_today(now)
    neph, issued = _prepare(settings, today, now)
    trust = TrustStore.load([settings.trust_dir])
    texts = scan(issued.path)
    results = [verify_text(text, trust, at=today) for text in texts]
    verdict = "valid" if results and all(r.valid for r in results) else "INVALID"
    click.echo(f"Demo ADCS for NEPH {neph}: {issued.path}")
    click.echo(f"  document {issued.document_id}, checked by the verifier library: {verdict}")
    if verdict != "valid":
        raise click.ClickException("the demo document does not verify: see the reasons above")
    email, password = _demo_login(settings, neph, today, now)
    click.echo(f"  verification URL printed on it: {settings.verifier_url}")
    click.echo(f"Demo login for the portal: {email} / {password}  (NEPH {neph})")
    if no_serve:
        return
    portal_port = settings.issuer_port if portal_port is None else portal_port
    portal_url = f"http://{host}:{portal_port}"
    franceconnect = _spawn_franceconnect(host, fc_port, portal_url)
    fc_env = {"PERMIS2D_ISSUER_URL": portal_url + "/"}
    if franceconnect is not None:
        fc_env["PERMIS2D_FC_DISCOVERY_URL"] = discovery_url(host, fc_port)
    children = [child for child in (franceconnect, _spawn_portal(settings, host, portal_port,
                                                                 fc_env)) if child]
    click.echo("")
    click.echo(f"Driver portal: {portal_url}/  — log in with the demo login above")
    if franceconnect is not None:
        click.echo(f"FranceConnect (simulation): http://{host}:{fc_port}/api/v2  — on the portal, "
                   "« S'identifier avec FranceConnect », then a test identity of "
                   "franceconnect-sim/identities.json (e.g. usager.complet / test-complet)")
    click.echo(f"Verifier page: http://{host}:{port}/  — drop the PDF above on it (Ctrl-C stops)")
    try:
        serve_verifier(settings, host, port, [settings.trust_dir])
    finally:
        for child in children:
            _stop(child)


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()


def _spawn_franceconnect(host: str, port: int, portal_url: str) -> subprocess.Popen[bytes] | None:
    """The local FranceConnect (Node), or ``None`` with a word when it cannot run here."""
    try:
        command = sim_command()
    except FranceConnectSimError as exc:
        click.echo(f"FranceConnect (simulation) not started: {exc}", err=True)
        return None
    env = sim_environment(host=host, port=port, portal_url=portal_url)
    return subprocess.Popen(command, env=env, cwd=SIM_DIR)


def _demo_login(settings: Settings, neph: str, today: dt.date,
                now: dt.datetime) -> tuple[str, str]:
    """The demo account (confirmed, linked to ``neph``) with a new password."""
    from issuer.web.demo_account import ensure_demo_account
    from registry.db import make_engine, session_factory
    from registry.records import load_driver_record

    engine = make_engine(settings.database_url or "")
    try:
        with session_factory(engine)() as session:
            record = load_driver_record(session, neph, asof=today)
        return ensure_demo_account(engine, record, now=now.replace(tzinfo=None))
    finally:
        engine.dispose()


def _spawn_portal(settings: Settings, host: str, port: int,
                  extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The portal's gunicorn in a child process, on the same data dir and database."""
    env = dict(os.environ)
    env.update(extra_env)
    env["PERMIS2D_DATA_DIR"] = str(settings.data_dir)
    env["PERMIS2D_VERIFIER_URL"] = settings.verifier_url  # what the portal's documents print
    if settings.database_url:
        env["PERMIS2D_DATABASE_URL"] = settings.database_url
    if settings.key_passphrase:
        env["PERMIS2D_KEY_PASSPHRASE"] = settings.key_passphrase
    settings.flask_secret_key()  # created once here, not raced by the portal's workers
    return subprocess.Popen([sys.executable, "-m", "issuer.web.serve", "--host", host,
                             "--port", str(port)], env=env)
