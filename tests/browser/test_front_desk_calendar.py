"""The front desk's calendar in a real browser: check-in in place (no page trip), a
no-show struck through and undone, a cancellation with its reason hidden and shown by the
toggle, the patient's alert on the block, a service's colour as the fill, a drop into
hatched time warned about in words, and the week of every practitioner fitting 1024 and
1440 px. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DESK = "desk@demo.vesalius.test"


def _plant(app: Any) -> dict[str, Any]:
    """Five bookings of Pat Browser (no working hours: all hatched) on a day of their own,
    one patient with a front-desk alert, the service coloured teal."""
    from sqlalchemy import select
    from vesalius.models import Location, Patient, Practitioner, Service, User
    from vesalius.services import Actor, scheduling
    from vesalius.services.common import clinic_timezone

    db = app.extensions["vesalius.db"]
    system = Actor.system("tests")
    with db.session() as s:
        location = s.scalar(select(Location).order_by(Location.id).limit(1))
        pat = s.scalar(select(Practitioner).join(User, User.id == Practitioner.user_id)
                       .where(User.email == "physio.browser@clinic.test"))
        service = s.scalar(select(Service).where(Service.discipline == "physio")
                           .order_by(Service.id).limit(1))
        service.colour = "teal"
        patients = list(s.scalars(select(Patient).order_by(Patient.id).limit(5)))
        patients[0].admin_note = "Hard of hearing"
        zone = clinic_timezone(location.timezone)
        # A day of its own: further ahead on every run of the session's clinic.
        day = date.today() + timedelta(days=30 + s.scalar(
            select(Practitioner.id).order_by(Practitioner.id.desc()).limit(1)))
        existing = scheduling.day_list(s, system, day, practitioner_ids=[pat.id])
        while existing:
            day += timedelta(days=1)
            existing = scheduling.day_list(s, system, day, practitioner_ids=[pat.id])
        ids = []
        for i, patient in enumerate(patients):
            ids.append(scheduling.book(s, system, scheduling.BookingIn(
                patient_id=patient.id, practitioner_id=pat.id, service_id=service.id,
                location_id=location.id,
                start=datetime.combine(day, time(9 + i), zone))).id)
        s.commit()
        names = [p.display_name for p in patients]
        return {"day": day, "location": location.id, "ids": ids, "names": names}


DRAG = """(id) => {
  const block = document.querySelector(`a.appt[data-appointment="${id}"]`);
  const col = block.closest(".cal-col");
  const data = new DataTransfer();
  block.dispatchEvent(new DragEvent("dragstart", { bubbles: true, dataTransfer: data }));
  const box = col.getBoundingClientRect();
  const at = { bubbles: true, cancelable: true, dataTransfer: data,
               clientX: box.left + 20, clientY: box.bottom - 40 };
  col.dispatchEvent(new DragEvent("dragover", at));
  col.dispatchEvent(new DragEvent("drop", at));
  block.dispatchEvent(new DragEvent("dragend", { bubbles: true, dataTransfer: data }));
}"""


def _menu_action(page: Any, appointment_id: int, words: str) -> None:
    page.click(f'a.appt[data-appointment="{appointment_id}"]')
    page.wait_for_selector("#cal-menu[open]")
    page.click(f"#cal-menu .cal-menu-actions button:has-text('{words}')")
    page.wait_for_selector("#cal-menu", state="hidden")


def _counts(page) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The day heading's count per status."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#cal-counts .badge')].map((b) => [b.dataset.status, Number(b.querySelector('.n')
        .textContent)]))""")


