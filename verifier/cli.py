"""``permis2d verify``: placeholder until the verifier lands."""
import click


@click.command()
def verify_command() -> None:
    """Verify 2D-Doc texts."""
