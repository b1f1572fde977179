"""The Flask application factory: the clinic database and the JSON API.

The database is upgraded to the newest migration on start (an empty database gets the whole
schema), so ``vesalius serve`` works on a fresh install.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .db import Database
from .db.migrate import ensure_schema
from .plugins.memory import open_clinic


def create_app(database_url: str | None = None, *, upgrade: bool = True,
               config: dict[str, Any] | None = None) -> Flask:
    """A WSGI app on ``database_url`` (default: ``VESALIUS_DATABASE_URL`` or
    ``./vesalius.sqlite3``)."""
    from .api import init_api

    app = Flask("vesalius")
    app.config.update(JSON_SORT_KEYS=False)
    app.config.update(config or {})
    db = Database(database_url)
    if upgrade:
        ensure_schema(db.engine)
    open_clinic(db)  # the packs this clinic ran with keep their ids against newcomers
    app.extensions["vesalius.db"] = db
    init_api(app)
    if app.config.get("VESALIUS_WEB", True):  # the pages; the API alone when False
        from .web import init_app as init_web

        init_web(app, db, ensure_schema=upgrade)
    return app
