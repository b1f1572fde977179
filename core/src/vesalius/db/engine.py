"""The engine and sessions: SQLite by default, PostgreSQL through ``VESALIUS_DATABASE_URL``.

SQLite transactions start with ``BEGIN IMMEDIATE``: writers queue for the write lock instead
of failing with "database is locked" when a read lock cannot be upgraded, so a booking's
overlap check and insert happen under one lock.

Durability: a SQLite file runs in WAL mode with ``synchronous=FULL`` on every connection, so
each commit syncs the WAL before it returns: a booking, signed note, payment or audit event
the user saw as saved survives a power cut. (``NORMAL`` syncs only at checkpoints, and a
power cut may drop the last commits.) The cost is one ``fsync`` per commit, so a unit of work
is one commit: audit rows go in the transaction they describe.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///vesalius.sqlite3"

#: SQLite's sync level on every connection to a database file (see the module's docstring).
SQLITE_SYNCHRONOUS = "FULL"
#: A pooled PostgreSQL connection idle in the pool longer than this (seconds) is pinged
#: before it is handed out: a server restart, a proxy's or the server's idle timeout may
#: have closed it. One in steady use is not: a ping is a round trip, a ninth of a booking's.
PING_AFTER_IDLE = 5.0


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``VESALIUS_DATABASE_URL``, else ``./vesalius.sqlite3``."""
    url = url or os.environ.get("VESALIUS_DATABASE_URL") or DEFAULT_URL
    # "postgresql://" means the installed psycopg 3 driver, not psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def is_postgres(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "postgresql"


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use when it sat in the pool :data:`PING_AFTER_IDLE`
    seconds or more (SQLAlchemy's ``pool_pre_ping`` pings every checkout); a dead one is
    replaced (the pool retries the checkout), so the request never sees it. A connection
    the server closed while in steady use fails its request once; SQLAlchemy then
    invalidates the pool's older connections, so the next request gets a new one."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["vesalius.idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("vesalius.idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return  # new, or in steady use
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled connection was closed") from exc


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = database_url(url)
    if is_sqlite(url):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_when_idle(engine)
    return engine


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session of ``sessions`` that commits when the block ends normally and rolls back
    on any exception."""
    with sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Database:
    """One engine and its session factory. ``session()`` is a unit of work: it commits when
    the block ends normally and rolls back on any exception, so no request leaves a
    half-written record."""

    def __init__(self, url: str | None = None, **engine_kwargs: Any) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with unit_of_work(self.sessions) as session:
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates it in an empty database)."""
        from .migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
