"""``permis2d registry`` and ``permis2d points``: placeholder until the registry lands."""
import click


@click.group()
def registry_group() -> None:
    """The licence registry: seed, list, show."""


@click.group()
def points_group() -> None:
    """The points engine."""