def test_front_desk_day_in_place(page_as, live_app, axe, shot):
    app, base = live_app
    planted = _plant(app)
    first, second, third, fourth, fifth = planted["ids"]
    desk = page_as(DESK)
    desk.goto(f"{base}/calendar/?date={planted['day']}&location={planted['location']}")
    desk.evaluate("window.__sameDocument = true")
    block = desk.locator(f'a.appt[data-appointment="{first}"]')
    assert "svc-teal" in block.get_attribute("class")
    assert block.locator(".appt-alert .visually-hidden").inner_text() == "Alert: Hard of hearing."

    # Check-in in place: two clicks, no page trip; the block, the status line and the day's
    # counts update.
    before = _counts(desk)
    block.click()
    desk.wait_for_selector("#cal-menu[open]")
    assert desk.locator(".cal-menu-alert").inner_text() == "Front-desk alert: Hard of hearing"
    shot(desk, "calendar-menu")
    desk.click("#cal-menu button:has-text('Check in')")
    desk.wait_for_selector(f'a.appt.arrived[data-appointment="{first}"]')
    assert block.locator(".st").inner_text() == "Arrived"
    assert "Checked in." in desk.locator("#cal-said").inner_text()
    assert desk.evaluate("window.__sameDocument") is True
    after = _counts(desk)
    assert after.get("arrived", 0) == before.get("arrived", 0) + 1
    assert sum(after.values()) == sum(before.values())

    # The keyboard alone: the block's link opens the menu, whose first button checks in.
    desk.focus(f'a.appt[data-appointment="{fifth}"]')
    desk.keyboard.press("Enter")
    desk.wait_for_selector("#cal-menu[open]")
    assert desk.evaluate("document.activeElement.textContent") == "Check in"
    desk.keyboard.press("Enter")
    desk.wait_for_selector(f'a.appt.arrived[data-appointment="{fifth}"]')
    assert desk.evaluate("document.activeElement.dataset.appointment") == str(fifth)

    # A no-show stays on the grid, struck through, and can be undone.
    _menu_action(desk, second, "No-show")
    missed = desk.locator(f'a.appt[data-appointment="{second}"]')
    assert "freed" in missed.get_attribute("class")
    assert "line-through" in missed.locator("strong").evaluate(
        "el => getComputedStyle(el).textDecorationLine")
    _menu_action(desk, second, "Undo no-show")
    desk.wait_for_selector(f'a.appt.booked[data-appointment="{second}"]:not(.freed)')

    # Booked and confirmed differ in shape (stripe and icon), not only in colour.
    _menu_action(desk, fourth, "Confirm")
    stripe = "el => getComputedStyle(el).borderLeftStyle"
    icon = "el => getComputedStyle(el, '::before').content"
    confirmed = desk.locator(f'a.appt.confirmed[data-appointment="{fourth}"]')
    booked = desk.locator(f'a.appt[data-appointment="{second}"]')
    assert (confirmed.evaluate(stripe), booked.evaluate(stripe)) == ("solid", "dashed")
    assert confirmed.locator(".st").evaluate(icon) != booked.locator(".st").evaluate(icon)

    # Cancel with a reason, then hide and show cancelled bookings with the toggle.
    desk.click(f'a.appt[data-appointment="{third}"]')
    desk.click("#cal-menu button:has-text('Cancel…')")
    desk.fill("#cal-menu-reason", "Unwell")
    desk.click("#cal-menu .cal-menu-cancel button[type=submit]")
    cancelled = desk.locator(f'a.appt[data-appointment="{third}"]')
    desk.wait_for_selector(f'a.appt.freed[data-appointment="{third}"]')
    desk.check("#cal-freed")
    assert cancelled.is_hidden()
    desk.uncheck("#cal-freed")
    assert cancelled.is_visible()
    assert desk.evaluate("window.__sameDocument") is True

    # The page, reloaded, draws what the server now holds, and counts what was counted live.
    live = _counts(desk)
    desk.reload()
    assert _counts(desk) == live
    assert "arrived" in desk.locator(f'a.appt[data-appointment="{first}"]').get_attribute("class")
    assert "freed" in desk.locator(f'a.appt[data-appointment="{third}"]').get_attribute("class")
    axe.assert_accessible(desk)
    assert not desk.errors, desk.errors


def test_drop_into_hatched_time_is_warned_in_words(page_as, live_app):
    app, base = live_app
    planted = _plant(app)
    moving = planted["ids"][4]
    desk = page_as(DESK)
    desk.goto(f"{base}/calendar/?date={planted['day']}&location={planted['location']}")
    said = []

    def answer(dialog: Any) -> None:
        said.append(dialog.message)
        dialog.dismiss()

    desk.on("dialog", answer)
    from vesalius.models import Appointment

    with app.extensions["vesalius.db"].session() as s:
        before = s.get(Appointment, moving).start_at
    # The drag's events as Chromium sends them (a synthetic pointer drag is not reliable
    # headless): start on the block, drop on the column near its foot (hatched: Pat Browser
    # has no working hours).
    desk.evaluate(DRAG, moving)
    desk.wait_for_function("document.getElementById('cal-said').textContent === 'Not moved.'")
    assert len(said) == 1 and "outside Pat Browser's working hours" in said[0], said
    with app.extensions["vesalius.db"].session() as s:
        assert s.get(Appointment, moving).start_at == before  # not moved
    assert not desk.errors, desk.errors


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1440, 900)])
def test_week_of_everyone_fits_the_window(page_as, live_app, axe, shot, width, height):
    base = live_app[1]
    desk = page_as(DESK, width=width, height=height)
    desk.goto(f"{base}/calendar/week/all")
    assert desk.locator(".wa-day").count() == 7
    assert desk.locator(".wa-appt").count() > 0
    assert desk.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(desk, f"week-everyone-{width}")
    # The demo books on weekdays: a weekend's day has no bookings to draw (the last weekday
    # is within the demo's days back).
    weekday = date.today()
    while weekday.weekday() >= 5:
        weekday -= timedelta(days=1)
    desk.goto(f"{base}/calendar/?by=room&date={weekday.isoformat()}")
    assert desk.locator(".cal-head", has_text="No room").count() >= 1
    assert desk.locator(".cal-col a.appt").count() > 0
    shot(desk, f"day-by-room-{width}")
    axe.assert_accessible(desk)
    assert not desk.errors, desk.errors
