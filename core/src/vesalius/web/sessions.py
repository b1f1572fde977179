"""Server-side, revocable sessions (OWASP ASVS 5.0, 7.2-7.4).

Flask's default session is a signed cookie that stays valid after logout. Here the cookie
holds only a random 256-bit token; the session's data, its user, and its idle and absolute
deadlines live in ``web_sessions``. Logging out, an idle or absolute timeout, or an
administrator deactivating the user ends the session on the server, so a copied cookie is
refused afterwards.

One indexed query per request reads the session together with its user and practitioner
record (and the cache's version counters, :mod:`vesalius.services.cache`); the row is
written only when the data changed or, for activity, once a minute.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import Select, bindparam, delete, insert, select, update
from sqlalchemy.orm import sessionmaker
from werkzeug.datastructures import CallbackDict

from ..db import Database
from ..db.types import utcnow
from ..models import Practitioner, User
from ..services import cache
from .models import WebSession

TOUCH_EVERY = timedelta(seconds=60)


def deferred_engine(db: Database, *, read_only: bool = False) -> Any:
    """On a SQLite file: an engine in pysqlite's default mode, where a SELECT takes no lock
    beyond WAL's snapshot and a transaction begins at the first write (never a lock upgrade:
    the write waits on busy_timeout like any writer). Otherwise the core's engine."""
    if db.engine.dialect.name != "sqlite" or db.engine.url.database in (None, "", ":memory:"):
        return db.engine  # PostgreSQL, or one in-memory database shared by its pool
    from sqlalchemy import create_engine, event

    from ..db.engine import SQLITE_SYNCHRONOUS

    engine = create_engine(db.url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")  # as the core's engine
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return engine


@functools.cache
def _lookup() -> Select[Any]:
    """The session with its user and practitioner, and the cache's version counters (no
    round trip of their own): built once, it is every request's first query."""
    return (select(WebSession, User, Practitioner.id, cache.versions_column())
            .outerjoin(User, User.id == WebSession.user_id)
            .outerjoin(Practitioner, Practitioner.user_id == User.id)
            .where(WebSession.token_hash == bindparam("token_hash")))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):  # type: ignore[type-arg]
    """The session dict of one request, with the signed-in user when there is one."""

    def __init__(self, data: dict[str, Any] | None = None, *, row_id: int | None = None,
                 token: str | None = None, user: User | None = None,
                 practitioner_id: int | None = None, auth_at: datetime | None = None,
                 last_seen_at: datetime | None = None,
                 cache_versions: str | None = None) -> None:
        def on_update(_self: CallbackDict) -> None:  # type: ignore[type-arg]
            self.modified = True

        super().__init__(data or {}, on_update)
        self.row_id = row_id
        self.token = token
        self.user = user
        self.practitioner_id = practitioner_id
        self.auth_at = auth_at
        self.last_seen_at = last_seen_at
        #: The cache's counters as read with the session (``services.cache.seed``).
        self.cache_versions = cache_versions
        self.modified = False
        #: Set by :func:`login` / :func:`logout`; acted on when the response is saved.
        self.new_user: User | None = None
        self.ended: str | None = None

    @property
    def permanent(self) -> bool:  # the server decides the lifetime, not the cookie
        return False

    @permanent.setter
    def permanent(self, value: bool) -> None:
        pass

    def login(self, user: User) -> None:
        """Start a new session for ``user`` (a new token: ASVS 7.2.4, no fixation)."""
        self.clear()
        self.new_user = user
        self.user = user
        self.modified = True

    def logout(self, reason: str = "logout") -> None:
        self.clear()
        self.ended = reason
        self.user = None
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Keeps sessions in ``web_sessions``; see the module docstring."""

    def __init__(self, db: Database, idle: timedelta, absolute: timedelta) -> None:
        self.db = db
        self.idle = idle
        self.absolute = absolute
        self.reads = sessionmaker(deferred_engine(db, read_only=True), expire_on_commit=False)

    # The cookie name carries the __Host- prefix whenever it can be Secure (ASVS 3.3.3).
    def cookie_name(self, request: Request) -> str:
        return "__Host-vesalius" if request.is_secure else "vesalius"

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.cookie_name(request))
        if not token or len(token) > 100:
            return ServerSession()
        now = utcnow()
        with self.reads() as session:
            row = session.execute(_lookup(), {"token_hash": token_hash(token)}).first()
            if row is None:
                return ServerSession()
            web, user, practitioner_id, cache_versions = row
            expired = (web.revoked_at is not None or web.expires_at <= now
                       or web.last_seen_at + self.idle <= now)
            if web.user_id is not None and (user is None or not user.active):
                expired = True
            if expired:
                if web.revoked_at is None:
                    reason = "inactive-user" if web.user_id and not (user and user.active) \
                        else ("idle" if web.expires_at > now else "absolute")
                    with self.db.session() as writer:
                        writer.execute(update(WebSession).where(WebSession.id == web.id)
                                       .values(revoked_at=now, revoked_reason=reason))
                fresh = ServerSession()
                fresh["_expired"] = bool(web.user_id)
                fresh.modified = False
                return fresh
            session.expunge_all()
        return ServerSession(dict(web.data or {}), row_id=web.id, token=token, user=user,
                             practitioner_id=practitioner_id, auth_at=web.auth_at,
                             last_seen_at=web.last_seen_at, cache_versions=cache_versions)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        request_ = _request()
        name = self.cookie_name(request_)
        secure = request_.is_secure
        now = utcnow()
        data = {k: v for k, v in session.items() if not k.startswith("_expired")}
        with self.db.session() as db:
            if session.ended is not None or session.new_user is not None:
                if session.row_id is not None:
                    db.execute(update(WebSession).where(WebSession.id == session.row_id)
                               .values(revoked_at=now, revoked_reason=session.ended
                                       or "new-login"))
                if session.new_user is None:
                    response.delete_cookie(name, path="/", secure=secure, httponly=True,
                                           samesite="Lax")
                    return
                self._create(db, session, response, name, secure, data,
                             user_id=session.new_user.id, auth_at=now)
                return
            if session.row_id is None:
                if data:  # an anonymous visitor who needs state (the login form's CSRF)
                    self._create(db, session, response, name, secure, data, user_id=None,
                                 auth_at=None)
                return
            values: dict[str, Any] = {}
            if session.modified:
                values["data"] = data
            if session.last_seen_at is None or now - session.last_seen_at >= TOUCH_EVERY:
                values["last_seen_at"] = now
            if values:
                db.execute(update(WebSession).where(WebSession.id == session.row_id)
                           .values(**values))

    def _create(self, db: Any, session: ServerSession, response: Response, name: str,
                secure: bool, data: dict[str, Any], *, user_id: int | None,
                auth_at: datetime | None) -> None:
        request_ = _request()
        now = utcnow()
        token = secrets.token_urlsafe(32)
        # Anonymous sessions only carry a CSRF secret: give them the idle lifetime only.
        lifetime = self.absolute if user_id is not None else self.idle
        db.execute(insert(WebSession).values(
            token_hash=token_hash(token), user_id=user_id, data=data, created_at=now,
            auth_at=auth_at, last_seen_at=now, expires_at=now + lifetime,
            ip=request_.remote_addr, user_agent=(request_.user_agent.string or "")[:200] or None,
        ))
        if user_id is not None:  # tidy up long-dead rows now and then (indexed delete)
            db.execute(delete(WebSession).where(WebSession.expires_at < now - timedelta(days=7)))
        response.set_cookie(name, token, path="/", secure=secure, httponly=True,
                            samesite="Lax")


def _request() -> Request:
    from flask import request

    return request  # type: ignore[return-value]


def end_user_sessions(db: Any, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """Revoke every live session of a user (deactivation, password change); returns how
    many. ``keep`` spares one session (the one asking)."""
    query = (update(WebSession)
             .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
             .values(revoked_at=utcnow(), revoked_reason=reason))
    if keep is not None:
        query = query.where(WebSession.id != keep)
    return db.execute(query).rowcount
