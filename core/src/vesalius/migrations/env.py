"""Alembic environment: runs on a connection handed over by :mod:`vesalius.db.migrate`,
or on ``VESALIUS_DATABASE_URL`` when alembic is run by hand.

Either way the whole run is one transaction (:func:`vesalius.db.migrate.migration_transaction`):
a step that fails leaves the database at the revision it had, on both engines (SQLite's DDL
is transactional too, although Alembic does not assume it).
"""

from __future__ import annotations

from alembic import context

from vesalius import models  # noqa: F401  (registers every table on the metadata)
from vesalius.db.base import Base
from vesalius.db.engine import make_engine
from vesalius.db.migrate import migration_transaction

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with migration_transaction(engine) as conn:
            _migrate(conn)
    finally:
        engine.dispose()


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,  # the caller's one transaction holds every step
        compare_type=True,
        user_module_prefix="vesalius.db.types.",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
