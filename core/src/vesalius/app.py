"""The Flask application factory: the clinic database, the JSON API and the FHIR API.

The database is upgraded to the newest migration on start (an empty database gets the whole
schema), so ``vesalius serve`` works on a fresh install.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from .db import Database
from .db.migrate import ensure_schema
from .plugins.memory import open_clinic

#: Largest request body accepted (bytes) unless ``VESALIUS_MAX_BODY_BYTES`` or the
#: ``MAX_CONTENT_LENGTH`` config says otherwise; larger bodies get a 413 unread.
MAX_BODY_BYTES = 2 * 1024 * 1024


class DepthLimitedJSON(DefaultJSONProvider):
    """Flask's JSON with a nesting limit: Python's parser recurses, so a body nested
    thousands deep would be a RecursionError (a 500) in any view that reads JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        from .api.framework import MAX_JSON_DEPTH, json_depth

        text = s.decode("utf-8", "replace") if isinstance(s, (bytes, bytearray)) else s
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return super().loads(s, **kwargs)


def create_app(database_url: str | None = None, *, upgrade: bool = True,
               config: dict[str, Any] | None = None) -> Flask:
    """A WSGI app on ``database_url`` (default: ``VESALIUS_DATABASE_URL`` or
    ``./vesalius.sqlite3``). Request bodies are limited to :data:`MAX_BODY_BYTES`."""
    from .api import init_api

    app = Flask("vesalius")
    app.json = DepthLimitedJSON(app)
    app.config.update(JSON_SORT_KEYS=False)
    # Flask defines MAX_CONTENT_LENGTH as None, so it is set, not setdefault-ed.
    app.config["MAX_CONTENT_LENGTH"] = int(os.environ.get("VESALIUS_MAX_BODY_BYTES")
                                           or MAX_BODY_BYTES)
    app.config.update(config or {})
    db = Database(database_url)
    if upgrade:
        ensure_schema(db.engine)
    open_clinic(db)  # the packs this clinic ran with keep their ids against newcomers
    app.extensions["vesalius.db"] = db
    init_api(app)
    if app.config.get("VESALIUS_WEB", True):  # the pages; the API alone when False
        from .web import init_app as init_web

        init_web(app, db, ensure_schema=upgrade, self_authenticating=("api", "fhir"))
    from .fhir.http import install as init_fhir

    init_fhir(app)  # after the pages: its 404/405 under /fhir/ wrap theirs
    return app
