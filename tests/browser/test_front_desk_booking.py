"""The front desk's booking form in a real browser: a new patient booked for next Monday in a
few clicks, a fortnightly series previewed with its clash named and booked without it, and a
slot freed by a cancellation offered to a waiting patient (the waitlist matched on Toronto's
clock), the service and the case chosen before it is booked. Screenshots at 1024x768 and
1440x900 go to test-artifacts/browser/; no page is wider than the window."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"
PRACTITIONER = "Pat Browser"  # made by the live_app fixture, with an empty diary
SERVICE = "Physiotherapy: follow-up"


def _db(live_app: tuple[Any, str]) -> Any:
    return live_app[0].extensions["vesalius.db"]


def _ids(live_app: tuple[Any, str]) -> dict[str, Any]:
    from sqlalchemy import select
    from vesalius.models import Location, Patient, Practitioner
    from vesalius.services.common import clinic_timezone

    with _db(live_app).session() as s:
        prac = s.scalar(select(Practitioner).where(Practitioner.display_name == PRACTITIONER))
        zone = clinic_timezone(s.scalar(select(Location.timezone).where(
            Location.active.is_(True)).order_by(Location.id).limit(1)))
        patients = list(s.scalars(select(Patient).order_by(Patient.id).limit(12)))
        return {"practitioner": prac.id, "zone": zone,
                "patients": [(p.id, p.display_name) for p in patients]}


def _wider_than_window(page: Any) -> int:
    wider = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    if wider > 0:  # name the culprits in the failure
        print(page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth)
            .map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
                 + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"""))
    return wider


def _pick(page: Any, select: str, text: str) -> None:
    option = page.locator(f"{select} option", has_text=text).first
    page.select_option(select, option.get_attribute("value"))


def test_new_patient_next_monday(page_as, live_server, live_app, shot):  # type: ignore[no-untyped-def]
    """From the calendar: New booking, New patient, practitioner, service, Next Monday, Book:
    6 clicks and choices (it took 7 with a page trip to register the patient first)."""
    desk = page_as(DESK, width=1024, height=768)
    desk.goto(f"{live_server}/calendar/")
    clicks = 0
    desk.click("main a:has-text('New booking')")
    clicks += 1
    desk.wait_for_url(re.compile(r"/calendar/book"))
    desk.click("#new-patient summary")
    clicks += 1
    desk.fill("#f-new_given_name", "Lise")
    desk.fill("#f-new_family_name", "Meitner")
    _pick(desk, "#f-practitioner_id", PRACTITIONER)
    _pick(desk, "#f-service_id", SERVICE)
    clicks += 2
    desk.click(".quick-days button:has-text('Next Monday')")
    clicks += 1
    today = date.today()
    monday = today + timedelta(days=7 - today.weekday())
    assert desk.input_value("#f-date") == monday.isoformat()
    desk.fill("#f-time", "11:00")
    shot(desk, "booking-new-patient-1024")
    assert _wider_than_window(desk) <= 0
    desk.click("#booking-form button[type=submit]")
    clicks += 1
    desk.wait_for_url(re.compile(r"/calendar/\?"))
    assert desk.locator(".flash-success", has_text="Booked Lise Meitner").count() == 1
    assert clicks == 6
    from sqlalchemy import select
    from vesalius.models import Appointment, Patient

    zone = _ids(live_app)["zone"]
    with _db(live_app).session() as s:
        lise = s.scalar(select(Patient).where(Patient.family_name == "Meitner"))
        appt = s.scalar(select(Appointment).where(Appointment.patient_id == lise.id))
        assert appt.start_at.astimezone(zone).replace(tzinfo=None) == datetime.combine(
            monday, time(11))
    assert not desk.errors, desk.errors


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1440, 900)])
def test_recurring_series_preview_and_book(page_as, live_server, live_app, shot, width,  # type: ignore[no-untyped-def]
                                           height):
    from vesalius.services import Actor, scheduling

    ids = _ids(live_app)
    zone = ids["zone"]
    index = 0 if width == 1024 else 1
    (patient_id, name), (other_id, _) = ids["patients"][index], ids["patients"][5 + index]
    start = date.today() + timedelta(days=60 + 100 * index)
    with _db(live_app).session() as s:  # someone else has the third date's 10:00
        third = datetime.combine(start + timedelta(days=28), time(10), zone)
        scheduling.book(s, Actor.system("tests"), scheduling.BookingIn(
            patient_id=other_id, practitioner_id=ids["practitioner"], start=third,
            end=third + timedelta(minutes=30)))
    desk = page_as(DESK, width=width, height=height)
    desk.goto(f"{live_server}/calendar/book?patient={patient_id}")
    _pick(desk, "#f-practitioner_id", PRACTITIONER)
    _pick(desk, "#f-service_id", SERVICE)
    desk.fill("#f-date", start.isoformat())
    desk.fill("#f-time", "10:00")
    desk.select_option("#f-repeat_weeks", "2")
    desk.wait_for_selector("#repeat-end:not([hidden])")
    desk.fill("#f-repeat_count", "4")
    desk.click("#repeat-end input[name=preview]")
    desk.wait_for_selector("#series-preview")
    rows = desk.locator("#series-preview tbody tr")
    assert rows.count() == 4
    assert [rows.nth(i).get_attribute("class") for i in range(4)] == [
        "preview-free", "preview-free", "preview-clash", "preview-free"]
    assert "Pat Browser is already booked 10:00-10:30 with another patient" in \
        rows.nth(2).inner_text()
    assert "UTC" not in desk.locator("main").inner_text()
    shot(desk, f"booking-series-preview-{width}")
    assert _wider_than_window(desk) <= 0
    desk.check("input[name=skip_conflicts]")
    desk.click("#booking-form button[type=submit]")
    desk.wait_for_url(re.compile(r"/calendar/\?"))
    flash = desk.locator(".flash-success").inner_text()
    assert f"Booked 3 visits for {name}" in flash and "1 clashing date skipped" in flash
    assert not desk.errors, desk.errors


