"""The front desk's booking rules in the clinic's local time: conflict messages in people's
words, the waitlist matched on the location's wall clock, recurring previews, and the
clinic's rule for bookings outside working hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from clinic_factories import MONDAY, case, patient, practitioner, service
from sqlalchemy import func, select
from vesalius.errors import Conflict, Forbidden, Invalid
from vesalius.models import Appointment
from vesalius.services import Actor, booking_rules, practitioners, recurrence, scheduling, waitlist
from vesalius.services.recurrence import RecurrenceIn, SeriesBookingIn
from vesalius.services.scheduling import BookingIn

TORONTO = ZoneInfo("America/Toronto")
FRIDAY = MONDAY + timedelta(days=4)  # 8 March 2030: Toronto is on EST (UTC-5)


def toronto(day, hour, minute=0):  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(hour, minute), TORONTO)


@pytest.fixture
def clinic(db, system):  # type: ignore[no-untyped-def]
    """A Toronto location; one practitioner working Mon-Fri 9-17 there (lunch 12-13)."""
    with db.session() as s:
        loc = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Queen St", timezone="America/Toronto", rooms=["Room A"]))
        prac = practitioner(s, system, location_id=loc.id)
        pat = patient(s, system)
        other = patient(s, system, "Grace", "Hopper")
        return {"location": loc.id, "practitioner": prac.id, "name": prac.display_name,
                "patient": pat.id, "other": other.id, "case": case(s, system, pat.id).id,
                "service": service(s, system).id, "room": loc.rooms[0].id}


def visit(clinic, start, patient_key="patient", **extra):  # type: ignore[no-untyped-def]
    return BookingIn(patient_id=clinic[patient_key], practitioner_id=clinic["practitioner"],
                     start=start, end=start + timedelta(minutes=45), **extra)


# -- conflict messages -------------------------------------------------------------------


def test_conflict_names_the_practitioner_and_local_times_not_utc_or_ids(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        first = scheduling.book(s, system, visit(clinic, toronto(MONDAY, 9), "other"))
        first_id = first.id
    with pytest.raises(Conflict) as caught, db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY, 9, 30)))
    error = caught.value
    assert error.message == f"{clinic['name']} is already booked 09:00-09:45 with another patient"
    assert "UTC" not in error.message and str(first_id) not in error.message
    # Programs keep the machine-readable facts.
    assert error.field == "start" and error.details == [{
        "conflict": "practitioner", "appointment_id": first_id,
        "practitioner_id": clinic["practitioner"], "room_id": None,
        "start": "2030-03-04T14:00:00+00:00", "end": "2030-03-04T14:45:00+00:00"}]


def test_conflict_with_the_same_patient_says_so(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY, 10)))
    with pytest.raises(Conflict, match="already booked 10:00-10:45 with this patient"), \
            db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY, 10, 15)))


def test_reschedule_conflict_is_in_local_time(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY, 15), "other"))
        mine = scheduling.book(s, system, visit(clinic, toronto(MONDAY, 9))).id
    with pytest.raises(Conflict) as caught, db.session() as s:
        scheduling.reschedule(s, system, mine, scheduling.RescheduleIn(
            start=toronto(MONDAY, 15, 30)))
    assert caught.value.message == (
        f"{clinic['name']} is already booked 15:00-15:45 with another patient")


# -- waitlist ----------------------------------------------------------------------------


def test_waitlist_afternoon_friday_matches_a_cancelled_2pm_toronto_slot(db, system, clinic):  # type: ignore[no-untyped-def]
    """14:00 in Toronto is 19:00 UTC: judged in UTC it was "evening" and never matched."""
    with db.session() as s:
        entry = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=clinic["other"], part_of_day="afternoon", weekdays=[4])).id
        morning = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=clinic["other"], part_of_day="morning")).id
        appt = scheduling.book(s, system, visit(clinic, toronto(FRIDAY, 14)))
        assert appt.start_at.astimezone(UTC).hour == 19
        scheduling.cancel(s, system, appt.id, "patient unwell", at=toronto(MONDAY, 8))
        found = [e.id for e in waitlist.matches(s, system, appt)]
    assert found == [entry] and morning not in found


def test_waitlist_weekday_is_the_local_day(db, system, clinic):  # type: ignore[no-untyped-def]
    """Friday 20:00 in Toronto is Saturday 01:00 UTC: a Friday entry still matches."""
    with db.session() as s:
        entry = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=clinic["other"], part_of_day="evening", weekdays=[4])).id
        appt = scheduling.book(s, system, visit(clinic, toronto(FRIDAY, 20)))
        scheduling.cancel(s, system, appt.id, "patient unwell", at=toronto(MONDAY, 8))
        assert [e.id for e in waitlist.matches(s, system, appt)] == [entry]


def test_take_marks_the_entry_booked_with_the_offered_appointment(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        entry = waitlist.add(s, system, waitlist.WaitlistIn(patient_id=clinic["other"])).id
        mine = scheduling.book(s, system, visit(clinic, toronto(MONDAY, 9)))
        with pytest.raises(Invalid, match="another patient"):
            waitlist.take(s, system, entry, mine)
        theirs = scheduling.book(s, system, visit(clinic, toronto(MONDAY, 11), "other"))
        waitlist.take(s, system, entry, theirs)
        with pytest.raises(Conflict, match="the entry is booked"):
            waitlist.take(s, system, entry, theirs)


# -- recurring series --------------------------------------------------------------------


def series(clinic, start, **rule):  # type: ignore[no-untyped-def]
    return SeriesBookingIn(patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
                           start=start, service_id=clinic["service"],
                           recurrence=RecurrenceIn(**rule))


def test_preview_names_clashes_in_local_time_and_books_nothing(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY + timedelta(days=14), 9),
                                         "other"))
        dates = recurrence.preview(s, system, series(clinic, toronto(MONDAY, 9), count=4))
        booked = s.scalar(select(func.count()).select_from(Appointment))
    # Weekly at 09:00 wall clock, across the 10 March 2030 change to daylight time.
    assert [d.start.astimezone(TORONTO).strftime("%d %H:%M") for d in dates] == [
        "04 09:00", "11 09:00", "18 09:00", "25 09:00"]
    assert [d.clash for d in dates] == [
        None, None, f"{clinic['name']} is already booked 09:00-09:45 with another patient",
        None]
    assert all(d.outside is None for d in dates)
    assert booked == 1  # the preview booked nothing


def test_preview_every_two_weeks_until_a_date_flags_hours(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        dates = recurrence.preview(s, system, series(
            clinic, toronto(MONDAY, 16, 30), interval=2,
            until=toronto(MONDAY + timedelta(days=28), 23)))
    assert [d.start.astimezone(TORONTO).day for d in dates] == [4, 18, 1]
    assert dates[0].outside == (f"Mon 04 Mar 16:30-17:15 is outside {clinic['name']}'s "
                                "working hours (09:00-12:00, 13:00-17:00).")


def test_series_conflict_lists_local_dates(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        scheduling.book(s, system, visit(clinic, toronto(MONDAY + timedelta(days=7), 9),
                                         "other"))
    with pytest.raises(Conflict) as caught, db.session() as s:
        recurrence.book_series(s, system, series(clinic, toronto(MONDAY, 9), count=3))
    assert caught.value.message == ("1 of 3 dates clash with other bookings "
                                    "(Mon 11 Mar 09:00); nothing was booked")
    assert caught.value.details == [{"start": "2030-03-11T13:00:00+00:00"}]


# -- outside working hours ---------------------------------------------------------------


def test_outside_hours_words(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        words = booking_rules.outside_hours(s, clinic["practitioner"], clinic["location"], [
            (toronto(MONDAY, 9), toronto(MONDAY, 9, 45)),
            (toronto(MONDAY, 11, 30), toronto(MONDAY, 12, 15)),  # into lunch
            (toronto(MONDAY + timedelta(days=5), 10), toronto(MONDAY + timedelta(days=5), 11)),
        ])
    assert words[0] is None
    assert words[1] == (f"Mon 04 Mar 11:30-12:15 is outside {clinic['name']}'s working "
                        "hours (09:00-12:00, 13:00-17:00).")
    assert words[2] == (f"Sat 09 Mar 10:00-11:00 is outside {clinic['name']}'s working "
                        "hours (not working that day).")


def test_time_off_is_outside_hours(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        practitioners.add_time_off(s, system, clinic["practitioner"], practitioners.TimeOffIn(
            start_at=toronto(MONDAY, 0), end_at=toronto(MONDAY, 23), reason="course"))
        words = booking_rules.outside_hours(s, clinic["practitioner"], clinic["location"],
                                            [(toronto(MONDAY, 10), toronto(MONDAY, 11))])
    assert words == [f"{clinic['name']} is away (course) at Mon 04 Mar 10:00-11:00."]


def test_no_hours_set_means_no_judgement(db, system, clinic):  # type: ignore[no-untyped-def]
    with db.session() as s:
        other_loc = practitioners.create_location(s, system, practitioners.LocationIn(
            name="Bay St", timezone="America/Toronto"))
        assert booking_rules.outside_hours(s, clinic["practitioner"], other_loc.id, [
            (toronto(MONDAY, 22), toronto(MONDAY, 23))]) == [None]


def test_warn_needs_a_confirmation_and_refuse_refuses(db, system, clinic):  # type: ignore[no-untyped-def]
    late = [(toronto(MONDAY, 18), toronto(MONDAY, 18, 45))]
    with db.session() as s:
        assert booking_rules.outside_hours_rule(s) == "warn"  # the default
        with pytest.raises(Invalid, match="Confirm to book it anyway") as caught:
            booking_rules.refuse_outside(s, clinic["practitioner"], clinic["location"], late)
        assert caught.value.field == "start"
        assert booking_rules.refuse_outside(s, clinic["practitioner"], clinic["location"],
                                            late, confirmed=True)[0]
        booking_rules.set_outside_hours_rule(s, system, "refuse")
    with db.session() as s:
        assert booking_rules.outside_hours_rule(s) == "refuse"
        with pytest.raises(Invalid, match="does not book outside working hours"):
            booking_rules.refuse_outside(s, clinic["practitioner"], clinic["location"], late,
                                         confirmed=True)
        # Within hours nothing is asked.
        assert booking_rules.refuse_outside(s, clinic["practitioner"], clinic["location"], [
            (toronto(MONDAY, 9), toronto(MONDAY, 9, 45))]) == [None]


def test_only_the_owner_sets_the_rule(db, system, clinic):  # type: ignore[no-untyped-def]
    front_desk = Actor(user_id=None, role="front-desk")
    with db.session() as s:
        with pytest.raises(Forbidden):
            booking_rules.set_outside_hours_rule(s, front_desk, "refuse")
        with pytest.raises(Invalid) as caught:
            booking_rules.set_outside_hours_rule(s, system, "maybe")
    assert caught.value.field == "outside_hours"
