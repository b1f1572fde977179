"""Online booking in a real browser (issue 15): a new patient books on a phone, without
signing in: service, time, their details; the link e-mailed to them (read from the outbox)
books the time; the front desk's calendar shows the block as "online". The pages fit the
phone's width and pass axe."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

DESK = "desk@demo.vesalius.test"
PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_a_new_patient_books_on_a_phone_and_the_block_says_online(  # type: ignore[no-untyped-def]
        chromium, live_app, page_as, axe, shot):
    app, base = live_app
    db = app.extensions["vesalius.db"]
    context = chromium.new_context(viewport=PHONE, locale="en-US", is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}/book/")
        _fits(page)
        axe.assert_accessible(page)
        shot(page, "book-1-services-phone")
        page.locator(".book-choice").first.click()
        page.wait_for_load_state()
        # Step through the days until one has free times (the next-free link, or the next day).
        for _ in range(14):
            if page.locator(".book-times a").count():
                break
            nxt = page.get_by_role("link", name=re.compile("The next free times"))
            if nxt.count():
                nxt.click()
            else:
                page.locator(".book-days a[aria-current] + a").click()
            page.wait_for_load_state()
        _fits(page)
        axe.assert_accessible(page)
        shot(page, "book-2-times-phone")
        page.locator(".book-times a").first.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Book this time").is_visible()
        page.fill("#f-given_name", "Rosalind")
        page.fill("#f-family_name", "Franklin")
        page.fill("#f-birth_date", "1980-07-25")
        page.fill("#f-email", "rosalind.browser@example.org")
        page.fill("#f-phone", "+44 20 7946 0000")
        _fits(page)
        axe.assert_accessible(page)
        shot(page, "book-3-details-phone")
        page.get_by_role("button", name="Send me the link").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Check your e-mail").is_visible()

        from vesalius.models import Appointment, OutboxMessage, Patient

        with db.session() as s:
            body = s.scalar(select(OutboxMessage.body_text).where(
                OutboxMessage.recipient == "rosalind.browser@example.org",
                OutboxMessage.kind == "email-verification"))
        assert body is not None
        link = urlsplit(re.search(r"https?://\S+", body).group(0)).path
        page.goto(base + link)
        _fits(page)
        page.get_by_role("button", name="Book this time").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="You are booked").is_visible()
        _fits(page)
        axe.assert_accessible(page)
        shot(page, "book-4-booked-phone")
        assert not errors, errors
        with db.session() as s:
            patient_id = s.scalar(select(Patient.id).where(
                Patient.email_key == "rosalind.browser@example.org"))
            appointment = s.scalar(select(Appointment).where(
                Appointment.patient_id == patient_id))
            assert appointment is not None and appointment.booked_via == "online"
            day = appointment.start_at
            location_id = appointment.location_id
    finally:
        context.close()

    desk = page_as(DESK)
    from vesalius.services.scheduling import location_zone

    with db.session() as s:
        local_day = day.astimezone(location_zone(s, location_id)).date()
    desk.goto(f"{base}/calendar/?date={local_day.isoformat()}&location={location_id}")
    block = desk.locator(f'a.appt[data-appointment="{appointment.id}"]')
    assert block.count() == 1
    assert "online" in block.inner_text()
    shot(desk, "book-5-calendar-online")


def test_the_booking_pages_fit_larger_windows(chromium, live_app, shot):  # type: ignore[no-untyped-def]
    _app, base = live_app
    for width, height in ((1024, 768), (1440, 900)):
        context = chromium.new_context(viewport={"width": width, "height": height},
                                       locale="en-US")
        page = context.new_page()
        try:
            page.goto(f"{base}/book/")
            _fits(page)
            shot(page, f"book-services-{width}")
            page.locator(".book-choice").nth(1).click()
            page.wait_for_load_state()
            _fits(page)
            shot(page, f"book-times-{width}")
            page.locator(".book-times a").first.click()
            page.wait_for_load_state()
            assert page.get_by_role("heading", name="I am new").is_visible()
            _fits(page)
            shot(page, f"book-details-{width}")
        finally:
            context.close()
