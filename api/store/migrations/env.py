"""Alembic environment: run against the engine the app hands over, or DATABASE_URL from the command line."""

from alembic import context

from api.store.db import make_engine
from api.store.tables import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
