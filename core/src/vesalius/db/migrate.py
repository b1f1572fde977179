"""Schema upgrades with Alembic, run from inside the installed package (no alembic.ini).

A migration run is all or nothing: every step of one upgrade (or downgrade) runs in a
single transaction on one connection, so a step that fails half-way leaves the database at
the revision and schema it had (both engines' DDL is transactional). On SQLite, batch
operations rebuild a table (create a copy, move the rows, drop the old one); with foreign
keys enforced, dropping a table that other rows refer to fails or cascades. So, as SQLite's
own procedure for schema changes says, a run switches foreign keys off (outside the
transaction, where the pragma takes effect), checks every reference with
``PRAGMA foreign_key_check`` before it commits, and switches them on again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class MigrationFailed(RuntimeError):
    """A migration run left references broken; nothing of it was kept."""


def alembic_config(url: str | None = None, location: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(location))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a whole migration run (see the module's docstring): committed
    when the block ends normally, rolled back on any exception."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # before BEGIN: inside a transaction this pragma does nothing
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Several workers may start at once: the first migrates, the others wait
                    # here and then find nothing to do (SQLite: BEGIN IMMEDIATE does that).
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7366001)")
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        tables = sorted({row[0] for row in broken})
                        raise MigrationFailed(
                            f"the migration left {len(broken)} broken references in "
                            f"{', '.join(tables)}; nothing was changed")
        finally:
            if sqlite:
                try:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
                except Exception:
                    conn.invalidate()  # never back to the pool without its foreign keys
                    raise


def upgrade(engine: Engine, revision: str = "head", *, location: Path = MIGRATIONS) -> None:
    """Upgrade the database behind ``engine`` to ``revision``, all steps or none."""
    config = alembic_config(location=location)
    with migration_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str, *, location: Path = MIGRATIONS) -> None:
    """Downgrade the database behind ``engine`` to ``revision``, all steps or none."""
    config = alembic_config(location=location)
    with migration_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def ensure_schema(engine: Engine) -> bool:
    """Upgrade when the database is behind the newest migration. True when it upgraded."""
    if current(engine) == head():
        return False
    upgrade(engine)
    return True
