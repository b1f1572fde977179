"""Accessibility of the main pages (WCAG 2.2 AA), in every role, in a real browser:

- axe-core's WCAG 2.0/2.1/2.2 A and AA rules find nothing on any page, at 1440x900 and
  1024x768;
- no page is wider than the window at 1440, 1024 and 320 CSS px (reflow, WCAG 1.4.10: the
  calendar grid and the data tables scroll inside their own box);
- booking an appointment works with the keyboard alone, through the patient combobox.

The pages a role audits are the main pages its permissions open (read from each view's
declared permission, as the gate does). The note editor has its own tests.
Set ``VESALIUS_A11Y_SHOTS=1`` to keep a screenshot of every page and size.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

DEMO = "vesalius-demo-2026"
PASSWORD = "correct horse battery staple"
LOGINS = {
    "owner": ("owner@demo.vesalius.test", DEMO),
    "front-desk": ("desk@demo.vesalius.test", DEMO),
    "billing": ("billing@demo.vesalius.test", DEMO),
    "practitioner": ("maya.chen@demo.vesalius.test", DEMO),
    "patient": ("portal.browser@clinic.test", PASSWORD),  # made by the live_app fixture
}
SIZES = [(1440, 900), (1024, 768)]


def _ids(app: Any) -> dict[str, int]:
    """Records the detail pages show: a patient with visits, their case with measures, an
    appointment, an invoice. The case is one of the audited practitioner's patients: a
    practitioner outside the care team gets the case page's 403 (break the glass)."""
    from sqlalchemy import func, select
    from vesalius.models import Appointment, Case, Invoice, MeasureResult, Practitioner, User

    with app.extensions["vesalius.db"].session() as s:
        mine = (select(Appointment.patient_id)
                .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
                .join(User, User.id == Practitioner.user_id)
                .where(User.email == LOGINS["practitioner"][0]))
        case_id = s.scalar(select(MeasureResult.case_id).where(MeasureResult.case_id.is_not(None),
                                                               MeasureResult.patient_id.in_(mine))
                           .group_by(MeasureResult.case_id)
                           .order_by(func.count().desc()).limit(1))
        if case_id is None:
            case_id = s.scalar(select(Case.id).order_by(Case.id).limit(1))
        patient_id = s.scalar(select(Case.patient_id).where(Case.id == case_id))
        appointment = s.scalar(select(Appointment.id).where(
            Appointment.patient_id == patient_id).order_by(Appointment.start_at.desc()).limit(1))
        invoice = s.scalar(select(Invoice.id).where(Invoice.number.is_not(None))
                           .order_by(Invoice.id).limit(1))
    return {"patient": patient_id, "case": case_id, "appointment": appointment,
            "invoice": invoice}


def main_pages(app: Any) -> list[str]:
    ids = _ids(app)
    return [
        "/chart/", "/calendar/", "/calendar/week", "/calendar/book", "/calendar/waitlist",
        f"/calendar/appointments/{ids['appointment']}",
        "/patients/", "/patients/?q=a", "/patients/new", f"/patients/{ids['patient']}",
        f"/patients/{ids['patient']}/edit", f"/cases/{ids['case']}",
        "/billing/ready", "/billing/invoices", f"/billing/invoices/{ids['invoice']}",
        f"/billing/payments/new?patient={ids['patient']}", "/billing/claims?status=all",
        "/reports/", "/admin/", "/admin/users", "/admin/services", "/admin/locations",
        "/account", "/portal/", "/portal/details", "/no-such-page",
    ]


def may_open(app: Any, role: str, path: str) -> bool:
    """Whether the gate lets ``role`` open ``path`` (the rule the menu uses: the view's
    declared permission and audience against the permission table); unknown paths: a 404
    anyone may see."""
    from vesalius.web.filters import may_open as opens
    from werkzeug.exceptions import NotFound

    try:
        endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0])
    except NotFound:
        return True
    with app.app_context():
        return opens(role, endpoint)


def overflow(page: Any) -> int:
    """How many CSS px the page is wider than the window."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    page.wait_for_load_state()
    expected = 404 if url.endswith("/no-such-page") else 200
    assert response is not None and response.status == expected, (url, response and
                                                                   response.status)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_passes_axe_and_fits(page_as, live_app, axe, shot, role, size):
    app, base = live_app
    page = page_as(*LOGINS[role], width=size[0], height=size[1])
    problems: list[str] = []
    pages = [p for p in main_pages(app) if may_open(app, role, p)]
    assert len(pages) >= 4, pages
    for path in pages:
        _visit(page, base + path)
        violations = axe.run_axe(page)
        if violations:
            problems.append(f"{path}:\n{axe.describe(violations)}")
        wider = overflow(page)
        if wider > 1:
            problems.append(f"{path}: {wider} px wider than the {size[0]} px window")
        if os.environ.get("VESALIUS_A11Y_SHOTS"):
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            shot(page, f"a11y-{role}-{size[0]}-{name}")
    assert not problems, f"{role} at {size[0]}x{size[1]}:\n" + "\n".join(problems)
    errors = [e for e in page.errors if "status of 404" not in e]  # the 404 page's own
    assert not errors, errors


@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_reflows_at_320_px(page_as, live_app, role):
    """WCAG 1.4.10: at 320 CSS px (1280 px at 400% zoom) nothing needs sideways scrolling
    but the calendar grid and data tables, which scroll inside their own box."""
    app, base = live_app
    page = page_as(*LOGINS[role], width=320, height=640)
    wide = []
    for path in (p for p in main_pages(app) if may_open(app, role, p)):
        _visit(page, base + path)
        wider = overflow(page)
        if wider > 1:
            culprits = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter((n) => n.getBoundingClientRect().right > window.innerWidth + 1
                        && !n.closest('.table-wrap, .cal, .scroll-box'))
                .slice(0, 3).map((n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '')
                        + (n.className && n.className.baseVal === undefined
                           ? '.' + String(n.className).split(' ').join('.') : ''))""")
            wide.append(f"{path}: {wider} px too wide ({', '.join(culprits)})")
    assert not wide, "\n".join(wide)


