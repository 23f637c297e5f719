"""``permis2d serve``: placeholder until the services land."""
import click


@click.group()
def serve_group() -> None:
    """Run the issuer and verifier web services."""
