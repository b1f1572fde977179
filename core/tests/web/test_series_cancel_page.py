"""The calendar's series-cancel page: the visits a scope takes and, before anything is
done, what the patient will be sent (one message listing the dates for several visits,
the visit's own cancellation for one), in a number of queries that does not grow with the
series; cancelling sends exactly that; a missing reason or an unknown scope changes
nothing; billing staff cannot open it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from vesalius.messaging import notices
from vesalius.models import (
    Appointment,
    AppointmentSeries,
    Location,
    OutboxMessage,
    Practitioner,
    Service,
    User,
)
from vesalius.services import Actor, patients, recurrence


@pytest.fixture
def series(db, kit):  # type: ignore[no-untyped-def]
    """Four weekly visits at 10:00 UTC with the test physio, far enough ahead to be free,
    for a new patient with an e-mail address; their ids, the patient's e-mail and the
    practitioner's name."""
    system = Actor.system("tests")
    with db.session() as s:
        earlier = s.scalar(select(func.count()).select_from(AppointmentSeries))
        monday = date.today() + timedelta(days=70 + 35 * earlier)  # after the earlier ones
        monday -= timedelta(days=monday.weekday())
        prac = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                        .where(User.email == kit.ROLES["practitioner"]))
        location = s.scalar(select(Location).where(Location.active.is_(True))
                            .order_by(Location.id).limit(1))
        service = s.scalar(select(Service).where(Service.discipline == "physio",
                                                 Service.name.like("%follow-up%")))
        count = s.scalar(select(func.count()).select_from(Appointment))
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Grace", family_name=f"Hopper{count}", birth_date=date(1980, 1, 2),
            email=f"grace{count}@example.org"))
        booked, _ = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=patient.id, practitioner_id=prac.id, service_id=service.id,
            location_id=location.id, start=datetime.combine(monday, time(10), UTC),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=4)))
        assert len(booked) == 4
        return {"ids": [a.id for a in booked], "email": patient.email,
                "practitioner": prac.display_name}


def _outbox(db, ids):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.execute(select(OutboxMessage.kind, OutboxMessage.appointment_id)
                              .where(OutboxMessage.appointment_id.in_(ids))
                              .order_by(OutboxMessage.id)).all())


def _statuses(db, ids):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return [s.get(Appointment, i).status for i in ids]


def test_the_page_shows_what_will_be_sent_and_cancelling_sends_it(browser, db, series):  # type: ignore[no-untyped-def]
    ids, desk = series["ids"], browser("front-desk")
    before = _outbox(db, ids)
    page = desk.get(f"/calendar/appointments/{ids[1]}/series/cancel?scope=following")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "3 visits to cancel" in html
    assert f"E-mail to {series['email']}" in html
    assert (f"Your 3 appointments with {series['practitioner']} are cancelled"
            in html.replace("&#39;", "'"))
    assert len(re.findall(r"^- \w+day \d+ \w+ \d{4} \d\d:\d\d$", html, re.M)) == 3
    assert "calendar file (.ics)" in html
    assert 'name="csrf_token"' in html and 'value="following"' in html
    # Looking changes nothing and queues nothing.
    assert _outbox(db, ids) == before
    assert _statuses(db, ids) == ["booked"] * 4

    # One visit alone: its own cancellation.
    one = desk.get(f"/calendar/appointments/{ids[1]}/series/cancel?scope=one")
    text = one.get_data(as_text=True)
    assert "1 visit to cancel" in text and "Your appointment on" in text

    # The appointment page links to it.
    visit = desk.get(f"/calendar/appointments/{ids[1]}").get_data(as_text=True)
    assert f"/calendar/appointments/{ids[1]}/series/cancel" in visit

    # Cancelling: one message listing the three dates, no per-visit cancellation.
    done = desk.post(f"/calendar/appointments/{ids[1]}/series/cancel",
                     {"scope": "following", "reason": "discharged"})
    assert done.status_code == 302
    assert _statuses(db, ids) == ["booked", "cancelled", "cancelled", "cancelled"]
    queued = _outbox(db, ids)[len(before):]
    assert queued == [(notices.SERIES_CANCELLATION, ids[1])]


def test_nothing_changes_without_a_reason_or_with_an_unknown_scope(browser, db, series):  # type: ignore[no-untyped-def]
    ids, desk = series["ids"], browser("front-desk")
    before = _outbox(db, ids)
    for form, words in (({"scope": "all", "reason": " "}, "give a reason"),
                        ({"scope": "every", "reason": "gone"}, "choose which visits")):
        answer = desk.post(f"/calendar/appointments/{ids[0]}/series/cancel", form,
                           follow_redirects=True)
        assert words in answer.get_data(as_text=True)
        assert _statuses(db, ids) == ["booked"] * 4 and _outbox(db, ids) == before
    bad = desk.get(f"/calendar/appointments/{ids[0]}/series/cancel?scope=every",
                   follow_redirects=True)
    assert "choose which visits" in bad.get_data(as_text=True)
    assert browser("billing").get(
        f"/calendar/appointments/{ids[0]}/series/cancel").status_code == 403


def test_the_page_costs_the_same_for_two_visits_or_four(browser, db, kit, series):  # type: ignore[no-untyped-def]
    ids, desk = series["ids"], browser("front-desk")
    counts = []
    for url in (f"/calendar/appointments/{ids[0]}/series/cancel?scope=all",
                f"/calendar/appointments/{ids[2]}/series/cancel?scope=following"):
        desk.get(url)  # warm the worker's caches
        with kit.QueryCounter(db) as counter:
            assert desk.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
