"""Storage: SQLAlchemy models, the SQLite engine, migrations, audit chain and outbox."""

# Every model module registers its tables on the one Base.metadata when the package loads,
# so migrations, the schema test and the ORM always see the whole schema.
from app.storage import (
    attachment_models,  # noqa: F401, E402
    document_models,  # noqa: F401, E402
    integrity_models,  # noqa: F401, E402
    pickup_models,  # noqa: F401, E402
    sync_models,  # noqa: F401, E402
)
