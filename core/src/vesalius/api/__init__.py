"""The JSON API under ``/api/v1``: bearer tokens, one permission table, pydantic requests
and responses, and an OpenAPI document at ``/api/v1/openapi.json``."""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401  (register routes)
    billing,
    clinical,
    intake,
    openapi,
    packages,
    people,
    public,
    retention,
    scheduling,
    x12,
)
from .framework import ENDPOINTS, bp, install_error_handlers

__all__ = ["ENDPOINTS", "bp", "init_api"]


def init_api(app: Flask) -> None:
    """Mount the API blueprint and its JSON error pages on ``app``."""
    install_error_handlers(app)  # first: it registers the converter of the API's ids
    app.register_blueprint(bp)
