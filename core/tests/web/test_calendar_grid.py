"""The front desk's calendar grid: bookings without a room, no-shows and cancellations on
the grid (hidden on request), status changes answered in JSON for the in-place menu, undo of
a no-show, service colours, the front-desk alert, the time line and the week of everyone
in a bounded number of queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from vesalius.models import (
    Appointment,
    Invoice,
    Location,
    Patient,
    Practitioner,
    Service,
    WorkingHours,
)
from vesalius.services import Actor, scheduling
from vesalius.services.common import clinic_timezone
from vesalius.web.calendar import _now_row

SYSTEM = Actor.system("tests")


@pytest.fixture(scope="module")
def clinic(db):
    """A practitioner working at the first location, a patient with a front-desk alert and
    a service with a no-show fee, on a day of their own far ahead (empty otherwise)."""
    with db.session() as s:
        location = s.scalar(select(Location).order_by(Location.id).limit(1))
        practitioner_id = s.scalar(
            select(WorkingHours.practitioner_id).where(WorkingHours.location_id == location.id)
            .order_by(WorkingHours.practitioner_id).limit(1))
        practitioner = s.get(Practitioner, practitioner_id)
        patient = s.scalar(select(Patient).order_by(Patient.id).limit(1))
        patient.admin_note = "Hard of hearing: <speak up>"
        service = s.scalar(select(Service).where(
            Service.discipline == practitioner.disciplines[0]).order_by(Service.id).limit(1))
        service.late_cancel_fee = Decimal("40.00")
        zone = clinic_timezone(location.timezone)
        weekday = {h.weekday for h in s.scalars(select(WorkingHours).where(
            WorkingHours.practitioner_id == practitioner_id, WorkingHours.kind == "work"))}
        day = date.today() + timedelta(days=120)
        while day.weekday() not in weekday:
            day += timedelta(days=1)
        s.commit()
        return {"location": location.id, "practitioner": practitioner_id,
                "patient": patient.id, "service": service.id, "zone": zone, "day": day}


def _book(db, clinic, clock: time, **extra) -> int:
    with db.session() as s:
        appt = scheduling.book(s, SYSTEM, scheduling.BookingIn(
            patient_id=clinic["patient"], practitioner_id=clinic["practitioner"],
            service_id=clinic["service"], location_id=clinic["location"],
            start=datetime.combine(clinic["day"], clock, clinic["zone"]), **extra))
        s.commit()
        return appt.id


def _day(desk, clinic, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"date": clinic["day"].isoformat(),
                                             "location": clinic["location"], **args}.items())
    response = desk.get(f"/calendar/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _block_of(html: str, appointment_id: int) -> str:
    start = html.index(f'data-appointment="{appointment_id}"')
    return html[html.rindex("<a ", 0, start):html.index("</a>", start)]


def test_by_room_shows_bookings_without_a_room(browser, db, clinic):
    appointment_id = _book(db, clinic, time(9))
    html = _day(browser("front-desk"), clinic, by="room")
    with db.session() as s:
        name = s.get(Practitioner, clinic["practitioner"]).display_name
    assert f"No room<small>{name}</small>" in html  # a column per practitioner
    assert f'data-appointment="{appointment_id}"' in html


def test_no_show_stays_on_the_grid_struck_and_can_be_undone(browser, db, clinic):
    appointment_id = _book(db, clinic, time(10))
    desk = browser("front-desk")
    _day(desk, clinic)
    answer = desk.client.post(f"/calendar/appointments/{appointment_id}/status",
                              data={"status": "no-show"},
                              headers={"X-CSRFToken": desk.token, "Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.get_json() == {"id": appointment_id, "status": "no-show", "label": "No-show",
                                 "message": "Marked no-show.", "movable": False}
    block = _block_of(_day(desk, clinic), appointment_id)
    assert "no-show" in block and "freed" in block and 'draggable="false"' in block
    assert f'data-appointment="{appointment_id}"' not in _day(desk, clinic, freed="hide")
    with db.session() as s:
        fee = s.scalar(select(Invoice).where(Invoice.appointment_id == appointment_id))
        assert fee.status == "draft"
    # Undo: booked again, its draft no-show fee voided, and the page offers the undo in words.
    page = desk.get(f"/calendar/appointments/{appointment_id}").get_data(as_text=True)
    assert "Undo no-show" in page
    undo = desk.client.post(f"/calendar/appointments/{appointment_id}/status",
                            data={"status": "booked"},
                            headers={"X-CSRFToken": desk.token, "Accept": "application/json"})
    assert undo.get_json()["status"] == "booked"
    with db.session() as s:
        assert s.get(Appointment, appointment_id).status == "booked"
        assert s.get(Invoice, fee.id).status == "void"
    assert "freed" not in _block_of(_day(desk, clinic), appointment_id)


def test_undo_of_a_no_show_whose_time_was_rebooked_is_refused(browser, db, clinic):
    appointment_id = _book(db, clinic, time(11))
    desk = browser("front-desk")
    _day(desk, clinic)
    headers = {"X-CSRFToken": desk.token, "Accept": "application/json"}
    desk.client.post(f"/calendar/appointments/{appointment_id}/status",
                     data={"status": "no-show"}, headers=headers)
    rebooked = _book(db, clinic, time(11))
    html = _day(desk, clinic)
    assert "aside" in _block_of(html, appointment_id)  # drawn beside the new booking
    assert "aside" not in _block_of(html, rebooked)
    undo = desk.client.post(f"/calendar/appointments/{appointment_id}/status",
                            data={"status": "booked"}, headers=headers)
    assert undo.status_code == 409
    assert "already booked" in undo.get_json()["error"]
    with db.session() as s:
        assert s.get(Appointment, appointment_id).status == "no-show"


def test_cancel_in_place_needs_a_reason(browser, db, clinic):
    appointment_id = _book(db, clinic, time(12))
    desk = browser("front-desk")
    _day(desk, clinic)
    headers = {"X-CSRFToken": desk.token, "Accept": "application/json"}
    url = f"/calendar/appointments/{appointment_id}/cancel"
    refused = desk.client.post(url, data={"reason": " "}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "reason"
    done = desk.client.post(url, data={"reason": "Unwell"}, headers=headers)
    assert done.get_json()["status"] in ("cancelled", "late-cancelled")
    assert "freed" in _block_of(_day(desk, clinic), appointment_id)
    # Without scripts the same form still answers with a page.
    later = _book(db, clinic, time(16))
    plain = desk.post(f"/calendar/appointments/{later}/cancel", {"reason": "Away"})
    assert plain.status_code == 302


def test_service_colour_fills_the_block(browser, db, clinic):
    owner = browser("owner")
    owner.get("/admin/services")
    keep = {"active": "on", "online_bookable": "on"}  # the row's checkboxes, as sent
    assert owner.post(f"/admin/services/{clinic['service']}",
                      {"colour": "teal", **keep}).status_code == 302
    bad = owner.post(f"/admin/services/{clinic['service']}", {"colour": "#ff0000", **keep})
    assert "choose one of" in owner.get(bad.headers["Location"]).get_data(as_text=True)
    with db.session() as s:
        assert s.get(Service, clinic["service"]).colour == "teal"
    appointment_id = _book(db, clinic, time(14))
    block = _block_of(_day(browser("front-desk"), clinic), appointment_id)
    assert "svc-teal" in block


def test_front_desk_alert_on_the_block_and_the_appointment(browser, db, clinic):
    appointment_id = _book(db, clinic, time(15))
    desk = browser("front-desk")
    block = _block_of(_day(desk, clinic), appointment_id)
    assert "Alert: Hard of hearing: &lt;speak up&gt;." in block  # escaped, read out
    page = desk.get(f"/calendar/appointments/{appointment_id}").get_data(as_text=True)
    assert "Front-desk alert:</strong> Hard of hearing: &lt;speak up&gt;" in page


def test_time_line_only_on_today_within_the_hours_shown(browser, clinic):
    zone = clinic["zone"]
    now = datetime.now(zone)
    assert _now_row(now.date() + timedelta(days=1), zone, 0, 24) is None
    row = _now_row(now.date(), zone, 0, 24)
    assert row == (now.hour * 60 + now.minute) // 5 + 1 or row == (
        now.hour * 60 + now.minute) // 5 + 2  # the minute may turn between the two reads
    assert 'class="cal-now' not in _day(browser("front-desk"), clinic)


def test_week_of_everyone_lists_each_practitioner_in_bounded_queries(browser, db, kit, clinic):
    _book(db, clinic, time(8))
    desk = browser("front-desk")
    with db.session() as s:
        busiest = s.execute(select(func.date(Appointment.start_at), func.count())
                            .group_by(func.date(Appointment.start_at))
                            .order_by(func.count().desc()).limit(1)).one()[0]
    counts = []
    for day in (busiest, (date.today() + timedelta(days=400)).isoformat()):
        desk.get(f"/calendar/week/all?date={day}")
        with kit.QueryCounter(db) as counter:
            response = desk.get(f"/calendar/week/all?date={day}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] <= 14
    assert counts[0] <= counts[1] + 2  # the list read's audit rows, skipped when empty
    html = desk.get(f"/calendar/week/all?date={clinic['day']}").get_data(as_text=True)
    with db.session() as s:
        name = s.get(Practitioner, clinic["practitioner"]).display_name
    assert f"<h3>{name}</h3>" in html or name in html
    assert "Alert: Hard of hearing" in html


def test_practitioners_week_shows_cancellations_struck_and_hides_them_on_request(browser, db,
                                                                                 clinic):
    kept = _book(db, clinic, time(6))  # times no other test of this module books
    gone = _book(db, clinic, time(19))
    with db.session() as s:
        scheduling.cancel(s, SYSTEM, gone, "moved away")
        s.commit()
    desk = browser("front-desk")
    query = f"date={clinic['day'].isoformat()}&practitioner={clinic['practitioner']}"
    html = desk.get(f"/calendar/week?{query}").get_data(as_text=True)
    assert "freed" in _block_of(html, gone) and "freed" not in _block_of(html, kept)
    assert 'id="wk-freed"' in html
    hidden = desk.get(f"/calendar/week?{query}&freed=hide").get_data(as_text=True)
    assert f'data-appointment="{gone}"' not in hidden
    assert f'data-appointment="{kept}"' in hidden and "freed=hide" in hidden  # kept on paging
