"""Booking, the state machine, conflicts enforced by the database, recurrence, availability
and the waitlist, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from clinic_factories import MONDAY, at, clinic_setup, patient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from vesalius.errors import Conflict, Invalid
from vesalius.models import Appointment, AuditEvent
from vesalius.services import availability, recurrence, scheduling, waitlist
from vesalius.services.scheduling import BookingIn, RescheduleIn


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return {k: (v.id if hasattr(v, "id") else [r.id for r in v])
                for k, v in clinic_setup(s, system).items()}


def booking(clinic, start, end=None, **extra):  # type: ignore[no-untyped-def]
    values = {"patient_id": clinic["patient"], "practitioner_id": clinic["practitioner"],
              "case_id": clinic["case"], "start": start,
              "end": end or start + timedelta(minutes=45)}
    values.update(extra)
    return BookingIn(**values)


def test_book_and_overlap_conflict(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        first = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        assert first.status == "booked" and first.location_id == clinic["location"]
    with pytest.raises(Conflict) as caught, db.session() as s:
        scheduling.book(s, system, booking(clinic, at(MONDAY, 10, 30)))
    assert "already booked" in caught.value.message
    # Half-open intervals: back to back is fine.
    with db.session() as s:
        scheduling.book(s, system, booking(clinic, at(MONDAY, 10, 45)))
        scheduling.book(s, system, booking(clinic, at(MONDAY, 9, 15), at(MONDAY, 10)))


def test_a_refused_booking_keeps_the_rest_of_its_transaction(db, system, clinic):  # type: ignore[no-untyped-def]
    """A script booking several visits in one transaction catches the clash and goes on:
    the refusal undoes only the clashing row (PostgreSQL: its savepoint; SQLite: the
    trigger's ABORT undoes its one statement), never the bookings made before it."""
    with db.session() as s:
        first = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        with pytest.raises(Conflict) as caught:
            scheduling.book(s, system, booking(clinic, at(MONDAY, 10, 30)))
        assert caught.value.details[0]["appointment_id"] == first.id
        later = scheduling.book(s, system, booking(clinic, at(MONDAY, 11)))
        ids = {first.id, later.id}
    with db.session() as s:
        kept = set(s.scalars(select(Appointment.id).where(
            Appointment.patient_id == clinic["patient"])))
        assert kept == ids  # both kept, the refused one not half-written
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.resource_type == "appointment", AuditEvent.action == "create",
            AuditEvent.resource_id.in_(ids))) == 2


def test_service_fills_end_and_discipline_is_checked(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        appt = scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
            start=at(MONDAY, 14), service_id=clinic["service"]))
        assert appt.end_at - appt.start_at == timedelta(minutes=45)
    with pytest.raises(Invalid) as caught, db.session() as s:
        scheduling.book(s, system, BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
            start=at(MONDAY, 15)))
    assert caught.value.field == "end"


def test_naive_times_are_refused(db, system, clinic):  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as caught, db.session() as s:
        scheduling.book(s, system, booking(clinic, at(MONDAY, 10).replace(tzinfo=None)))
    assert caught.value.field == "start"


def test_room_double_booking_conflicts(db, system, clinic):  # type: ignore[no-untyped-def]
    room = clinic["rooms"][0]
    with db.session() as s:
        other = patient(s, system, "Grace", "Hopper")
        from clinic_factories import practitioner
        second = practitioner(s, system, "second@example.org", location_id=clinic["location"])
        scheduling.book(s, system, booking(clinic, at(MONDAY, 10), room_id=room))
        other_id, second_id = other.id, second.id
    with pytest.raises(Conflict) as caught, db.session() as s:
        scheduling.book(s, system, BookingIn(patient_id=other_id, practitioner_id=second_id,
                                             start=at(MONDAY, 10, 15),
                                             end=at(MONDAY, 11), room_id=room))
    assert caught.value.message.startswith("Room 1 is already booked")
    assert caught.value.field == "room_id" and caught.value.details[0]["conflict"] == "room"


