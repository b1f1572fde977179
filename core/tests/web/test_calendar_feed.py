"""A practitioner's private iCalendar feed (RFC 5545): turned on from the account, read by
its secret address alone, parsed back with ``icalendar``; no patient name by default, the
initials only when the owner allows them; renewing or turning it off (or the owner turning
it off) kills the old address; one query for the events whatever the calendar's size."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select
from vesalius.models import Appointment, Patient, Practitioner, User

FEED = re.compile(r'value="(http://localhost/feeds/calendar/[^"]+\.ics)"')


def _busiest_practitioner(db):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with db.session() as s:
        pid, count = s.execute(
            select(Appointment.practitioner_id, func.count())
            .where(Appointment.start_at >= now - timedelta(days=31))
            .group_by(Appointment.practitioner_id)
            .order_by(func.count().desc()).limit(1)).one()
        email = s.scalar(select(User.email).join(Practitioner, Practitioner.user_id == User.id)
                         .where(Practitioner.id == pid))
        names = {n for row in s.execute(
            select(Patient.given_name, Patient.family_name)
            .join(Appointment, Appointment.patient_id == Patient.id)
            .where(Appointment.practitioner_id == pid)) for n in row}
    return email, count, names


def _turn_on(practitioner) -> str:  # type: ignore[no-untyped-def]
    assert practitioner.get("/account/calendar-feed").status_code == 200
    page = practitioner.post("/account/calendar-feed").get_data(as_text=True)
    match = FEED.search(page)
    assert match, page[:2000]
    return match.group(1).removeprefix("http://localhost")


def test_feed_lists_the_appointments_without_patient_details(browser, db, kit):  # type: ignore[no-untyped-def]
    email, count, names = _busiest_practitioner(db)
    physio = browser()
    physio.login(email, kit.DEMO_PASSWORD)
    url = _turn_on(physio)
    anonymous = browser().client
    with kit.QueryCounter(db) as counted:
        response = anonymous.get(url)
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == count
    assert all(str(e["UID"]).startswith("appt-") for e in events)
    assert all(e.decoded("dtstart").tzinfo is not None for e in events)
    for name in names:  # no patient's name anywhere in the feed
        assert name not in body
    assert counted.count <= 8  # feed, practitioner, events, audit: not one per event

    # The owner lets initials show: the summaries carry them, still no names.
    owner = browser("owner")
    assert owner.get("/admin/calendar-feeds").status_code == 200
    owner.post("/admin/calendar-feeds", {"initials": "1"})
    body = anonymous.get(url).get_data(as_text=True)
    assert re.search(r"SUMMARY:[^\r\n]*\([A-Z]\.[A-Z]\.\)", body)
    owner.post("/admin/calendar-feeds", {"initials": "0"})


def test_renewing_or_turning_off_kills_the_old_address(browser, db, kit):  # type: ignore[no-untyped-def]
    email, _, _ = _busiest_practitioner(db)
    physio = browser()
    physio.login(email, kit.DEMO_PASSWORD)
    first = _turn_on(physio)
    second = _turn_on(physio)  # renew
    client = browser().client
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get("/feeds/calendar/not-a-token.ics").status_code == 404
    physio.post("/account/calendar-feed/off")
    assert client.get(second).status_code == 404
    third = _turn_on(physio)
    # The owner sees it and turns it off (a leaked address).
    owner = browser("owner")
    page = owner.get("/admin/calendar-feeds").get_data(as_text=True)
    pid = re.search(r"/admin/calendar-feeds/(\d+)/revoke", page)
    assert pid
    owner.post(f"/admin/calendar-feeds/{pid.group(1)}/revoke")
    assert client.get(third).status_code == 404


def test_only_practitioners_have_a_feed(browser):  # type: ignore[no-untyped-def]
    assert browser("front-desk").get("/account/calendar-feed").status_code == 403
    assert browser("practitioner").get("/admin/calendar-feeds").status_code == 403
    assert browser(None).client.get("/account/calendar-feed").status_code in (302, 401)
