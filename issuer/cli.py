"""``permis2d issue``: placeholder until the issuer lands."""
import click


@click.group()
def issue_group() -> None:
    """Issue RIR, ADCS and RII documents."""
