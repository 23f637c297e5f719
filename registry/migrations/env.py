"""Alembic environment of the registry: runs the migrations on the URL ``registry.db`` passes."""

from __future__ import annotations

from alembic import context

from registry.db import make_engine
from registry.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run the migrations on a connection of an engine made like the application's."""
    url = context.config.attributes["url"]
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_migrations_online()