def test_database_refuses_overlap_without_the_service(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        first = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        row = {c: getattr(first, c) for c in ("patient_id", "practitioner_id")}
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Appointment(**row, start_at=at(MONDAY, 10, 30), end_at=at(MONDAY, 11),
                          status="booked"))
        s.flush()
    # A cancelled row holds no time.
    with db.session() as s:
        s.add(Appointment(**row, start_at=at(MONDAY, 10, 30), end_at=at(MONDAY, 11),
                          status="cancelled"))
    # Moving a row onto another by raw SQL is refused too.
    with db.session() as s:
        second = scheduling.book(s, system, booking(clinic, at(MONDAY, 13)))
        second_id = second.id
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE appointments SET start_at = :a, end_at = :b WHERE id = :i"),
                  {"a": at(MONDAY, 10, 15).replace(tzinfo=None) if db.dialect == "sqlite"
                   else at(MONDAY, 10, 15),
                   "b": at(MONDAY, 11).replace(tzinfo=None) if db.dialect == "sqlite"
                   else at(MONDAY, 11), "i": second_id})


def test_state_machine(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        appt = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        aid = appt.id
    for status in ("confirmed", "arrived", "in-session", "completed"):
        with db.session() as s:
            assert scheduling.set_status(s, system, aid, status).status == status
    for status in ("booked", "cancelled", "arrived", "no-show"):
        with pytest.raises(Conflict) as caught, db.session() as s:
            scheduling.set_status(s, system, aid, status)
        assert "completed" in caught.value.message
    with db.session() as s:
        other = scheduling.book(s, system, booking(clinic, at(MONDAY, 11)))
        oid = other.id
    with pytest.raises(Invalid) as caught, db.session() as s:
        scheduling.set_status(s, system, oid, "cancelled")
    assert caught.value.field == "reason"
    with db.session() as s:
        scheduling.set_status(s, system, oid, "cancelled", reason="patient unwell")
    with pytest.raises(Conflict), db.session() as s:
        scheduling.set_status(s, system, oid, "booked")
    with pytest.raises(Conflict), db.session() as s:
        scheduling.reschedule(s, system, oid, RescheduleIn(start=at(MONDAY, 15)))


def test_cancelling_frees_the_slot_and_late_cancel_is_detected(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        appt = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        aid = appt.id
    with db.session() as s:
        cancelled = scheduling.cancel(s, system, aid, "moved away",
                                      at=at(MONDAY, 10) - timedelta(hours=3))
        assert cancelled.status == "late-cancelled"
    with db.session() as s:
        assert scheduling.book(s, system, booking(clinic, at(MONDAY, 10))).status == "booked"
    with db.session() as s:
        appt = scheduling.book(s, system, booking(clinic, at(MONDAY, 14)))
        assert scheduling.cancel(s, system, appt.id, "holiday",
                                 at=at(MONDAY, 14) - timedelta(days=3)).status == "cancelled"


def test_reschedule_conflict_and_success(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        a = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        b = scheduling.book(s, system, booking(clinic, at(MONDAY, 11)))
        aid, bid = a.id, b.id
    with pytest.raises(Conflict), db.session() as s:
        scheduling.reschedule(s, system, bid, RescheduleIn(start=at(MONDAY, 10, 30)))
    with db.session() as s:
        moved = scheduling.reschedule(s, system, bid, RescheduleIn(start=at(MONDAY, 15)))
        assert moved.end_at == at(MONDAY, 15, 45)
    with db.session() as s:  # onto its own old time is fine (ignores itself)
        scheduling.reschedule(s, system, aid, RescheduleIn(start=at(MONDAY, 10, 15)))


@pytest.mark.parametrize("threads", [6])
def test_racing_bookings_exactly_one_wins(db, system, clinic, threads):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        start = at(MONDAY, 10) + timedelta(minutes=5 * i)  # every one overlaps every other
        barrier.wait()
        try:
            with db.session() as s:
                scheduling.book(s, system, booking(clinic, start))
            result = "won"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # anything else is a failure of the test
            result = f"error {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=attempt, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert sorted(outcomes) == ["conflict"] * (threads - 1) + ["won"], outcomes
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1


def test_weekly_series_and_scoped_edits(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        booked, skipped = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            **booking(clinic, at(MONDAY, 9)).model_dump(),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=6)))
        assert skipped == [] and len(booked) == 6
        ids = [a.id for a in booked]
        assert [a.start_at for a in booked] == [at(MONDAY, 9) + timedelta(weeks=i)
                                                for i in range(6)]
    # Move only the second occurrence.
    with db.session() as s:
        recurrence.edit_series(s, system, ids[1], recurrence.SeriesEditIn(
            scope="one", start=at(MONDAY + timedelta(weeks=1), 11)))
    # This and following from the fourth: one hour later.
    with db.session() as s:
        moved = recurrence.edit_series(s, system, ids[3], recurrence.SeriesEditIn(
            scope="following", start=at(MONDAY + timedelta(weeks=3), 10)))
        assert len(moved) == 3
    with db.session() as s:
        starts = [s.get(Appointment, i).start_at.hour for i in ids]
        assert starts == [9, 11, 9, 10, 10, 10]
    # All (still booked) occurrences become 60 minutes long; completed ones stay.
    with db.session() as s:
        scheduling.set_status(s, system, ids[0], "arrived")
        scheduling.set_status(s, system, ids[0], "completed")
    with db.session() as s:
        changed = recurrence.edit_series(s, system, ids[2], recurrence.SeriesEditIn(
            scope="all", duration_minutes=60))
        assert sorted(a.id for a in changed) == ids[1:]
    with db.session() as s:
        first = s.get(Appointment, ids[0])
        assert first.end_at - first.start_at == timedelta(minutes=45)
        assert all(s.get(Appointment, i).end_at - s.get(Appointment, i).start_at
                   == timedelta(minutes=60) for i in ids[1:])
    # Cancel this and following from the fifth.
    with db.session() as s:
        recurrence.cancel_series(s, system, ids[4], "following", "discharged early")
    with db.session() as s:
        statuses = [s.get(Appointment, i).status for i in ids]
        assert statuses == ["completed", "booked", "booked", "booked", "cancelled",
                            "cancelled"]


def test_series_conflicts_all_or_nothing_or_skip(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.book(s, system, booking(clinic, at(MONDAY + timedelta(weeks=2), 9, 30)))
    series = recurrence.SeriesBookingIn(
        **booking(clinic, at(MONDAY, 9)).model_dump(),
        recurrence=recurrence.RecurrenceIn(frequency="weekly", count=4))
    with pytest.raises(Conflict) as caught, db.session() as s:
        recurrence.book_series(s, system, series)
    assert "1 of 4" in caught.value.message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1
    with db.session() as s:
        booked, skipped = recurrence.book_series(
            s, system, series.model_copy(update={"skip_conflicts": True}))
        assert len(booked) == 3 and skipped == [at(MONDAY + timedelta(weeks=2), 9)]


def test_series_keeps_wall_clock_time_across_dst(db, system, clinic):  # type: ignore[no-untyped-def]
    from datetime import date
    rule = recurrence.RecurrenceIn(frequency="weekly", count=3)
    from zoneinfo import ZoneInfo
    toronto = ZoneInfo("America/Toronto")
    from datetime import datetime, time
    start = datetime.combine(date(2030, 3, 4), time(9), toronto)  # DST starts 2030-03-10
    got = recurrence.occurrences(start, rule, "America/Toronto")
    assert [g.astimezone(toronto).hour for g in got] == [9, 9, 9]
    assert got[1] - got[0] == timedelta(days=7, hours=-1)


def test_availability_honours_hours_breaks_buffers_and_bookings(db, system, clinic):  # type: ignore[no-untyped-def]
    from clinic_factories import service
    with db.session() as s:
        svc = service(s, system, "Rehab long", minutes=45, buffer=15)
        svc_id = svc.id
        scheduling.book(s, system, booking(clinic, at(MONDAY, 9), at(MONDAY, 10)))
    with db.session() as s:
        from vesalius.models import Service
        svc = s.get(Service, svc_id)
        slots = availability.find_slots(s, system, svc, at(MONDAY, 0), at(MONDAY, 23),
                                        limit=50)
    starts = [(x.start.hour, x.start.minute) for x in slots]
    # 9:00-10:00 is booked; the visit needs 45 min + 15 min buffer before lunch at 12:00
    assert starts[0] == (10, 0)
    # The visit must end by lunch (12:00); its buffer may run into the break.
    assert (11, 15) in starts and (11, 30) not in starts
    assert (12, 0) not in starts and (13, 0) in starts
    assert starts[-1] == (16, 15)  # the last 45-minute visit before 17:00
    assert all(x.practitioner_id == clinic["practitioner"] for x in slots)
    with db.session() as s:
        svc = s.get(Service, svc_id)
        first3 = availability.find_slots(s, system, svc, at(MONDAY, 0),
                                         at(MONDAY, 0) + timedelta(days=30), limit=3)
        assert [x.start for x in first3] == [at(MONDAY, 10), at(MONDAY, 10, 15),
                                             at(MONDAY, 10, 30)]
        weekend = availability.find_slots(s, system, svc, at(MONDAY, 0) + timedelta(days=5),
                                          at(MONDAY, 0) + timedelta(days=7))
        assert weekend == []


def test_waitlist_matches_a_cancelled_slot_and_books(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        appt = scheduling.book(s, system, booking(clinic, at(MONDAY, 10)))
        other = patient(s, system, "Grace", "Hopper")
        entry = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=other.id, practitioner_id=clinic["practitioner"],
            earliest=MONDAY, latest=MONDAY + timedelta(days=10), part_of_day="morning"))
        evening = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=other.id, part_of_day="evening"))
        aid, eid, evening_id = appt.id, entry.id, evening.id
    with db.session() as s:
        appt = scheduling.cancel(s, system, aid, "sick", at=at(MONDAY, 10) - timedelta(days=2))
        found = waitlist.matches(s, system, appt)
        assert [e.id for e in found] == [eid]
        assert evening_id not in [e.id for e in found]
    with db.session() as s:
        new = waitlist.book_from(s, system, eid, clinic["practitioner"], at(MONDAY, 10),
                                 at(MONDAY, 10, 45))
        assert new.patient_id != clinic["patient"]
    with db.session() as s:
        assert [e.id for e in waitlist.waiting(s, system)] == [evening_id]