def test_sign_in_and_error_pages_pass_axe(chromium, live_server, axe):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        for path in ("/login", "/login?next=/calendar/"):
            page.goto(live_server + path)
            axe.assert_accessible(page)
            assert overflow(page) <= 1
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(live_server + "/login")
        assert overflow(page) <= 1
    finally:
        context.close()


def _tab_to(page: Any, test: str, limit: int = 200) -> None:
    """Press Tab until the focused element passes ``test`` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"no tab stop matched {test} in {limit} presses")


def test_booking_with_the_keyboard_alone(page_as, live_app, axe):
    """The front desk books a visit without the mouse: the menu, the patient combobox
    (arrow keys, Enter), the selects, the date, submit; the block then says "Booked"."""
    from datetime import date, timedelta

    from sqlalchemy import select
    from vesalius.models import Patient

    app, base = live_app
    with app.extensions["vesalius.db"].session() as s:
        family = next(f for f in s.scalars(select(Patient.family_name).order_by(Patient.id))
                      if f.isalpha())
    when = date.today() + timedelta(days=40)
    page = page_as(*LOGINS["front-desk"], width=1024, height=768)
    page.goto(base + "/calendar/")
    _tab_to(page, "el.textContent.trim() === 'New booking'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/calendar/book"))

    _tab_to(page, "el.id === 'f-patient_q'")
    picker = page.locator("#f-patient_q")
    assert picker.get_attribute("role") == "combobox"
    page.keyboard.type(family[:4])
    answered = f"#patient-results[data-query='{family[:4]}']:not([hidden]) [role=option]"
    page.wait_for_selector(answered)
    assert picker.get_attribute("aria-expanded") == "true"
    count = page.locator("#patient-results [role=option]").count()
    status = page.locator("#booking-form [data-combo-status]")  # not the header's search
    assert status.inner_text().startswith(f"{count} patient"), status.inner_text()
    page.keyboard.press("ArrowDown")
    axe.assert_accessible(page, label="the booking form with the patient list open")
    active = picker.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    name = page.locator(f"#{active} strong").inner_text()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "f-patient_q"  # focus stays
    assert picker.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=patient_id]").input_value().isdigit()
    assert picker.input_value().startswith(name)
    page.wait_for_function("() => document.querySelector('#booking-form [data-combo-status]')"
                           ".textContent.endsWith('picked.')")
    page.keyboard.press("Escape")  # a closed list: Escape clears the field ...
    assert picker.input_value() == ""
    page.keyboard.type(family[:4])  # ... and the patient is picked again
    page.wait_for_selector(answered)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("input[name=patient_id]").input_value().isdigit()

    _tab_to(page, "el.id === 'f-case_id'")
    page.wait_for_function("() => document.querySelectorAll('#f-case_id option').length > 1")
    page.keyboard.type("No case")
    assert page.locator("#f-case_id").input_value() == ""
    _tab_to(page, "el.id === 'f-practitioner_id'")
    page.keyboard.type("Pat Browser")
    assert "Pat Browser" in page.locator("#f-practitioner_id option:checked").inner_text()
    _tab_to(page, "el.id === 'f-service_id'")
    page.keyboard.type("Physiotherapy: f")
    assert "follow-up" in page.locator("#f-service_id option:checked").inner_text()
    _tab_to(page, "el.id === 'f-date'")
    page.keyboard.type(when.strftime("%m%d%Y"))
    assert page.locator("#f-date").input_value() == when.isoformat()
    _tab_to(page, "el.id === 'f-time'")
    page.keyboard.type("1015AM")
    assert page.locator("#f-time").input_value() == "10:15"
    _tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Book'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/calendar/book" not in page.url, page.locator(".field-error, .flash").all_inner_texts()
    page.wait_for_url(re.compile(r"/calendar/\?"))
    assert page.locator(".flash-success", has_text="Booked").count() == 1
    page.goto(f"{base}/calendar/?date={when.isoformat()}")
    _tab_to(page, f"el.classList.contains('appt') && el.textContent.includes({name!r})")
    assert "Booked" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")  # the status menu, then its link to the appointment
    page.wait_for_selector("#cal-menu[open]")
    _tab_to(page, "el.classList.contains('cal-menu-open')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/calendar/appointments/\d+"))
    assert not page.errors, page.errors


FOCUS_RING = """(el) => { const s = getComputedStyle(el);
    return s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 3; }"""


@pytest.mark.parametrize("path", ["/calendar/", "/calendar/book", "/admin/users",
                                  "/billing/claims?status=all"])
def test_every_tab_stop_shows_the_focus_ring(page_as, live_server, path):
    """WCAG 2.4.7 / 2.4.11: each tab stop (links, buttons, outline buttons, Sign out,
    selects, date and time fields, appointment blocks, scroll boxes) shows the ring."""
    page = page_as(*LOGINS["owner"], width=1440, height=900)
    page.goto(live_server + path)
    seen, missing = 0, []
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate(f"""() => {{ const el = document.activeElement;
            if (!el || el === document.body) return null;
            return [el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
                    ({FOCUS_RING})(el)]; }}""")
        if info is None:
            break
        seen += 1
        if not info[1]:
            missing.append(info[0])
    assert seen >= 10, seen
    assert not missing, f"{path}: no focus ring on {missing}"
