"""A booking's cost in statements and, on PostgreSQL, in round trips to the server: the
busiest write of a clinic, pinned so that a change which adds one says so here.

A booking through the services: the parties (practitioner, patient, location) in one
statement; the row (on PostgreSQL with the queue's locks, on its savepoint, in one pipelined
round trip; SQLite needs no savepoint: a refused row undoes only its own statement); the
confirmation and reminders in one insert (the message settings and the clinic's words are
the worker's cached copy: the cache's counters come with the parties); the
audit event (on PostgreSQL the chain's lock and head in one pipelined round trip). The round
trips are counted from libpq's protocol trace: each ``Sync`` (the end of an
extended-protocol exchange or of a pipeline) and each simple ``Query`` (BEGIN, COMMIT) is
one wait for the server.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import timedelta

from clinic_factories import MONDAY, at, clinic_setup
from sqlalchemy import event, func, select
from vesalius.models import OutboxMessage
from vesalius.services import scheduling
from vesalius.services.scheduling import BookingIn

#: Statements of one booking seen by SQLAlchemy's events. SQLite: BEGIN IMMEDIATE,
#: parties (with the cache's counters), the row, messages, audit event (the chain's head is
#: read on the driver). PostgreSQL: parties, messages, audit event (the row, the chain's lock
#: and head, BEGIN and COMMIT go to the driver). The message settings and the clinic's words
#: are the worker's cached copy (they were a statement of every booking).
STATEMENTS = {"sqlite": 5, "postgresql": 3}
#: PostgreSQL: BEGIN, parties, row (pipelined), messages, chain lock and head (pipelined),
#: audit event, COMMIT. It was 24, then 9 with the pool's ping of every checkout (now only
#: of a connection idle for a while: vesalius.db.engine.ping_when_idle) and a read of the
#: message settings.
ROUND_TRIPS = 7


def _book(db, system, clinic, hour):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
            start=at(MONDAY, hour), end=at(MONDAY, hour) + timedelta(minutes=45)))


def _clinic(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = clinic_setup(s, system)
        return {"patient": found["patient"].id,  # type: ignore[attr-defined]
                "practitioner": found["practitioner"].id}  # type: ignore[attr-defined]


def test_a_booking_is_a_fixed_number_of_statements(db, system):  # type: ignore[no-untyped-def]
    clinic = _clinic(db, system)
    _book(db, system, clinic, 9)  # warm: the first booking of a connection prepares
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        booked = _book(db, system, clinic, 10)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(seen) == STATEMENTS[db.dialect], seen
    with db.session() as s:  # not vacuous: the confirmation and a reminder were queued
        queued = s.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.appointment_id == booked.id))
    assert queued >= 2


def test_a_postgresql_booking_is_seven_round_trips(db, system):  # type: ignore[no-untyped-def]
    if db.dialect != "postgresql":
        return  # SQLite has no server to wait for
    from psycopg import pq

    clinic = _clinic(db, system)
    for hour in (9, 10, 11, 13, 14, 15):  # psycopg prepares a statement on its 5th use
        _book(db, system, clinic, hour)
    pooled = db.engine.raw_connection()  # the pool's one idle connection: the next booking's
    pgconn = pooled.dbapi_connection.pgconn  # type: ignore[union-attr]
    pooled.close()
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            _book(db, system, clinic, 16)
        finally:
            pgconn.untrace()
        trace.seek(0)
        sent = Counter(line.split("\t")[2] for line in trace.read().splitlines()
                       if line.startswith("F\t"))
    assert sent["Sync"] + sent["Query"] == ROUND_TRIPS, sent
    assert sent["Parse"] == 0, sent  # every statement was prepared already
