"""Cancelling or moving several visits of a series tells the patient once: one message
per channel listing the dates (in the location's wall-clock time), with one .ics carrying
every visit (METHOD:CANCEL for a cancellation), each visit's own pending messages still
withdrawn; a visit changed alone keeps its own notice; a retry queues nothing. Both
engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from clinic_factories import MONDAY, at, clinic_setup
from clinic_outbox import session_rows as _rows
from icalendar import Calendar
from vesalius.db.types import utcnow
from vesalius.errors import Invalid
from vesalius.messaging import ics, notices, templates
from vesalius.models import Patient
from vesalius.services import patients, practitioners, recurrence

WEEK = timedelta(weeks=1)


def _series(s, system, count=5):  # type: ignore[no-untyped-def]
    """A weekly series at 09:00 Toronto time (14:00 UTC in March 2030 before the change to
    daylight time on the 10th, 13:00 UTC after), for a patient taking e-mail and SMS."""
    c = clinic_setup(s, system)
    loc = practitioners.create_location(s, system, practitioners.LocationIn(
        name="Queen St", timezone="America/Toronto", rooms=["Room A", "Room B"]))
    ada = s.get(Patient, c["patient"].id)
    ada.mobile, ada.reminders_sms = "+14165550199", True
    patients.add_consent(s, system, ada.id, patients.ConsentIn(kind="sms", granted=True))
    booked, skipped = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
        patient_id=ada.id, practitioner_id=c["practitioner"].id, service_id=c["service"].id,
        case_id=c["case"].id, location_id=loc.id, start=at(MONDAY, 14),
        recurrence=recurrence.RecurrenceIn(frequency="weekly", count=count)))
    assert skipped == []
    return ada, booked


def _calendar(s, row):  # type: ignore[no-untyped-def]
    """The .ics the worker would attach to ``row``, parsed back."""
    (spec,) = row.attachments
    made = ics.made(s, spec)
    assert made is not None
    return Calendar.from_ical(made["text"])


def test_cancelling_a_series_sends_one_message_listing_the_dates(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        _ada, booked = _series(s, system)
        ids = [a.id for a in booked]
        cancelled = recurrence.cancel_series(s, system, ids[1], "following", "moving away")
        assert [a.id for a in cancelled] == ids[1:]

        # One message per channel, none per visit, tied to the first visit cancelled.
        rows = _rows(s, kind=notices.SERIES_CANCELLATION)
        assert sorted(r.channel for r in rows) == ["email", "sms"]
        assert {r.appointment_id for r in rows} == {ids[1]}
        assert _rows(s, kind=notices.CANCELLATION) == []
        email, = [r for r in rows if r.channel == "email"]
        assert email.subject == "Your 4 appointments with Pat Rehab are cancelled"
        assert email.recipient == "ada.lovelace@example.org"
        lines = [line for line in email.body_text.splitlines() if line.startswith("- ")]
        assert lines == ["- Monday 11 March 2030 09:00", "- Monday 18 March 2030 09:00",
                         "- Monday 25 March 2030 09:00", "- Monday 1 April 2030 09:00"]
        assert "Rehab follow-up with Pat Rehab, Queen St" in email.body_text
        assert "moving away" not in email.body_text
        sms, = [r for r in rows if r.channel == "sms"]
        assert sms.body_text == ("Hi Ada, your 4 appointments with Pat Rehab from "
                                 "Monday 11 March 2030 09:00 are cancelled.")
        assert sms.attachments is None

        # Each cancelled visit's reminders are withdrawn; the first visit's stay, and so
        # does the series' confirmation (tied to the first visit, still booked).
        for appointment_id in ids[1:]:
            assert {r.status for r in _rows(s, appointment_id, notices.REMINDER)} == {
                "cancelled"}
        assert {r.status for r in _rows(s, ids[0], notices.REMINDER)} == {"pending"}
        assert {r.status for r in _rows(s, kind=notices.SERIES_CONFIRMATION)} == {"pending"}

        # One .ics cancelling each visit; its SEQUENCE is past the confirmation's .ics,
        # which carried every visit (though tied to the first).
        calendar = _calendar(s, email)
        assert calendar["METHOD"] == "CANCEL"
        events = calendar.walk("VEVENT")
        assert sorted(str(e["UID"]) for e in events) == sorted(
            f"appt-{i}@vesalius" for i in ids[1:])
        assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
        assert {int(e["SEQUENCE"]) for e in events} == {1}
        assert sorted(e.start for e in events) == [at(MONDAY + WEEK, 13) + n * WEEK
                                                   for n in range(4)]

        # A retry queues nothing more.
        count = len(_rows(s))
        assert notices.series_cancelled(s, cancelled) == []
        assert len(_rows(s)) == count

        # What is left is one visit: cancelling "all" of it is that visit's own message.
        recurrence.cancel_series(s, system, ids[0], "all", "moving away")
        single, = _rows(s, kind=notices.CANCELLATION, appointment_id=ids[0], status="pending")[:1]
        assert single.subject == "Your appointment on Monday 4 March 2030 at 09:00 is cancelled"
        assert len(_rows(s, kind=notices.CANCELLATION)) == 2  # e-mail and SMS
        assert len(_rows(s, kind=notices.SERIES_CANCELLATION)) == 2


def test_cancelling_a_whole_series_withdraws_its_unsent_confirmation(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        ada, booked = _series(s, system, count=3)
        ada.reminders_email = False  # the cancellation is transactional: e-mailed anyway
        recurrence.cancel_series(s, system, booked[2].id, "all", "moving away")
        assert {r.status for r in _rows(s, kind=notices.SERIES_CONFIRMATION)} == {"cancelled"}
        rows = _rows(s, kind=notices.SERIES_CANCELLATION)
        assert sorted(r.channel for r in rows) == ["email", "sms"]
        assert {r.appointment_id for r in rows} == {booked[0].id}
        assert all(r.subject == "Your 3 appointments with Pat Rehab are cancelled"
                   for r in rows if r.channel == "email")


def test_a_visit_cancelled_alone_gets_its_own_cancellation(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        _ada, booked = _series(s, system, count=3)
        recurrence.cancel_series(s, system, booked[1].id, "one", "unwell")
        rows = _rows(s, kind=notices.CANCELLATION)
        assert {r.appointment_id for r in rows} == {booked[1].id} and len(rows) == 2
        # "This and following" from the last visit is that visit alone too.
        recurrence.cancel_series(s, system, booked[2].id, "following", "unwell")
        assert {r.appointment_id for r in _rows(s, kind=notices.CANCELLATION)} == {
            booked[1].id, booked[2].id}
        assert _rows(s, kind=notices.SERIES_CANCELLATION) == []
        email, = _rows(s, kind=notices.CANCELLATION, appointment_id=booked[2].id)[:1]
        (event,) = _calendar(s, email).walk("VEVENT")
        assert str(event["UID"]) == f"appt-{booked[2].id}@vesalius"


def test_in_the_patients_language(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        ada, booked = _series(s, system, count=3)
        ada.language = "fr-CA"
        recurrence.cancel_series(s, system, booked[0].id, "all", "moving away")
        email, = [r for r in _rows(s, kind=notices.SERIES_CANCELLATION) if r.channel == "email"]
        assert email.subject == "Vos 3 rendez-vous avec Pat Rehab sont annulés"
        assert "- lundi 11 mars 2030 09:00" in email.body_text
        assert email.body_text.startswith("Bonjour Ada,")


def test_in_the_clinics_words(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        _ada, booked = _series(s, system, count=2)
        # The clinic rewords the kind in the templates admin; a variable it does not have
        # is refused there, naming the ones it has.
        with pytest.raises(Invalid) as refused:
            templates.save(s, system, notices.SERIES_CANCELLATION, "en",
                           {"subject": "Cancelled at {{ time }}"})
        assert refused.value.field == "subject" and "dates" in refused.value.message
        templates.save(s, system, notices.SERIES_CANCELLATION, "en", {
            "subject": "{{ count }} visits cancelled, first {{ dates[0] }}"})
        recurrence.cancel_series(s, system, booked[0].id, "all", "moving away")
        email, = [r for r in _rows(s, kind=notices.SERIES_CANCELLATION) if r.channel == "email"]
        assert email.subject == "2 visits cancelled, first Monday 4 March 2030 09:00"


def test_moving_a_series_sends_one_notice_listing_the_new_dates(db, system):  # type: ignore[no-untyped-def]
    with db.session() as s:
        _ada, booked = _series(s, system)
        ids = [a.id for a in booked]
        # This and following from the second visit: an hour later (10:00 Toronto).
        moved = recurrence.edit_series(s, system, ids[1], recurrence.SeriesEditIn(
            scope="following", start=at(MONDAY + WEEK, 14)))
        assert len(moved) == 4
        assert _rows(s, kind=notices.RESCHEDULED) == []
        rows = _rows(s, kind=notices.SERIES_RESCHEDULED)
        assert sorted(r.channel for r in rows) == ["email", "sms"]
        assert {r.appointment_id for r in rows} == {ids[1]}
        email, = [r for r in rows if r.channel == "email"]
        assert email.subject == "Your 4 appointments with Pat Rehab have moved"
        lines = [line for line in email.body_text.splitlines() if line.startswith("- ")]
        assert lines == ["- Monday 11 March 2030 10:00", "- Monday 18 March 2030 10:00",
                         "- Monday 25 March 2030 10:00", "- Monday 1 April 2030 10:00"]
        sms, = [r for r in rows if r.channel == "sms"]
        assert sms.body_text.endswith("the first is now on Monday 11 March 2030 10:00. "
                                      "Details by e-mail or from the clinic.")
        # Each moved visit's reminder follows it (the old one withdrawn), on each channel.
        for appointment_id in ids[1:]:
            assert [(r.status, r.channel) for r in _rows(
                s, appointment_id, notices.REMINDER)] == [
                ("cancelled", "email"), ("cancelled", "sms"), ("pending", "email"),
                ("pending", "sms")]
        calendar = _calendar(s, email)
        assert calendar["METHOD"] == "PUBLISH"
        events = calendar.walk("VEVENT")
        assert sorted(e.start for e in events) == [at(MONDAY + WEEK, 14) + n * WEEK
                                                   for n in range(4)]
        assert {int(e["SEQUENCE"]) for e in events} == {1}

        # Moved again: a second notice (its own dedupe key), the SEQUENCE one higher.
        recurrence.edit_series(s, system, ids[1], recurrence.SeriesEditIn(
            scope="following", start=at(MONDAY + WEEK, 15)))
        rows = _rows(s, kind=notices.SERIES_RESCHEDULED)
        assert len(rows) == 4 and len({r.dedupe_key for r in rows}) == 4
        events = _calendar(s, [r for r in rows if r.channel == "email"][-1]).walk("VEVENT")
        assert {int(e["SEQUENCE"]) for e in events} == {2}

        # A change of room alone tells the patient nothing.
        count = len(_rows(s))
        room = practitioners.list_locations(s, system)[-1].rooms[1]
        recurrence.edit_series(s, system, ids[1], recurrence.SeriesEditIn(
            scope="following", room_id=room.id))
        assert len(_rows(s)) == count

        # One visit moved alone: its own notice, naming its time before.
        recurrence.edit_series(s, system, ids[0], recurrence.SeriesEditIn(
            scope="one", start=at(MONDAY, 16)))
        single = [r for r in _rows(s, kind=notices.RESCHEDULED) if r.channel == "email"]
        assert [r.appointment_id for r in single] == [ids[0]]
        assert "on Monday 4 March 2030 at 09:00 has moved" in single[0].body_text


def test_only_the_visits_still_ahead_are_listed(db, system):  # type: ignore[no-untyped-def]
    """A series begun three weeks ago, never checked in: cancelling all of it lists the
    two dates still ahead; with one ahead, that visit's own cancellation."""
    with db.session() as s:
        c = clinic_setup(s, system)
        start = (utcnow() - timedelta(weeks=3, hours=-1)).replace(second=0, microsecond=0)
        booked, _ = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, start=start,
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=5)))
        cancelled = recurrence.cancel_series(s, system, booked[0].id, "all", "moved away")
        assert len(cancelled) == 5
        email, = _rows(s, kind=notices.SERIES_CANCELLATION)  # e-mail only: no mobile
        assert email.appointment_id == booked[3].id
        assert email.subject == "Your 2 appointments with Pat Rehab are cancelled"
        assert [e.start for e in _calendar(s, email).walk("VEVENT")] == [
            booked[3].start_at, booked[4].start_at]

        booked, _ = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=c["patient"].id, practitioner_id=c["practitioner"].id,
            service_id=c["service"].id, start=start + timedelta(hours=2),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=4)))
        recurrence.cancel_series(s, system, booked[0].id, "all", "moved away")
        assert len(_rows(s, kind=notices.SERIES_CANCELLATION)) == 1
        single, = _rows(s, booked[3].id, notices.CANCELLATION)
        assert single.subject.endswith("is cancelled")