def test_waitlist_offer_asks_for_service_and_case(page_as, live_server, live_app, shot):  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from vesalius.models import Appointment, WaitlistEntry
    from vesalius.services import Actor, scheduling, waitlist

    ids = _ids(live_app)
    zone = ids["zone"]
    (leaving, _), (waiting, name) = ids["patients"][8], ids["patients"][9]
    friday = date.today() + timedelta(days=14)
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    system = Actor.system("tests")
    with _db(live_app).session() as s:
        slot = datetime.combine(friday, time(14), zone)  # 14:00 in the clinic's zone
        appt = scheduling.book(s, system, scheduling.BookingIn(
            patient_id=leaving, practitioner_id=ids["practitioner"], start=slot,
            end=slot + timedelta(minutes=30)))
        scheduling.cancel(s, system, appt.id, "moved away")
        entry = waitlist.add(s, system, waitlist.WaitlistIn(
            patient_id=waiting, part_of_day="afternoon", weekdays=[4],
            note="Friday afternoons")).id
        appt_id = appt.id
    desk = page_as(DESK, width=1440, height=900)
    desk.goto(f"{live_server}/calendar/")
    desk.click("nav a:has-text('Waitlist')")
    desk.wait_for_url(re.compile(r"/calendar/waitlist"))
    assert desk.locator("main", has_text=name).count() == 1
    desk.goto(f"{live_server}/calendar/appointments/{appt_id}")
    offer = desk.locator("li", has_text=name).locator("a:has-text('Offer this slot')")
    offer.click()
    desk.wait_for_url(re.compile(r"/calendar/book\?"))
    assert desk.locator("#waitlist-offer", has_text=name).count() == 1
    assert desk.input_value("#f-time") == "14:00"
    assert desk.input_value("#f-date") == friday.isoformat()
    # Booking without a service or a case is refused with both named.
    desk.click("#booking-form button[type=submit]")
    desk.wait_for_selector("#service_id-error")
    assert "Choose the patient's case" in desk.locator("#case_id-error").inner_text()
    _pick(desk, "#f-service_id", SERVICE)
    desk.select_option("#f-case_id", "new")
    desk.wait_for_selector("#new-case:not([hidden])")
    desk.fill("#f-case_title", "Frozen shoulder")
    shot(desk, "booking-waitlist-offer-1440")
    assert _wider_than_window(desk) <= 0
    desk.click("#booking-form button[type=submit]")
    desk.wait_for_url(re.compile(r"/calendar/appointments/\d+$"))
    with _db(live_app).session() as s:
        row = s.get(WaitlistEntry, entry)
        booked = s.get(Appointment, row.appointment_id)
        assert row.status == "booked" and booked.patient_id == waiting
        assert booked.case_id is not None and booked.service_id is not None
        assert booked.start_at == datetime.combine(friday, time(14), zone)
        assert s.scalar(select(Appointment.status).where(Appointment.id == appt_id)) \
            == "cancelled"
    # The refused first try answered 422 (Chromium logs that); nothing else went wrong.
    errors = [e for e in desk.errors if "status of 422" not in e]
    assert not errors, errors


