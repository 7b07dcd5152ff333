"""Alembic environment: runs on the engine kht hands over in `config.attributes`."""

from alembic import context

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    context.run_migrations()
