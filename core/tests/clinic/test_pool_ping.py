"""PostgreSQL's pool pings a connection only when it sat idle (a ping is a round trip of
every transaction otherwise): one closed by the server while idle is replaced unseen, and
one in steady use costs no ping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from vesalius.db import Database, engine

pytestmark = pytest.mark.postgres


def _backend(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def _pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the dialect's pings (they go straight to the driver: no SQLAlchemy event)."""
    pings: list[int] = []
    real = db.engine.dialect.do_ping

    def ping(dbapi_conn: Any) -> bool:
        pings.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(db.engine.dialect, "do_ping", ping)
    return pings


@pytest.fixture
def one_connection(postgres_url: str) -> Iterator[Database]:
    """A database whose pool holds one connection: each checkout is that one again."""
    db = Database(postgres_url, pool_size=1, max_overflow=0)
    yield db
    db.dispose()


def test_an_idle_connection_closed_by_the_server_is_replaced(
        one_connection: Database, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = one_connection
    pings = _pings(db, monkeypatch)
    first = _backend(db)
    _terminate(postgres_url, first)  # a restart, or an idle timeout, while it waited
    monkeypatch.setattr(engine, "PING_AFTER_IDLE", 0.0)  # it has been idle long enough
    second = _backend(db)  # no error: the ping found it dead, the pool made a new one
    assert second != first and pings == [1]


def test_a_connection_in_steady_use_is_not_pinged(
        one_connection: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = one_connection
    pings = _pings(db, monkeypatch)
    first = _backend(db)
    assert _backend(db) == first  # straight back out of the pool: the same, unpinged
    assert pings == []
