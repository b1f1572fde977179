"""Per-request context of the web pages: the database session, the actor, the registry.

The database session is one unit of work per request: committed after the view returned
(so audit rows of reads are kept), rolled back when the view raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from ..services import cache
from ..services.actor import Actor

if TYPE_CHECKING:
    from ..db import Database
    from ..models import User
    from ..plugins import Registry


@dataclass
class WebState:
    """What :func:`vesalius.web.init_app` keeps on the app."""

    db: Database
    #: Pack name -> False when the clinic switched it off (cached, refreshed on change).
    registry: Registry | None = None
    registry_stamp: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    #: Sessions for page views on SQLite (see :func:`db`); None: use ``db.sessions``.
    page_sessions: Any = None


def state() -> WebState:
    return current_app.extensions["vesalius.web"]  # type: ignore[no-any-return]


def database() -> Database:
    return state().db


def db() -> Session:
    """This request's database session (opened on first use).

    Requests that change things run on the core's engine (on SQLite every transaction is
    ``BEGIN IMMEDIATE``: a booking's check and insert hold the write lock together). Page
    views (GET) change nothing but their audit rows, so on SQLite they use a second engine
    whose reads take no write lock and whose transaction begins at the first audit insert:
    pages of different workers are read side by side instead of one after another.
    """
    if "_vdb" not in g:
        web = state()
        if request.method in ("GET", "HEAD") and web.page_sessions is not None:
            g._vdb = cache.for_one_request(web.page_sessions())
        else:
            g._vdb = cache.for_one_request(web.db.sessions())
        cache.seed(g._vdb, getattr(session, "cache_versions", None))
    return g._vdb  # type: ignore[no-any-return]


def commit_reads() -> None:
    """A page view's reads are done and it wrote only their audit rows: commit them now, so
    SQLite's write lock (taken at the first audit insert) is not held while the page is laid
    out and drawn, and the audit rows are kept before the page is shown."""
    vdb = g.get("_vdb")
    if vdb is not None and request.method in ("GET", "HEAD") and vdb.in_transaction():
        vdb.commit()


def rollback() -> None:
    """Drop what this request wrote so far (a form is shown again with its errors)."""
    if "_vdb" in g:
        g._vdb.rollback()


def finish_request(exc: BaseException | None) -> None:
    vdb = g.pop("_vdb", None)
    if vdb is None:
        return
    try:
        if exc is None:
            vdb.commit()
        else:
            vdb.rollback()
    finally:
        vdb.close()


def current_user() -> User | None:
    return getattr(session, "user", None)


def actor() -> Actor:
    """Who is asking; an anonymous request never reaches a view that needs one."""
    if "_actor" not in g:
        user = current_user()
        if user is None:
            raise RuntimeError("no signed-in user")  # the before_request check prevents it
        g._actor = Actor(user_id=user.id, role=user.role, patient_id=user.patient_id,
                         practitioner_id=getattr(session, "practitioner_id", None),
                         ip=request.remote_addr,
                         user_agent=(request.user_agent.string or "")[:200] or None)
    return g._actor  # type: ignore[no-any-return]


def registry() -> Registry:
    from .packs import clinic_registry

    return clinic_registry()


def clinic_tz() -> tzinfo:
    """The clinic's time zone: the first active location's, else VESALIUS_TIMEZONE (kept
    in the worker's memory while the locations are unchanged)."""
    from .directory import clinic_tz as directory_tz

    return directory_tz(db())
