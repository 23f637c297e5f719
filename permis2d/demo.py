"""``permis2d demo`` (what ``make run`` starts): the whole product on embedded defaults.

Step by step, each idempotent so that a second ``make run`` reuses what the first made:
create the dev PKI (CA ``FR00``, the specification's test range) if missing, export its trust
folder, migrate and seed the registry, issue a demo ADCS for a seeded driver into the data dir,
check it with the verifier library exactly as a checker would (scan the PDF, verify the text),
then serve the verifier page on 127.0.0.1 with the dev trust folder until Ctrl-C.
"""

from __future__ import annotations

import datetime as dt

import click

from permis2d.params import french_today
from permis2d.settings import Settings

__all__ = ["demo_command"]


def _prepare(settings: Settings, today: dt.date, now: dt.datetime) -> tuple[str, object]:
    """Keys, trust folder, registry, one demo ADCS; return (NEPH, issued document)."""
    from issuer.kinds import DocumentKind
    from issuer.service import Issuer
    from keys import KeyStore
    from registry.db import make_engine, session_factory, upgrade_schema
    from registry.listing import list_drivers
    from registry.seed import seed_registry

    store = KeyStore.open(settings)
    if not store.exists():
        store.init(now=now)
        click.echo(f"Created the dev PKI (CA {store.ca_id}) in {store.directory}")
    if store.refresh_crl(now=now):
        click.echo("Published a fresh CRL (verifiers refuse one past its nextUpdate)")
    store.export_trust(settings.trust_dir)
    click.echo(f"Trust folder for verifiers: {settings.trust_dir}")

    url = settings.database_url or ""
    upgrade_schema(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        report = seed_registry(session, count=40, seed=2024, asof=today)
    click.echo(f"Registry: {report.present + report.added} demo drivers"
               + (f" ({report.added} added)" if report.added else " (already seeded)"))
    with sessions() as session:
        drivers = list_drivers(session, asof=today)
    valid = [d for d in drivers if d.get("state") == "valid"] or drivers
    neph = valid[0]["neph"]
    issuer = Issuer(settings, engine=engine, keystore=store)
    issued = issuer.issue(DocumentKind.ADCS, neph, on=today, now=now, requested_by="demo",
                          out_dir=settings.issued_dir)
    return neph, issued


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Default PERMIS2D_VERIFIER_PORT (8001).")
@click.option("--no-serve", is_flag=True, help="Prepare and check the demo document, then exit.")
@click.pass_obj
def demo_command(settings: Settings, host: str, port: int | None, no_serve: bool) -> None:
    """Start the product with demo data: PKI, registry, a demo ADCS and the verifier page."""
    from verifier.policy import verify_text
    from verifier.scan import scan
    from verifier.serve import serve_verifier
    from verifier.trust import TrustStore

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
    if no_serve:
        return
    port = settings.verifier_port if port is None else port
    click.echo("")
    click.echo(f"Verifier page: http://{host}:{port}/  — drop the PDF above on it (Ctrl-C stops)")
    serve_verifier(settings, host, port, [settings.trust_dir])