def test_day_list_is_one_query(db, system, clinic, count_queries):  # type: ignore[no-untyped-def]
    for n in (3, 12):
        with db.session() as s:
            for i in range(n):
                day = MONDAY + timedelta(days=7 * (n // 3) + (i % 5))
                scheduling.book(s, system, booking(clinic, at(day, 9) + timedelta(
                    minutes=45 * (i // 5))))
        with count_queries() as counter, db.session() as s:
            entries = scheduling.day_list(s, system, MONDAY + timedelta(days=7 * (n // 3)),
                                          location_id=clinic["location"], days=7)
        assert len(entries) == n
        assert entries[0].patient_name == "Ada Lovelace"
        # location zone, the list; audit: the list (new), its items, the read event (added
        # to the audit chain at commit)
        assert counter.count == 5, counter.statements
        with count_queries() as counter, db.session() as s:
            again = scheduling.day_list(s, system, MONDAY + timedelta(days=7 * (n // 3)),
                                        location_id=clinic["location"], days=7)
        assert again == entries
        # The same list read again: its items are already stored, only the event is new.
        assert counter.count == 4, counter.statements


def test_day_list_read_is_audited_per_appointment(db, system, clinic):  # type: ignore[no-untyped-def]
    """A list read is one event (who, when, from where) whose list names every appointment
    shown with its patient; the patient's audit trail finds it; nothing clinical is kept."""
    from vesalius.models import AuditEvent, AuditList, AuditListItem
    from vesalius.services import audit
    from vesalius.services.actor import Actor

    with db.session() as s:
        other = patient(s, system, "Grace", "Hopper").id
        first = scheduling.book(s, system, booking(clinic, at(MONDAY, 9))).id
        second = scheduling.book(s, system, booking(clinic, at(MONDAY, 10),
                                                    patient_id=other, case_id=None)).id
    desk = Actor(user_id=7, role="front-desk").with_origin("10.0.0.9", "Firefox")
    for _ in range(2):
        with db.session() as s:
            shown = scheduling.day_list(s, desk, MONDAY, location_id=clinic["location"])
    assert [(e.id, e.patient_id) for e in shown] == [(first, clinic["patient"]),
                                                      (second, other)]
    with db.session() as s:
        reads = list(s.scalars(select(AuditEvent).where(AuditEvent.detail == "day list")
                               .order_by(AuditEvent.id)))
        assert len(reads) == 2
        assert {(r.user_id, r.role, r.action, r.resource_type, r.ip, r.user_agent, r.outcome)
                for r in reads} == {(7, "front-desk", "read", "appointment", "10.0.0.9",
                                     "Firefox", "ok")}
        assert reads[0].at <= reads[1].at and reads[0].list_digest == reads[1].list_digest
        # Every appointment shown is traceable to the reads, by appointment and by patient.
        assert audit.list_items(s, system, reads[0].list_digest) == [
            (first, clinic["patient"]), (second, other)]
        assert s.scalar(select(func.count()).select_from(AuditList)) == 1
        traced = s.scalars(select(AuditListItem.list_digest)
                           .where(AuditListItem.resource_id == second)).all()
        assert traced == [reads[0].list_digest]
        for pid in (clinic["patient"], other):
            assert {e.id for e in audit.events(s, system, patient_id=pid)} >= {
                r.id for r in reads}
        # Ids only: no names, no booking notes.
        stored = s.execute(select(AuditList.resource_type, AuditList.size)).one()
        assert tuple(stored) == ("appointment", 2)
    for statement in ("UPDATE audit_list_items SET patient_id = 1",
                      "DELETE FROM audit_list_items", "DELETE FROM audit_lists",
                      "UPDATE audit_events SET list_digest = NULL"):
        with pytest.raises(IntegrityError), db.session() as s:
            s.execute(text(statement))


def test_a_deadlock_between_racing_inserts_is_tried_again(db, system, clinic, monkeypatch):  # type: ignore[no-untyped-def]
    """PostgreSQL can answer two racing overlapping inserts with a deadlock error; the
    booking is tried again (and then wins, or meets the winner's clean refusal). On
    PostgreSQL the first attempt really fails on the server, inside the booking's pipelined
    savepoint, which must leave the transaction usable for the second."""
    from sqlalchemy.engine import Connection
    from sqlalchemy.exc import OperationalError

    class Deadlock(Exception):
        sqlstate = "40P01"

    failures = []
    if db.dialect == "postgresql":
        with db.session() as s:
            s.execute(text(
                "CREATE OR REPLACE FUNCTION vesalius_test_deadlock(integer) RETURNS integer "
                "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deadlock detected (test)' "
                "USING ERRCODE = 'deadlock_detected'; END $$"))
        real_statements = scheduling._PG_INSERT

        class FailOnce(dict):  # type: ignore[type-arg]
            def __getitem__(self, room: bool) -> bytes:
                if not failures:
                    failures.append(1)
                    return b"SELECT vesalius_test_deadlock(%(patient_id)s::integer)"
                return real_statements[room]

        monkeypatch.setattr(scheduling, "_PG_INSERT", FailOnce())
    else:
        real_execute = Connection.execute

        def flaky_execute(self, statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            if statement is scheduling._INSERT_APPOINTMENT and not failures:
                failures.append(1)
                raise OperationalError("INSERT INTO appointments", {}, Deadlock())
            return real_execute(self, statement, *args, **kwargs)

        monkeypatch.setattr(Connection, "execute", flaky_execute)
    with db.session() as s:
        booked = scheduling.book(s, system, booking(clinic, at(MONDAY, 11)))
    monkeypatch.undo()
    assert failures == [1]
    with db.session() as s:
        assert s.get(Appointment, booked.id).start_at == at(MONDAY, 11)
