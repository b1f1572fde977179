"""The schema: an empty database is upgraded on the app's first start; migrations go down
and up again cleanly on both engines."""

from __future__ import annotations

from sqlalchemy import inspect
from vesalius.app import create_app
from vesalius.db import Database
from vesalius.db.base import Base
from vesalius.db.migrate import alembic_config, current, head


def test_app_upgrades_an_empty_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app(url)
    db = app.extensions["vesalius.db"]
    assert current(db.engine) == head()
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    from alembic import command

    db = Database(db_url)
    db.upgrade()
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert current(db.engine) is None
    assert "appointments" not in inspect(db.engine).get_table_names()
    db.upgrade()
    assert current(db.engine) == head()
    db.dispose()
