"""``permis2d demo``: placeholder."""
import click


@click.command()
def demo_command() -> None:
    """Run the self-contained demo."""
