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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///vesalius.sqlite3"

#: SQLite's sync level on every connection to a database file (see the module's docstring).
SQLITE_SYNCHRONOUS = "FULL"


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


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = database_url(url)
    if is_sqlite(url):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


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
