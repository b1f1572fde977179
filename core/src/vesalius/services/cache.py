"""A worker's memory of what changes rarely, kept true across processes and hosts.

Locations and rooms, practitioners and their working hours, services and the clinic's pack
switches are read by nearly every page and change a few times a year. Each worker keeps them
in memory, and the database says when its copy is out of date: ``cache_versions`` holds a
counter per table, bumped by a trigger in the same transaction as any insert, update or
delete of that table (migrations ``0026_cache_versions`` and the web schema's
``w0004_cache_versions``). A writer cannot forget to invalidate, whichever way it writes
(the services, a Core bulk insert, a migration, psql), and the bump becomes visible to every
worker on every host exactly when the write does: at its commit.

A request reads every counter in one indexed SELECT, the first time it asks (memoized on
its database session), and uses a cached value only when the counters of the tables it was
built from are still the ones it was built under. Counters are read *before* the value is
loaded, so a value is never filed under versions newer than its data (a write that lands
in between makes the next request load again, never keeps an old value).

Within a transaction that wrote one of those tables (its flushes and its UPDATE/INSERT/
DELETE statements are watched), :func:`cached` reads through to the database until the
transaction ends: the writer sees its own change before it commits, and after it commits
the counters are read again, so the next page of the same worker is fresh too.

Cached values must be immutable plain data (tuples, frozen dataclasses), never ORM objects:
they outlive the session that loaded them and are shared by the worker's threads.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Engine, String, cast, column, event, func, select, table
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.selectable import ScalarSelect

T = TypeVar("T")

#: Tables whose rows workers cache, each with a counter: the core's and the web schema's.
CORE_TABLES = ("locations", "rooms", "practitioners", "working_hours", "services",
               "message_settings", "message_templates", "booking_rules")
WEB_TABLES = ("web_pack_settings", "web_settings")
WATCHED = frozenset(CORE_TABLES + WEB_TABLES)

#: More entries than this in one worker's cache means keys are not bounded: start again.
MAX_ENTRIES = 4096

cache_versions = table("cache_versions", column("key", String), column("version", BigInteger))

_VERSIONS = "vesalius.cache.versions"
_TOUCHED = "vesalius.cache.touched"
_REQUEST = "vesalius.cache.request"

_stores: weakref.WeakKeyDictionary[Engine, dict[Hashable, tuple[tuple[int, ...], Any]]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()


def for_one_request(session: Session) -> Session:
    """Mark ``session`` as one request's: its counters are read once for the whole request,
    not once per transaction (a page commits its audit rows before it draws), unless the
    request writes a cached table. Returns ``session``."""
    session.info[_REQUEST] = True
    return session


def versions(session: Session) -> Mapping[str, int]:
    """Every table's counter, read once per transaction of ``session`` (one SELECT), or
    once per request (:func:`for_one_request`)."""
    found = session.info.get(_VERSIONS)
    if found is None:
        found = session.info[_VERSIONS] = dict(
            session.execute(select(cache_versions.c.key, cache_versions.c.version)).all())
    return found  # type: ignore[no-any-return]


def versions_column() -> ScalarSelect[str]:
    """Every counter as one text column (``key=version,...``), to read them inside a query
    the request makes anyway (the session look-up); hand its value to :func:`seed`."""
    global _versions_column
    if _versions_column is None:  # built once: it is part of every request's first query
        text = cache_versions.c.key + "=" + cast(cache_versions.c.version, String)
        _versions_column = select(func.aggregate_strings(text, ",")).scalar_subquery()
    return _versions_column


_versions_column: ScalarSelect[str] | None = None


def seed(session: Session, text: str | None) -> None:
    """Use counters read by :func:`versions_column` (earlier in the request, so never newer
    than what ``session`` reads next) instead of reading them again."""
    if text is not None and _VERSIONS not in session.info and not session.info.get(_TOUCHED):
        pairs = (item.rpartition("=") for item in text.split(",") if item)
        session.info[_VERSIONS] = {key: int(value) for key, _eq, value in pairs}


def cached(session: Session, key: Hashable, tables: Iterable[str], load: Callable[[], T]) -> T:
    """``load()``'s value, from this worker's memory while none of ``tables`` changed.

    ``key`` names the value (with its arguments: ``("staff", location_id)``); ``tables``
    are every table ``load`` reads; ``load`` runs on ``session`` and returns immutable
    data. A table without a counter is never cached (read through, every time).
    """
    if session.info.get(_TOUCHED):
        return load()  # this transaction changed them: its own view, uncommitted
    known = versions(session)
    try:
        stamp = tuple(known[name] for name in tables)
    except KeyError:
        return load()
    store = _store(session)
    entry = store.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]  # type: ignore[no-any-return]
    value = load()
    if not session.info.get(_TOUCHED):  # load() may have flushed a change of its own
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = (stamp, value)
    return value


def clear() -> None:
    """Forget every worker-local value (tests; the counters make it unnecessary otherwise)."""
    with _lock:
        for store in _stores.values():
            store.clear()


def _store(session: Session) -> dict[Hashable, tuple[tuple[int, ...], Any]]:
    engine = session.get_bind()
    if not isinstance(engine, Engine):  # bound to a connection: its engine
        engine = engine.engine
    store = _stores.get(engine)
    if store is None:
        with _lock:
            store = _stores.setdefault(engine, {})
    return store


def _watched(names: Iterable[str]) -> bool:
    return any(name in WATCHED for name in names)


def _touch(session: Session) -> None:
    session.info[_TOUCHED] = True
    session.info.pop(_VERSIONS, None)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_TOUCHED):
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if _watched(getattr(getattr(obj, "__table__", None), "name", "") for obj in changed):
        _touch(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if _watched([getattr(target, "name", "")]):
            _touch(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:  # a savepoint: the transaction goes on
        return
    if session.info.pop(_TOUCHED, None) or not session.info.get(_REQUEST):
        session.info.pop(_VERSIONS, None)  # read anew
