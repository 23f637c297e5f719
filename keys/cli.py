"""``permis2d keys``: placeholder until the PKI lands."""
import click


@click.group()
def keys_group() -> None:
    """Manage the PKI: CA, signing certificates, revocation, trust list."""
