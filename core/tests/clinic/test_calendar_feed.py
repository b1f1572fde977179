"""The calendar feed's content (services/calendar_feed.py) on both engines: a cancelled
visit stays as STATUS:CANCELLED with a higher SEQUENCE so subscribed copies update; a feed
of a practitioner whose account is closed answers like an unknown one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from clinic_factories import MONDAY, at, clinic_setup
from icalendar import Calendar
from vesalius.errors import NotFound
from vesalius.models import User
from vesalius.services import Actor, calendar_feed, scheduling
from vesalius.services.scheduling import BookingIn


def test_cancelled_visits_stay_as_cancelled_and_closed_accounts_lose_the_feed(db) -> None:  # type: ignore[no-untyped-def]
    system = Actor.system("tests")
    with db.session() as s:
        c = clinic_setup(s, system)
        prac = c["practitioner"]
        me = Actor(user_id=prac.user_id, role="practitioner", practitioner_id=prac.id)
        appt = scheduling.book(s, system, BookingIn(
            patient_id=c["patient"].id, practitioner_id=prac.id,
            service_id=c["service"].id, start=at(MONDAY, 10)))
        token = calendar_feed.turn_on(s, me)
        s.commit()
        now = at(MONDAY, 8)
        (event,) = Calendar.from_ical(calendar_feed.render(s, token, now=now)).walk("VEVENT")
        assert event["SUMMARY"] == "Rehab follow-up" and event["STATUS"] == "TENTATIVE"
        assert event.decoded("dtstart") == at(MONDAY, 10)
        first = int(event["SEQUENCE"])
        appt.updated_at = appt.updated_at + timedelta(seconds=5)  # a later change
        scheduling.cancel(s, system, appt.id, "patient unwell", at=now - timedelta(days=3))
        s.commit()
        (event,) = Calendar.from_ical(calendar_feed.render(s, token, now=now)).walk("VEVENT")
        assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) > first
        s.get(User, prac.user_id).active = False
        s.commit()
        with pytest.raises(NotFound):
            calendar_feed.render(s, token, now=now)
        with pytest.raises(NotFound):
            calendar_feed.render(s, "no-such-token", now=now)
