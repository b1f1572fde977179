"""Bring the web tables up to date (the web's own Alembic stream, beside the core's)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_web"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def ensure_web_schema(engine: Engine) -> bool:
    """Upgrade the web tables when they are behind; True when it upgraded."""
    config = _config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
    if current == head:
        return False
    from ..db.migrate import migration_transaction

    with migration_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True
