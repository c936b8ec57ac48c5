"""Storage: SQLAlchemy models, the SQLite engine, migrations, audit chain and outbox."""
