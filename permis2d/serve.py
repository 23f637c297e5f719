"""``permis2d serve``: run the web services under gunicorn.

``permis2d serve verifier`` (127.0.0.1:8001) and ``permis2d serve issuer`` (the driver portal,
127.0.0.1:8000).
"""

from __future__ import annotations

from pathlib import Path

import click

from permis2d.settings import Settings

__all__ = ["serve_group"]


@click.group()
def serve_group() -> None:
    """Run the web services (gunicorn, on 127.0.0.1 by default)."""


@serve_group.command("verifier")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Default PERMIS2D_VERIFIER_PORT (8001); 0 picks a free port.")
@click.option("--trust", "trust_paths", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Trust folder, certificate folder or TSL XML (repeatable); "
                   "default PERMIS2D_VERIFIER_TRUST.")
@click.option("--workers", type=click.IntRange(1, 64), default=None)
@click.option("--tsl-signer", "tsl_signers", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Certificate of a pinned TSL signer (repeatable); default PERMIS2D_TSL_SIGNERS.")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker (default 4).")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TLS certificate (PEM) to serve HTTPS; needs --keyfile.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TLS private key (PEM) of --certfile.")
@click.option("--allow-empty-trust", is_flag=True,
              help="Start even when nothing is trusted (every document reported invalid).")
@click.pass_obj
def serve_verifier_command(settings: Settings, host: str, port: int | None,
                           trust_paths: tuple[Path, ...], workers: int | None,
                           threads: int | None, certfile: Path | None, keyfile: Path | None,
                           allow_empty_trust: bool, tsl_signers: tuple[Path, ...]) -> None:
    """Serve the verification API and page. Ctrl-C stops it; SIGHUP reloads the trust store."""
    from verifier.reasons import VerificationError
    from verifier.serve import serve_verifier

    if bool(certfile) != bool(keyfile):
        raise click.UsageError("--certfile and --keyfile go together")
    try:
        serve_verifier(settings, host, settings.verifier_port if port is None else port,
                       trust_paths, workers=workers, threads=threads, certfile=certfile,
                       keyfile=keyfile, allow_empty_trust=allow_empty_trust,
                       tsl_signers=tsl_signers)
    except VerificationError as exc:  # TrustStoreError, EmptyTrustError
        raise click.ClickException(str(exc)) from exc


@serve_group.command("issuer")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Default PERMIS2D_ISSUER_PORT (8000); 0 picks a free port.")
@click.option("--workers", type=click.IntRange(1, 64), default=None)
@click.pass_obj
def serve_issuer_command(settings: Settings, host: str, port: int | None,
                         workers: int | None) -> None:
    """Serve the driver portal (accounts, points, documents). Ctrl-C stops it."""
    from issuer.web.serve import serve_issuer

    serve_issuer(settings, host, settings.issuer_port if port is None else port, workers=workers)


@serve_group.command("franceconnect-sim")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8002, show_default=True)
@click.pass_obj
def serve_franceconnect_sim_command(settings: Settings, host: str, port: int) -> None:
    """Serve the local FranceConnect v2 stand-in (demo and tests only). Ctrl-C stops it."""
    from permis2d.fcsim import FranceConnectSimError, run

    try:
        status = run(host=host, port=port, portal_url=settings.issuer_url)
    except FranceConnectSimError as exc:
        raise click.ClickException(str(exc)) from exc
    raise SystemExit(status)
