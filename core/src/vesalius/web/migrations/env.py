"""Alembic environment of the web tables; runs on a connection handed over by
:mod:`vesalius.web.schema`, inside one transaction for the whole run
(:func:`vesalius.db.migrate.migration_transaction`)."""

from __future__ import annotations

from alembic import context

from vesalius.web.models import WebBase

config = context.config


def run() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=WebBase.metadata,
        version_table="alembic_version_web",
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,  # the caller's one transaction holds every step
        compare_type=True,
        user_module_prefix="vesalius.db.types.",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
