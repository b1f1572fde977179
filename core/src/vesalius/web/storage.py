"""Pages answer a write the database could not store (disk full, read-only, disk error)
with 507/503 and a plain message, roll the request back, and remember the failure for the
admin pages (``admin/_storage.html``, included by their menu)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import InternalServerError

from ..services import storage_health
from .context import database, rollback


def _refused(failure_cause: str) -> Response:
    from .security import _error

    rollback()
    storage_health.remember(database().url, failure_cause,
                            f"{request.method} {request.path}")
    return _error(storage_health.STATUS[failure_cause],
                  storage_health.MESSAGES[failure_cause])


def install(app: Flask) -> None:
    """After the security module's handlers: these take the storage errors, and hand every
    other error back to the handlers that were there."""
    spec = app.error_handler_spec.setdefault(None, {})
    previous_500 = dict(spec.get(500, {}))
    generic = dict(spec.get(None, {}))

    def _fallback(handlers: dict[Any, Any], exc: Exception) -> Any:
        for cls in type(exc).__mro__:
            if cls in handlers:
                return handlers[cls](exc)
        raise exc

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError) -> Any:
        # A statement of the view failed (SQLite: an insert needing a page it cannot have).
        if failure_cause := storage_health.cause(exc):
            return _refused(failure_cause)
        return _fallback(generic, exc)

    @app.errorhandler(InternalServerError)
    def _server(exc: InternalServerError) -> Any:
        # The commit after the view failed (a full disk often shows only here).
        original = exc.original_exception
        if original is not None and (failure_cause := storage_health.cause(original)):
            return _refused(failure_cause)
        return _fallback(previous_500 or generic, exc)

    @app.context_processor
    def _storage() -> dict[str, Any]:
        return {"storage_failure": lambda: storage_health.last(database().url)}
