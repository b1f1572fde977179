"""The calendar's series-cancel page in Chromium: from the appointment's Cancel, the
front desk sees the visits "this and the following" takes and the one e-mail the patient
will get, inside the window at 1024x768 and 1440x900, and cancels them."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"
PHYSIO = "physio.browser@clinic.test"  # live_app's physio, with an empty diary


def _series(app) -> list[int]:  # type: ignore[no-untyped-def]
    """Four weekly visits with the empty-diary physio for a new patient with an e-mail
    address, on a Monday of their own (the live app is shared by the session)."""
    from sqlalchemy import func, select
    from vesalius.models import Appointment, AppointmentSeries, Practitioner, User
    from vesalius.services import Actor, patients, recurrence

    system = Actor.system("tests")
    with app.extensions["vesalius.db"].session() as s:
        earlier = s.scalar(select(func.count()).select_from(AppointmentSeries))
        monday = date.today() + timedelta(days=63 + 35 * earlier)
        monday -= timedelta(days=monday.weekday())
        prac = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                        .where(User.email == PHYSIO))
        tag = secrets.token_hex(3)
        patient = patients.create(s, system, patients.PatientIn(
            given_name="Grace", family_name=f"Hopper-{tag}", birth_date=date(1980, 1, 2),
            email=f"grace.{tag}@example.org"))
        booked, _ = recurrence.book_series(s, system, recurrence.SeriesBookingIn(
            patient_id=patient.id, practitioner_id=prac.id,
            start=datetime.combine(monday, time(14), UTC),
            end=datetime.combine(monday, time(14, 45), UTC),
            recurrence=recurrence.RecurrenceIn(frequency="weekly", count=4)))
        assert s.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.series_id == booked[0].series_id)) == 4
        return [a.id for a in booked]


def test_the_front_desk_sees_what_will_be_sent_and_cancels(live_app, page_as, shot) -> None:  # type: ignore[no-untyped-def]
    app, base = live_app
    ids = _series(app)
    for width, height in ((1024, 768), (1440, 900)):
        page = page_as(DESK, width=width, height=height)
        page.goto(f"{base}/calendar/appointments/{ids[1]}")
        page.get_by_text("Cancel", exact=True).click()  # the <summary>
        page.get_by_role("link", name="Cancel several visits of the series…").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="3 visits to cancel").is_visible()
        sent = page.get_by_role("article").filter(has_text="What the patient will be sent")
        assert "Your 3 appointments with Pat Browser are cancelled" in sent.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"series-cancel-{width}x{height}")
        assert page.errors == []
    page.get_by_role("button", name="Every booked visit of the series").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="4 visits to cancel").is_visible()
    page.get_by_role("button", name="This and the following visits").click()
    page.wait_for_load_state()
    page.fill("#s-reason", "discharged early")
    page.get_by_role("button", name="Cancel 3 visits").click()
    page.wait_for_load_state()
    assert "Cancelled 3 visits." in page.locator(".flash").first.inner_text()
    assert page.errors == []
