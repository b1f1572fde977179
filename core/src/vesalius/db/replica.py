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

A replica that cannot be reached (down, restarting, a network fault) does not fail the
report: each report first checks out a replica connection and pings it; when that fails,
it reads from the primary instead, and so do the reports of the next :data:`RETRY_AFTER`
seconds without trying the replica. The warning names the replica's host, never the
report, and is logged at most once every :data:`WARN_EVERY` seconds while the replica stays
unreachable; its return is logged once. A replica connection is given
:data:`CONNECT_TIMEOUT` seconds (a host that does not answer must not hold the report up).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from .engine import Database, database_url, is_postgres, make_engine, unit_of_work

REPLICA_ENV = "VESALIUS_DATABASE_REPLICA_URL"
#: Seconds the reports read from the primary, without trying, after the replica failed.
RETRY_AFTER = 30.0
#: Seconds between two warnings while the replica stays unreachable.
WARN_EVERY = 300.0
#: Seconds a new replica connection may take (libpq's ``connect_timeout``).
CONNECT_TIMEOUT = 3

log = logging.getLogger(__name__)

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


@dataclass
class _Health:
    """What this process knows of one replica: skipped until ``down_until`` (monotonic
    seconds), last warned at ``warned_at`` (None: it is not known to be down)."""

    down_until: float = 0.0
    warned_at: float | None = None


_health: dict[str, _Health] = {}


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
            extra: dict[str, Any] = {}
            if is_postgres(url) and "connect_timeout" not in make_url(url).query:
                extra["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
            engine = _engines[url] = make_engine(url, pool_size=5, max_overflow=10, **extra)
        return engine


def _where(engine: Engine) -> str:
    """The replica as a log line names it: host and port (no user, no password)."""
    url = engine.url
    return f"{url.host}:{url.port}" if url.host else url.get_backend_name()


def reachable(engine: Engine, now: float | None = None) -> bool:
    """Whether a report may read from the replica ``engine`` now: False without trying for
    :data:`RETRY_AFTER` seconds after it failed; else a connection is checked out, pinged
    and given back. A failure is logged (throttled), a recovery once."""
    now = time.monotonic() if now is None else now
    key = str(engine.url)
    with _lock:
        health = _health.setdefault(key, _Health())
        if now < health.down_until:
            return False
    try:
        with engine.connect() as conn:
            try:  # pinged even when in steady use: a report is worth a round trip
                engine.dialect.do_ping(conn.connection.dbapi_connection)
            except engine.dialect.loaded_dbapi.Error:
                conn.invalidate()  # not back to the pool
                raise
    except (DBAPIError, engine.dialect.loaded_dbapi.Error) as exc:
        orig = getattr(exc, "orig", None) or exc
        with _lock:
            health.down_until = now + RETRY_AFTER
            if health.warned_at is None or now - health.warned_at >= WARN_EVERY:
                health.warned_at = now
                log.warning("the read replica at %s cannot be reached (%s): reports read "
                            "from the primary, retrying the replica every %d s",
                            _where(engine), type(orig).__name__, RETRY_AFTER)
        return False
    with _lock:
        health.down_until = 0.0
        if health.warned_at is not None:
            health.warned_at = None
            log.warning("the read replica at %s is reachable again: reports read from it",
                        _where(engine))
    return True


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
    """Sessions for read-only reports: reads on the replica when one is configured and
    :func:`reachable`, else ``db``'s own sessions (the primary)."""
    replica = replica_engine()
    if replica is None or not reachable(replica):
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
        _health.clear()
