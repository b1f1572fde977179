"""The clinic's web pages: front desk calendar, patients, charting, billing, reports, admin.

``init_app(app, db)`` adds them to the core's Flask app: server-side sessions, CSRF, the
deny-by-default gate, security headers, one blueprint per area, and the packs' own
blueprints under ``/packs/<pack>/``. Pages are rendered by Jinja with autoescape on; pack
templates and charts are drawn generically from their SDK definitions.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import Database
from .context import WebState
from .models import WebSetting
from .schema import ensure_web_schema

#: Blueprints of the web pages, in menu order.
BLUEPRINTS = (
    "vesalius.web.home",
    "vesalius.web.auth",
    "vesalius.web.calendar",
    "vesalius.web.patients",
    "vesalius.web.cases",
    "vesalius.web.charting",
    "vesalius.web.billing",
    "vesalius.web.packages",
    "vesalius.web.reports",
    "vesalius.web.admin",
    "vesalius.web.portal",
    "vesalius.web.intake",
    "vesalius.web.access",
    "vesalius.web.retention",
    "vesalius.web.outbox",
    "vesalius.web.online_booking",
    "vesalius.web.messages_admin",
    "vesalius.web.public_booking",
    "vesalius.web.search",
    "vesalius.web.calendar_feed",
    "vesalius.web.imports",
    "vesalius.web.x12",
)


def _secret_key(db: Database) -> str:
    """The key that signs CSRF tokens, shared by every worker: from ``VESALIUS_SECRET_KEY``,
    else made once and kept in the database."""
    configured = os.environ.get("VESALIUS_SECRET_KEY")
    if configured:
        return configured
    with db.session() as session:
        value = session.scalar(select(WebSetting.value).where(WebSetting.key == "secret_key"))
        if value:
            return value
    try:
        with db.session() as session:
            session.add(WebSetting(key="secret_key", value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another worker made it first
        pass
    with db.session() as session:
        return session.scalar(  # type: ignore[return-value]
            select(WebSetting.value).where(WebSetting.key == "secret_key"))


def init_app(app: Flask, db: Database, *, self_authenticating: tuple[str, ...] = ("api",),
             ensure_schema: bool = True) -> Flask:
    """Add the web pages to ``app``, on the clinic database ``db``.

    ``self_authenticating`` names blueprints that check their own credentials (the JSON
    API's bearer tokens): the page gate and CSRF leave them alone.
    """
    import importlib

    from .filters import install_filters
    from .security import install
    from .sessions import ServerSessionInterface
    from .storage import install as install_storage_handlers

    if ensure_schema:
        ensure_web_schema(db.engine)
    from sqlalchemy.orm import sessionmaker

    from .sessions import deferred_engine

    state = WebState(db=db)
    pages = deferred_engine(db)
    if pages is not db.engine:
        state.page_sessions = sessionmaker(pages, expire_on_commit=False)
    app.extensions["vesalius.web"] = state
    config: dict[str, Any] = {
        "SECRET_KEY": app.config.get("SECRET_KEY") or _secret_key(db),
        "VESALIUS_IDLE_MINUTES": int(os.environ.get("VESALIUS_IDLE_MINUTES", "30")),
        "VESALIUS_SESSION_HOURS": int(os.environ.get("VESALIUS_SESSION_HOURS", "12")),
    }
    for key, value in config.items():
        app.config.setdefault(key, value)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config["SECRET_KEY"]
    app.config["VESALIUS_SELF_AUTH_BLUEPRINTS"] = tuple(self_authenticating)
    app.session_interface = ServerSessionInterface(
        db,
        idle=timedelta(minutes=app.config["VESALIUS_IDLE_MINUTES"]),
        absolute=timedelta(hours=app.config["VESALIUS_SESSION_HOURS"]),
    )
    app.jinja_env.autoescape = True  # every template, whatever its name
    install(app)
    install_storage_handlers(app)  # after install(): it wraps the handlers made there
    install_filters(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    from .pack_pages import mount_pack_blueprints

    mount_pack_blueprints(app)
    from .filters import check_menu

    check_menu(app)
    return app
