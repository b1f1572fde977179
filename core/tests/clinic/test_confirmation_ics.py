"""A booking's confirmation e-mail carries the visit as an .ics (RFC 5545, made with
icalendar) that lands in the patient's calendar: received through a real SMTP server and
parsed back, its event matches the appointment (UTC times, service and clinic, no clinical
content); a move sends the same UID with a higher SEQUENCE, a cancellation METHOD:CANCEL.
Both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from clinic_factories import MONDAY, at, clinic_setup
from clinic_mail import MailServer, running_mail_server
from icalendar import Calendar
from vesalius.db.types import utcnow
from vesalius.messaging.channels import factories
from vesalius.messaging.sender import send_due
from vesalius.services import scheduling
from vesalius.services.scheduling import BookingIn, RescheduleIn


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with running_mail_server() as server:
        yield server


def _sent(db, mail: MailServer) -> list[Calendar]:  # type: ignore[no-untyped-def]
    """Send what is due; each received e-mail's .ics, parsed."""
    channels = factories({"VESALIUS_SMTP_URL": mail.url,
                          "VESALIUS_MAIL_FROM": "Main St Physio <desk@clinic.example>"})
    seen = len(mail.messages)
    send_due(db, channels, now=utcnow() + timedelta(seconds=1))
    found = []
    for message in mail.messages[seen:]:
        parts = [p for p in message.iter_attachments()
                 if p.get_content_type() == "text/calendar"]
        if not parts:
            continue
        (part,) = parts
        assert part.get_filename() == "appointment.ics"
        assert part.get_param("method") in ("PUBLISH", "CANCEL")
        assert message.get_body(("plain",)) is not None  # the text is still there
        found.append(Calendar.from_ical(part.get_content()))
    return found


def test_confirmation_move_and_cancellation_carry_the_event(db, system, mail, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VESALIUS_PUBLIC_URL", "https://clinic.example/")
    with db.session() as s:
        c = clinic_setup(s, system)
        booked = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, case_id=c["case"].id, start=at(MONDAY, 10),
            booking_note="needs the ground-floor room"))
        appointment_id = booked.id
        s.commit()
    (calendar,) = _sent(db, mail)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"appt-{appointment_id}@clinic.example"
    assert event.start == at(MONDAY, 10) and event.end == at(MONDAY, 10, 45)
    assert event.to_ical().decode().count("Z\r\n") >= 2  # DTSTART/DTEND in UTC
    assert str(event["SUMMARY"]) == "Rehab follow-up at Main St"
    assert str(event["LOCATION"]) == "Main St" and int(event["SEQUENCE"]) == 0
    ical = calendar.to_ical().decode()
    for private in ("Lovelace", "Ada", "Low back pain", "M54", "ground-floor"):
        assert private not in ical
    with db.session() as s:
        scheduling.reschedule(s, system, appointment_id, RescheduleIn(start=at(MONDAY, 14)))
        s.commit()
    (moved,) = _sent(db, mail)
    (event,) = moved.walk("VEVENT")
    assert moved["METHOD"] == "PUBLISH" and event.start == at(MONDAY, 14)
    assert str(event["UID"]) == f"appt-{appointment_id}@clinic.example"
    assert int(event["SEQUENCE"]) > 0
    sequence = int(event["SEQUENCE"])
    with db.session() as s:
        scheduling.cancel(s, system, appointment_id, "unwell")
        s.commit()
    (cancelled,) = _sent(db, mail)
    (event,) = cancelled.walk("VEVENT")
    assert cancelled["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"appt-{appointment_id}@clinic.example"
    assert int(event["SEQUENCE"]) > sequence


def test_a_series_confirmation_carries_every_visit(db, system, mail) -> None:  # type: ignore[no-untyped-def]
    from vesalius.services import recurrence

    with db.session() as s:
        c = clinic_setup(s, system)
        recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, start=at(MONDAY, 9),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=3)))
        s.commit()
    (calendar,) = _sent(db, mail)
    starts = sorted(e.start for e in calendar.walk("VEVENT"))
    assert starts == [at(MONDAY, 9) + timedelta(weeks=n) for n in range(3)]


def test_the_ics_is_made_when_sent_from_the_visit_as_it_is_then(db, system, mail) -> None:  # type: ignore[no-untyped-def]
    """The outbox keeps what the .ics is of, not its text: a location renamed between the
    booking and the worker's run shows in the event the patient receives."""
    from sqlalchemy import select
    from vesalius.models import Location, OutboxMessage

    with db.session() as s:
        c = clinic_setup(s, system)
        booked = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, start=at(MONDAY, 11)))
        s.flush()
        (stored,) = s.scalars(select(OutboxMessage.attachments).where(
            OutboxMessage.appointment_id == booked.id,
            OutboxMessage.attachments.is_not(None)))  # SQL NULL on the others
        assert "text" not in stored[0] and stored[0]["ics"]["appointments"] == [booked.id]
        s.get(Location, c["location"].id).name = "King St"
        s.commit()
    (calendar,) = _sent(db, mail)
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "King St" and int(event["SEQUENCE"]) == 0


def test_a_series_cancelled_together_is_one_email_cancelling_each_visit(db, system, mail) -> None:  # type: ignore[no-untyped-def]
    from vesalius.services import recurrence

    with db.session() as s:
        c = clinic_setup(s, system)
        booked, _ = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, start=at(MONDAY, 9),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=3)))
        ids = [a.id for a in booked]
        s.commit()
    (confirmation,) = _sent(db, mail)
    with db.session() as s:
        recurrence.cancel_series(s, system, ids[0], "all", "moved away")
        s.commit()
    (cancelled,) = _sent(db, mail)  # one e-mail for the three visits
    assert cancelled["METHOD"] == "CANCEL"
    events = cancelled.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(f"appt-{i}@vesalius" for i in ids)
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in confirmation.walk("VEVENT")}
    assert all(int(e["SEQUENCE"]) > before[str(e["UID"])] for e in events)