def test_outside_hours_warns_and_the_owner_can_make_it_a_refusal(page_as, live_server,  # type: ignore[no-untyped-def]
                                                                 live_app, shot):
    from sqlalchemy import select
    from vesalius.models import Practitioner, Service, WorkingHours

    ids = _ids(live_app)
    with _db(live_app).session() as s:
        prac = s.scalar(select(Practitioner).where(Practitioner.id.in_(
            select(WorkingHours.practitioner_id))).order_by(Practitioner.id).limit(1))
        service = s.scalar(select(Service).where(
            Service.discipline.in_(prac.disciplines), Service.active.is_(True))
            .order_by(Service.id).limit(1))
        prac_id, prac_name, service_id = prac.id, prac.display_name, service.id
    patient_id, name = ids["patients"][10]
    day = date.today() + timedelta(days=200)
    desk = page_as(DESK, width=1024, height=768)
    desk.goto(f"{live_server}/calendar/book?patient={patient_id}&practitioner={prac_id}"
              f"&service={service_id}")
    desk.fill("#f-date", day.isoformat())
    desk.fill("#f-time", "21:00")
    desk.click("#booking-form button[type=submit]")
    warning = desk.locator("#outside-hours")
    warning.wait_for()
    assert f"is outside {prac_name}'s working hours" in warning.inner_text()
    shot(desk, "booking-outside-hours-1024")
    assert _wider_than_window(desk) <= 0
    desk.click("#outside-hours input[value='Book anyway']")
    desk.wait_for_url(re.compile(r"/calendar/\?"))
    assert desk.locator(".flash-success", has_text=f"Booked {name}").count() == 1

    owner = page_as("owner@demo.vesalius.test", width=1440, height=900)
    try:
        owner.goto(f"{live_server}/admin/locations")
        owner.check("#booking-rules input[value=refuse]")
        owner.click("#booking-rules button[type=submit]")
        owner.wait_for_selector(".flash-success")
        assert owner.is_checked("#booking-rules input[value=refuse]")
        shot(owner, "admin-booking-rules-1440")
        assert _wider_than_window(owner) <= 0
        desk.goto(f"{live_server}/calendar/book?patient={patient_id}&practitioner={prac_id}"
                  f"&service={service_id}")
        desk.fill("#f-date", (day + timedelta(days=1)).isoformat())
        desk.fill("#f-time", "21:00")
        desk.click("#booking-form button[type=submit]")
        refusal = desk.locator("#start-error")
        refusal.wait_for()
        assert "does not book outside working hours" in refusal.inner_text()
        assert desk.locator("#outside-hours").count() == 0
    finally:
        owner.goto(f"{live_server}/admin/locations")
        owner.check("#booking-rules input[value=warn]")
        owner.click("#booking-rules button[type=submit]")
        owner.wait_for_selector(".flash-success")
    errors = [e for e in desk.errors if "status of 422" not in e]
    assert not errors and not owner.errors, (errors, owner.errors)
