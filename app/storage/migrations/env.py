"""Alembic environment: the engine is handed in by app.storage.migrate, never read from an ini."""

from alembic import context

from app.storage.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
