"""Reports read from a PostgreSQL read replica when ``VESALIUS_DATABASE_REPLICA_URL`` is set.

A streaming replica (a hot standby) answers reads and refuses writes. Only the read-only
reports use it (:func:`report_session`); everything else stays on the primary, which a
clinic must read its own writes from (a booking's overlap check, the calendar right after
a change). A report shows the data as the replica has it, which trails the primary by the
replication lag (usually well under a second).

A report still writes: its audit events (who read which report). So a report's session
is bound to both databases: a plain ``SELECT`` goes to the replica; everything else (the
ORM's flush, ``INSERT``/``UPDATE``/``DELETE``, a ``SELECT ... FOR UPDATE``, raw text, and
``session.connection()``, which the audit log appends through) goes to the primary. The
two transactions commit together when the unit of work ends; the replica's has nothing to
commit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from .engine import Database, database_url, make_engine, unit_of_work

REPLICA_ENV = "VESALIUS_DATABASE_REPLICA_URL"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def replica_url() -> str | None:
    """``VESALIUS_DATABASE_REPLICA_URL`` (``postgresql://`` means psycopg 3), or None."""
    url = os.environ.get(REPLICA_ENV, "").strip()
    return database_url(url) if url else None


def replica_engine() -> Engine | None:
    """The replica's engine, one per process (made at first use, so after a fork)."""
    url = replica_url()
    if url is None:
        return None
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url, pool_size=5, max_overflow=10)
        return engine


class ReplicaReads(Session):
    """A session whose plain ``SELECT`` statements run on ``replica``; all else on the
    primary it is bound to (see the module's docstring)."""

    def __init__(self, *args: Any, replica: Engine | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replica = replica
        #: False while :func:`on_primary` holds: every statement goes to the primary.
        self.reading_replica = True

    def get_bind(self, mapper: Any = None, *, clause: Any = None, **kwargs: Any) -> Any:
        if (self.replica is not None and self.reading_replica and not self._flushing
                and isinstance(clause, Select) and clause._for_update_arg is None):
            return self.replica
        return super().get_bind(mapper, clause=clause, **kwargs)


@contextmanager
def on_primary(session: Session) -> Iterator[Session]:
    """Within the block, ``session`` reads from the primary too: for what must be current,
    such as whether the caller's API token was just revoked. Any other session: no-op."""
    if not isinstance(session, ReplicaReads):
        yield session
        return
    before, session.reading_replica = session.reading_replica, False
    try:
        yield session
    finally:
        session.reading_replica = before


def report_sessions(db: Database) -> sessionmaker[Session]:
    """Sessions for read-only reports: reads on the replica when one is configured, else
    ``db``'s own sessions."""
    replica = replica_engine()
    if replica is None:
        return db.sessions
    return sessionmaker(db.engine, class_=ReplicaReads, replica=replica,
                        expire_on_commit=False)


@contextmanager
def report_session(db: Database) -> Iterator[Session]:
    """A unit of work for a report, as :meth:`Database.session` (commit at the end, roll
    back on any exception), reading from the replica when one is configured."""
    with unit_of_work(report_sessions(db)) as session:
        yield session


def dispose() -> None:
    """Close this process's replica connections (tests, shutdown)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
