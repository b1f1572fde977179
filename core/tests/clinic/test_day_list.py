"""The calendar's day list read as plain rows: the same appointments, times and names as the
ORM reads, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from clinic_factories import MONDAY, at, clinic_setup, patient
from sqlalchemy import select
from vesalius.db.types import instants
from vesalius.models import Appointment
from vesalius.services import scheduling
from vesalius.services.scheduling import BookingIn


def test_day_list_rows_match_the_records(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = clinic_setup(s, system)
        known = patient(s, system, "Grace", "Hopper", preferred_name="Amazing")
        blank = patient(s, system, "Alan", "Turing", preferred_name="")
        for n, who in enumerate((c["patient"], known, blank)):
            scheduling.book(s, system, BookingIn(
                patient_id=who.id, practitioner_id=c["practitioner"].id,
                start=at(MONDAY, 9 + n, 15), end=at(MONDAY, 10 + n), room_id=c["rooms"][0].id,
                service_id=c["service"].id))
        location_id, practitioner_id = c["location"].id, c["practitioner"].id
    with db.session() as s:
        entries = scheduling.day_list(s, system, MONDAY, location_id=location_id)
        by_practitioner = scheduling.day_list(s, system, MONDAY,
                                              practitioner_ids=[practitioner_id, 999])
        records = list(s.scalars(select(Appointment).order_by(Appointment.start_at)))
    assert by_practitioner == entries
    assert [e.patient_name for e in entries] == ["Ada Lovelace", "Amazing Hopper",
                                                 "Alan Turing"]
    for entry, record in zip(entries, records, strict=True):
        assert (entry.id, entry.start, entry.end) == (record.id, record.start_at,
                                                      record.end_at)
        assert entry.start.tzinfo is UTC and entry.end.tzinfo is UTC
        assert entry.start.minute == 15 and entry.end - entry.start == timedelta(minutes=45)
        assert entry.room_name == "Room 1" and entry.service_name
        assert entry.status == "booked" and entry.booked_via == "staff"


def test_instants_read_stored_values_as_utc() -> None:
    instant = instants()
    assert instant("2030-03-04 09:15:00.000000") == datetime(2030, 3, 4, 9, 15, tzinfo=UTC)
    assert instant("2030-03-04 09:15:00") == datetime(2030, 3, 4, 9, 15, tzinfo=UTC)
    toronto = timezone(timedelta(hours=-5))
    converted = instant(datetime(2030, 3, 4, 4, 15, tzinfo=toronto))
    assert converted == datetime(2030, 3, 4, 9, 15, tzinfo=UTC) and converted.tzinfo is UTC
    assert instant(datetime(2030, 3, 4, 9, 15)).tzinfo is UTC
    assert instant(None) is None
    # Each distinct value is converted once.
    assert instant("2030-03-04 09:15:00.000000") is instant("2030-03-04 09:15:00.000000")
